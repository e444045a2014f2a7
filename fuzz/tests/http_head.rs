//! Fuzzing the request-head parser, `http1::parse`, that every web server
//! shares. Whatever bytes arrive, it answers without panicking; a valid head
//! gives back its method and target; and what it accepts is safe to route
//! (the target is a path) and to show (the head it keeps holds no control
//! characters but its line ends and header tabs).

use std::iter;

use fuzz::check;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};

/// What the parser made of a head it accepted.
#[derive(Debug, PartialEq)]
struct Parsed {
    /// The method.
    method: String,
    /// The target, as a path.
    target: String,
    /// The head it keeps, lines joined by `\n`.
    head: String,
}

/// Parses `bytes`; `None` if the parser refused them.
fn parse(bytes: &[u8]) -> Result<Option<Parsed>, TestCaseError> {
    Ok(http1::parse(bytes).ok().map(|request| Parsed {
        method: request.method,
        target: request.target,
        head: request.head,
    }))
}

/// What anything the parser accepts must be: a method that is a word, a
/// target that is a path, a head without control characters (a tab may stand
/// in a header value, RFC 9110 5.5) nor empty lines, which reads back the same.
fn check_sound(parsed: &Parsed) -> Result<(), TestCaseError> {
    prop_assert!(!parsed.method.is_empty() && parsed.method.bytes().all(is_token_byte));
    prop_assert!(parsed.target.starts_with('/'), "target {:?}", parsed.target);
    let (request_line, headers) = parsed.head.split_once('\n').unwrap_or((&parsed.head, ""));
    let method_and_space = format!("{} ", parsed.method);
    prop_assert!(request_line.starts_with(&method_and_space));
    prop_assert!(request_line.bytes().all(|byte| byte.is_ascii_graphic() || byte == b' '));
    let control = headers.chars().find(|&c| c.is_control() && c != '\n' && c != '\t');
    prop_assert!(control.is_none(), "{control:?} in {headers:?}");
    prop_assert!(!headers.starts_with('\n') && !headers.ends_with('\n'));
    prop_assert!(!headers.contains("\n\n"), "an empty line in {headers:?}");
    let again = parse(format!("{}\n\n", parsed.head).as_bytes())?;
    prop_assert_eq!(again.as_ref(), Some(parsed), "the head it keeps reads back differently");
    Ok(())
}

/// The bytes of a method or a header name (RFC 9110's `tchar`).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// A method or a header name.
const TOKEN: &str = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}";

/// The bytes a request head is made of, and some it should not hold.
const HEAD_BYTES: &[u8] = b"GETHADPOS /:.1%?\r\n\t\0\x7f\xff";

/// Bytes of any kind, or drawn from what heads are made of.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![vec(any::<u8>(), 0..2048), vec(select(HEAD_BYTES), 0..400)]
}

/// A target as sent, and the path the parser must make of it: origin form,
/// or absolute form with http or https.
fn target() -> impl Strategy<Value = (String, String)> {
    let path = "/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,64}";
    let origin = "(http|HTTP|https|hTtPs)://[a-z0-9.:-]{1,20}";
    prop_oneof![
        3 => path.prop_map(|path| (path.clone(), path)),
        1 => (origin, path).prop_map(|(origin, path)| (format!("{origin}{path}"), path)),
        1 => origin.prop_map(|origin| (origin, "/".to_string())),
    ]
}

/// A header line: a name, a colon, and a value of visible characters,
/// spaces, tabs and some that are not ASCII.
fn header() -> impl Strategy<Value = String> {
    (TOKEN, "[ -~\té€日]{0,40}").prop_map(|(name, value)| format!("{name}:{value}"))
}

/// Whether a header line is a `Host` header, whatever its case.
fn is_host(line: &str) -> bool {
    line.split(':').next().is_some_and(|name| name.eq_ignore_ascii_case("host"))
}

/// A line end, as HTTP writes it or as a lenient reader takes it.
fn line_end() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\r\n"), Just("\n")]
}

/// The methods HTTP defines, which the parser knows.
const METHODS: [&str; 9] =
    ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// A valid head, blank line included, and what the parser must make of it:
