//! Lines over a TCP stream: cutting the bytes that arrive into request lines,
//! with a length limit and a deadline, and saying why a connection ended.
//!
//! TCP carries bytes, not lines. One read may return half a line, or several
//! lines, or the end of one and the start of the next. [`LineBuffer`] keeps what
//! has arrived and hands out each line once its `\n` is there.

use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::{log, protocol};

/// The longest line accepted, its `\n` included. A request needs about 42 bytes;
/// the rest is room for blanks.
pub const MAX_LINE: usize = 1024;

/// How much one read asks for.
pub const CHUNK: usize = 4096;

/// Why a connection ended.
#[derive(Debug)]
pub enum End {
    /// The peer closed it between lines.
    Closed,
    /// The peer closed it with this many bytes of an unfinished line sent.
    ClosedMidLine(usize),
    /// No complete line came before the deadline.
    TimedOut,
    /// A line grew past [`MAX_LINE`] bytes.
    TooLong,
    /// Reading or writing failed.
    Broken(io::Error),
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Closed => write!(f, "closed the connection"),
            End::ClosedMidLine(bytes) => {
                write!(f, "closed the connection {bytes} bytes into a line")
            }
            End::TimedOut => write!(f, "sent no complete line in time"),
            End::TooLong => write!(f, "sent a line longer than {MAX_LINE} bytes"),
            End::Broken(error) => write!(f, "connection failed: {error}"),
        }
    }
}

impl From<io::Error> for End {
    /// A read or write that gave up at its timeout ended the wait; any other error broke the connection.
    fn from(error: io::Error) -> End {
        match error.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => End::TimedOut,
            _ => End::Broken(error),
        }
    }
}

// ANCHOR: line_buffer
/// Bytes that have arrived but are not yet a complete line.
#[derive(Debug, Default)]
pub struct LineBuffer {
    /// The start of the next line, and possibly more lines after it.
    pending: Vec<u8>,
}

impl LineBuffer {
    /// Adds the bytes of one read, however they are cut.
    pub fn extend(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// Takes the next complete line, without its `\n`, if it has arrived.
    pub fn next_line(&mut self) -> Result<Option<Vec<u8>>, End> {
        match self.pending.iter().position(|&byte| byte == b'\n') {
            Some(end) if end < MAX_LINE => {
                let mut line: Vec<u8> = self.pending.drain(..=end).collect();
                line.pop();
                Ok(Some(line))
            }
            None if self.pending.len() < MAX_LINE => Ok(None),
            _ => Err(End::TooLong),
        }
    }

    /// How the connection ended, now that the peer has closed it.
    pub fn closed(&self) -> End {
        match self.pending.len() {
            0 => End::Closed,
            bytes => End::ClosedMidLine(bytes),
        }
    }
}
// ANCHOR_END: line_buffer

// ANCHOR: line_reader
/// Reads lines from a blocking stream, giving each line `timeout` to arrive.
pub struct LineReader<'a> {
    /// Where the bytes come from.
    stream: &'a TcpStream,
    /// What has come but is not a line yet.
    buffer: LineBuffer,
    /// How long a peer may take to send a whole line.
    timeout: Duration,
}

impl<'a> LineReader<'a> {
    /// Reads lines from `stream`.
    pub fn new(stream: &'a TcpStream, timeout: Duration) -> LineReader<'a> {
        LineReader { stream, buffer: LineBuffer::default(), timeout }
    }

    /// Reads until a whole line is there, however many reads that takes.
    pub fn read_line(&mut self) -> Result<Vec<u8>, End> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(line) = self.buffer.next_line()? {
                return Ok(line);
            }
            let mut chunk = [0; CHUNK];
            match serverkit::read_before(self.stream, deadline, &mut chunk) {
                Ok(0) => return Err(self.buffer.closed()),
                Ok(read) => self.buffer.extend(&chunk[..read]),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
}
// ANCHOR_END: line_reader

/// Reads once: whatever has arrived, at most `buffer.len()` bytes; 0 at the end
/// of the stream. A read interrupted by a signal is tried again.
pub fn read_some(mut stream: impl Read, buffer: &mut [u8]) -> Result<usize, End> {
    loop {
        match stream.read(buffer) {
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            result => return Ok(result?),
        }
    }
}

/// One answer as it goes on the wire: its text and a `\n`, to be sent in one write.
pub fn frame(answer: &str) -> Vec<u8> {
    format!("{answer}\n").into_bytes()
}

/// Logs why the connection to `peer` ended; an overlong line is answered
/// [`protocol::BAD_SYNTAX`] first, so the client learns why it is cut off.
pub fn finish(mut stream: impl Write, peer: SocketAddr, end: End) {
    if let End::TooLong = end {
        let _ = stream.write_all(&frame(protocol::BAD_SYNTAX));
    }
    log::event(peer, &end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(pieces: &[&str]) -> (Vec<String>, LineBuffer) {
        let mut buffer = LineBuffer::default();
        let mut lines = Vec::new();
        for piece in pieces {
            buffer.extend(piece.as_bytes());
            while let Some(line) = buffer.next_line().unwrap() {
                lines.push(String::from_utf8(line).unwrap());
            }
        }
        (lines, buffer)
    }

    #[test]
    fn a_line_in_pieces_is_one_line() {
        let (lines, rest) = lines_of(&["5", " ", "7", "\n"]);
        assert_eq!(lines, ["5 7"]);
        assert!(matches!(rest.closed(), End::Closed));
    }

    #[test]
    fn several_lines_in_one_piece_are_several_lines() {
        let (lines, rest) = lines_of(&["0 5\n5 7\n7", " 9\n1 "]);
        assert_eq!(lines, ["0 5", "5 7", "7 9"]);
        assert!(matches!(rest.closed(), End::ClosedMidLine(2)));
    }

    #[test]
    fn the_longest_line_fits_and_one_byte_more_does_not() {
        let longest = format!("{}\n", " ".repeat(MAX_LINE - 1));
        assert_eq!(lines_of(&[&longest]).0.len(), 1);
        let mut buffer = LineBuffer::default();
        buffer.extend(format!("{} \n", " ".repeat(MAX_LINE - 1)).as_bytes());
        assert!(matches!(buffer.next_line(), Err(End::TooLong)));
    }

    #[test]
    fn a_long_line_is_refused_before_its_end_arrives() {
        let mut buffer = LineBuffer::default();
        buffer.extend(&[b'1'; MAX_LINE - 1]);
        assert!(matches!(buffer.next_line(), Ok(None)));
        buffer.extend(b"1");
        assert!(matches!(buffer.next_line(), Err(End::TooLong)));
    }
}
