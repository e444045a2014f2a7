//! Fuzzing the compare-and-swap servers' reading of requests: the line parser
//! `cas::protocol::parse` accepts exactly two numbers between blanks, and
//! never panics; `cas::lines::LineBuffer` cuts a stream into the same lines
//! however the stream was split into reads.

use cas::lines::{LineBuffer, MAX_LINE};
use cas::protocol;
use fuzz::check;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// The blanks that may stand around and between the numbers: ASCII white space.
const BLANKS: &[u8] = b" \t\n\r\x0c";

/// White space for the lines made here: the blanks, and the vertical tab, which is not one.
const SPACES: &[u8] = b" \t\n\r\x0b\x0c";

/// What the parser should make of a line, written from the rule rather than
/// from the parser: words split at blanks, exactly two, each all digits, each
/// fitting a `u64`.
fn model(line: &[u8]) -> Option<(u64, u64)> {
    let words: Vec<&[u8]> =
        line.split(|byte| BLANKS.contains(byte)).filter(|word| !word.is_empty()).collect();
    let [old, new] = words[..] else {
        return None;
    };
    Some((decimal(old)?, decimal(new)?))
}

/// A word of ASCII digits as a number, if it fits.
fn decimal(word: &[u8]) -> Option<u64> {
    word.iter().try_fold(0u64, |value, &byte| {
        let digit = (byte as char).to_digit(10)?;
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Pieces that lines are made of: white space, digits (around the largest
/// `u64` too), signs, letters, digits and spaces that are not ASCII, NUL,
/// bytes that are not UTF-8.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let odd: Vec<&[u8]> = vec![
        b"18446744073709551615",
        b"18446744073709551616",
        b"0",
        b"00000000000000000000001",
        b"+",
        b"-",
        b".",
        b"x",
        b"0x1",
        b"\0",
        b"\xff",
        "\u{a0}".as_bytes(),
        "\u{3000}".as_bytes(),
        "\u{661}".as_bytes(),
    ];
    prop_oneof![
        3 => vec(select(SPACES), 1..4),
        3 => "[0-9]{1,22}".prop_map(String::into_bytes),
        1 => select(odd).prop_map(<[u8]>::to_vec),
        1 => any::<u8>().prop_map(|byte| vec![byte]),
    ]
}

/// A line of a few pieces.
fn line() -> impl Strategy<Value = Vec<u8>> {
    vec(piece(), 0..7).prop_map(|pieces| pieces.concat())
}

/// A run of blanks, possibly empty.
fn blanks(least: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(select(BLANKS), least..4)
}

#[test]
fn the_parser_never_panics_and_follows_the_rule_on_any_bytes() {
    check("cas: any bytes", vec(any::<u8>(), 0..2048), |line| {
        prop_assert_eq!(protocol::parse(&line), model(&line));
        Ok(())
    });
}

#[test]
fn the_parser_accepts_exactly_two_numbers_between_blanks() {
    check("cas: lines of pieces", line(), |line| {
        prop_assert_eq!(protocol::parse(&line), model(&line));
        Ok(())
    });
}

#[test]
fn any_two_numbers_are_read_whatever_the_blanks_and_leading_zeros() {
    let parts = (blanks(0), 0..4usize, any::<u64>(), blanks(1), 0..4usize, any::<u64>(), blanks(0));
    check("cas: two numbers", parts, |(before, zeros1, old, between, zeros2, new, after)| {
        let line = [
            before,
            format!("{}{old}", "0".repeat(zeros1)).into_bytes(),
            between,
            format!("{}{new}", "0".repeat(zeros2)).into_bytes(),
            after,
        ]
        .concat();
        prop_assert_eq!(protocol::parse(&line), Some((old, new)));
        Ok(())
    });
}

/// The lines of a stream and how it ended, as [`LineBuffer`] gives them when
/// the stream arrives in `pieces`.
fn lines_in_pieces<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Vec<u8>>, String) {
    let mut buffer = LineBuffer::default();
    let mut lines = Vec::new();
    for piece in pieces {
        buffer.extend(piece);
        loop {
            match buffer.next_line() {
                Ok(Some(line)) => lines.push(line),
                Ok(None) => break,
                Err(end) => return (lines, format!("{end:?}")),
            }
        }
    }
    (lines, format!("{:?}", buffer.closed()))
}

/// What a stream should give, from the rule: the text between line ends,
/// until a line (or the unfinished rest) reaches [`MAX_LINE`] bytes without
/// its end, which ends the stream as too long.
fn lines_of(stream: &[u8]) -> (Vec<Vec<u8>>, String) {
    let mut parts: Vec<&[u8]> = stream.split(|&byte| byte == b'\n').collect();
    let rest = parts.pop().unwrap_or_default();
    let mut lines = Vec::new();
    for part in parts {
        if part.len() >= MAX_LINE {
            return (lines, "TooLong".into());
        }
        lines.push(part.to_vec());
    }
    let end = match rest.len() {
        0 => "Closed".to_string(),
        length if length >= MAX_LINE => "TooLong".to_string(),
        length => format!("ClosedMidLine({length})"),
    };
    (lines, end)
}

/// A stream of lines, some short, some around [`MAX_LINE`], maybe with an unfinished end.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let length = prop_oneof![4 => 0..40usize, 1 => MAX_LINE - 3..MAX_LINE + 2];
    let line = (length, select(b"0123456789 \t\rx".as_slice())).prop_map(|(n, b)| vec![b; n]);
    (vec(line, 0..10), any::<bool>()).prop_map(|(lines, unfinished)| {
        let mut stream = lines.join(&b'\n');
        if !unfinished {
            stream.push(b'\n');
        }
        stream
    })
}

/// Splits `stream` into pieces of the given sizes, the rest in the last.
fn split<'a>(stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = stream;
    for &size in sizes {
        let (piece, after) = rest.split_at(size.min(rest.len()));
        pieces.push(piece);
        rest = after;
    }
    pieces.push(rest);
    pieces
}

#[test]
fn the_line_buffer_gives_the_same_lines_however_the_stream_is_split() {
    let cases = (stream(), vec(1..600usize, 0..24));
    check("cas: line buffer", cases, |(stream, sizes)| {
        let whole = lines_in_pieces([stream.as_slice()]);
        prop_assert_eq!(&whole, &lines_of(&stream));
        prop_assert_eq!(&lines_in_pieces(split(&stream, &sizes)), &whole);
        let byte_by_byte = stream.chunks(1);
        prop_assert_eq!(&lines_in_pieces(byte_by_byte), &whole);
        Ok(())
    });
}