/// a method HTTP defines, and one `Host`, among other headers.
fn valid_head() -> impl Strategy<Value = (Vec<u8>, Parsed)> {
    let method = select(METHODS.as_slice()).prop_map(str::to_string);
    let version = prop_oneof![Just("HTTP/1.0"), Just("HTTP/1.1"), Just("HTTP/1.9")];
    let headers = vec(header().prop_filter("one Host", |line| !is_host(line)), 0..12);
    let host = (any::<Index>(), "[a-z0-9.-]{1,20}(:[0-9]{1,5})?");
    let ends = vec(line_end(), 16);
    (vec(line_end(), 0..3), method, target(), version, headers, host, ends).prop_map(
        |(leading, method, (target, path), version, mut headers, (at, host), ends)| {
            headers.insert(at.index(headers.len() + 1), format!("Host: {host}"));
            let request_line = format!("{method} {target} {version}");
            let lines: Vec<String> = iter::once(request_line).chain(headers).collect();
            let mut head = leading.concat();
            for (line, end) in lines.iter().zip(&ends) {
                head += line;
                head += end;
            }
            head += ends[ends.len() - 1];
            (head.into_bytes(), Parsed { method, target: path, head: lines.join("\n") })
        },
    )
}

/// One change to a head.
#[derive(Debug, Clone)]
enum Edit {
    /// Puts bytes in before the byte at an index (or at the end).
    Insert(Index, Vec<u8>),
    /// Takes out one byte.
    Delete(Index),
    /// Changes one byte.
    Replace(Index, u8),
}

/// Bytes that parsers trip on: line ends, NUL, huge numbers, long runs, anything.
fn nasty_bytes() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&[u8]> = vec![
        b"\r",
        b"\n",
        b"\r\n",
        b"\r\n\r\n",
        b"\0",
        b"\t",
        b" ",
        b":",
        b"/",
        b"%",
        b"HTTP/1.1",
        b"http://",
        b"99999999999999999999999999",
        b"-1",
        b"\xff\xfe",
        "\u{85}".as_bytes(),
        "é".as_bytes(),
    ];
    prop_oneof![
        select(pieces).prop_map(<[u8]>::to_vec),
        (select(b"a /:\r\n\t0".as_slice()), 1..20_000usize).prop_map(|(byte, n)| vec![byte; n]),
        any::<u8>().prop_map(|byte| vec![byte]),
    ]
}

/// Any one edit.
fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), nasty_bytes()).prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Edit::Replace(at, byte)),
    ]
}

/// A valid head with a few edits made to it.
fn mutated_head() -> impl Strategy<Value = Vec<u8>> {
    (valid_head(), vec(edit(), 1..6)).prop_map(|((mut head, _), edits)| {
        for edit in edits {
            match edit {
                Edit::Insert(at, bytes) => {
                    let at = at.index(head.len() + 1);
                    head.splice(at..at, bytes);
                }
                Edit::Delete(at) if !head.is_empty() => drop(head.remove(at.index(head.len()))),
                Edit::Replace(at, byte) if !head.is_empty() => {
                    let at = at.index(head.len());
                    head[at] = byte;
                }
                _ => {}
            }
        }
        head
    })
}

#[test]
fn any_bytes_are_answered_and_what_is_accepted_is_sound() {
    check("http: any bytes", any_bytes(), |bytes| match parse(&bytes)? {
        Some(parsed) => check_sound(&parsed),
        None => Ok(()),
    });
}

#[test]
fn a_valid_head_gives_back_its_method_and_target() {
    check("http: valid heads", valid_head(), |(bytes, expected)| {
        let parsed = parse(&bytes)?;
        prop_assert_eq!(parsed.as_ref(), Some(&expected));
        check_sound(&expected)
    });
}

#[test]
fn mutated_heads_are_answered_and_what_is_accepted_is_sound() {
    check("http: mutated heads", mutated_head(), |bytes| match parse(&bytes)? {
        Some(parsed) => check_sound(&parsed),
        None => Ok(()),
    });
}
