//! The lecture's framing: every message, question or answer, is exactly 25
//! bytes of text, padded with spaces.
//!
//! TCP carries a stream of bytes with no boundaries in it. Agreeing on a fixed
//! size is the simplest way for both ends to know where one message stops:
//! read until you have 25 bytes, no more, no fewer.

use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::net::{Shutdown, TcpStream};
use std::str::FromStr;
use std::time::{Duration, Instant};

use serverkit::{is_timeout, read_before};

use crate::{log, printable};

/// The size of every message, in bytes.
pub const MESSAGE_SIZE: usize = 25;

/// The length of the time as `ctime` writes it: `Sat Nov 21 15:02:34 2026`.
pub const TIME_SIZE: usize = 24;

/// How long a client waits for the 25th byte of an answer once 24 have come.
const PADDING_GRACE: Duration = Duration::from_millis(200);

/// How long [`close`] waits for the client to close its side.
const LINGER: Duration = Duration::from_secs(1);

/// How much [`close`] reads at most before it closes anyway.
const MAX_LINGER_BYTES: usize = 64 * 1024;

// ANCHOR: message
/// One message: text of at most 25 bytes, padded with spaces to exactly 25.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message([u8; MESSAGE_SIZE]);

impl FromStr for Message {
    type Err = String;

    /// Pads `text` with spaces; text longer than a message is refused, not cut.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut bytes = [b' '; MESSAGE_SIZE];
        bytes
            .get_mut(..text.len())
            .ok_or_else(|| {
                format!("{text:?} is {} bytes; a message holds {MESSAGE_SIZE}", text.len())
            })?
            .copy_from_slice(text.as_bytes());
        Ok(Message(bytes))
    }
}

impl Message {
    /// The text, without the spaces that pad it.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).trim_end_matches(' ').into()
    }

    /// All 25 bytes, padding included, made safe for a log line.
    pub fn shown(&self) -> String {
        printable(&String::from_utf8_lossy(&self.0))
    }

    /// Sends the message: always exactly 25 bytes.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.0)
    }
}
// ANCHOR_END: message

// ANCHOR: read_from
impl Message {
    /// Reads exactly one message, which must arrive within `timeout`.
    ///
    /// One `read` returns what has arrived so far, which may be a part of a
    /// message, or a message and the start of the next. So we read into the
    /// rest of the buffer until it is full, and never past it.
    pub fn read_from(stream: &mut TcpStream, timeout: Duration) -> Result<Message, NoMessage> {
        let deadline = Instant::now() + timeout;
        let mut bytes = [0; MESSAGE_SIZE];
        let mut filled = 0;
        while filled < MESSAGE_SIZE {
            match read_before(stream, deadline, &mut bytes[filled..]) {
                Ok(0) if filled == 0 => return Err(NoMessage::Closed),
                Ok(0) => return Err(NoMessage::Cut(bytes[..filled].to_vec())),
                Ok(read) => filled += read,
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) if is_timeout(&error) => {
                    return Err(NoMessage::TimedOut(bytes[..filled].to_vec()));
                }
                Err(error) => return Err(NoMessage::Failed(error)),
            }
        }
        Ok(Message(bytes))
    }
}
// ANCHOR_END: read_from

// ANCHOR: read_answer
impl Message {
    /// Reads one answer of a clock server, ours or the lecture's, as text.
    ///
    /// Ours pads the time to 25 bytes. The lecture's servers send the 24
    /// characters of `ctime` alone, then close (the clock server) or wait for
    /// the next question (the forking server). So once 24 bytes have come,
    /// a close or [`PADDING_GRACE`] without the 25th ends the answer too.
    pub fn read_answer(stream: &mut TcpStream, timeout: Duration) -> Result<String, NoMessage> {
        let deadline = Instant::now() + timeout;
        let mut bytes = [0; MESSAGE_SIZE];
        let mut filled = 0;
        while filled < MESSAGE_SIZE {
            let unpadded = filled == TIME_SIZE;
            let until =
                if unpadded { deadline.min(Instant::now() + PADDING_GRACE) } else { deadline };
            match read_before(stream, until, &mut bytes[filled..]) {
                Ok(0) if unpadded => break,
                Ok(0) if filled == 0 => return Err(NoMessage::Closed),
                Ok(0) => return Err(NoMessage::Cut(bytes[..filled].to_vec())),
                Ok(read) => filled += read,
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) if is_timeout(&error) && unpadded => break,
                Err(error) if is_timeout(&error) => {
                    return Err(NoMessage::TimedOut(bytes[..filled].to_vec()));
                }
                Err(error) => return Err(NoMessage::Failed(error)),
            }
        }
        Ok(String::from_utf8_lossy(&bytes[..filled]).trim_end_matches(' ').into())
    }
}
// ANCHOR_END: read_answer

/// Why no message came.
#[derive(Debug)]
pub enum NoMessage {
    /// The other end closed the connection before a message began: the normal end.
    Closed,
    /// The other end closed the connection in the middle of a message; holds its first bytes.
    Cut(Vec<u8>),
    /// The timeout ran out before the message was complete; holds what had arrived.
    TimedOut(Vec<u8>),
    /// The connection failed, for instance reset by the other end.
    Failed(io::Error),
}

impl fmt::Display for NoMessage {
    /// What the other end did, to follow "client " or "the server " in a message.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let shown = |bytes: &[u8]| printable(&String::from_utf8_lossy(bytes));
        match self {
            NoMessage::Closed => write!(f, "closed the connection"),
            NoMessage::Cut(bytes) => write!(
                f,
                "closed the connection after {} of {MESSAGE_SIZE} bytes: \"{}\"",
                bytes.len(),
                shown(bytes)
            ),
            NoMessage::TimedOut(bytes) if bytes.is_empty() => {
                write!(f, "sent nothing before the read timeout")
            }
            NoMessage::TimedOut(bytes) => write!(
                f,
                "sent only {} of {MESSAGE_SIZE} bytes before the read timeout: \"{}\"",
                bytes.len(),
                shown(bytes)
            ),
            NoMessage::Failed(error) => write!(f, "could not be read: {error}"),
        }
    }
}

impl std::error::Error for NoMessage {}

// ANCHOR: reply
/// Sends `answer` and closes the connection; logs what went wrong on the way.
pub fn reply(mut stream: TcpStream, answer: &Message, client: &str) {
    if let Err(error) = answer.write_to(&mut stream) {
        return log(&format!("{client} went away: {error}"));
    }
    let dropped = close(stream);
    if dropped > 0 {
        log(&format!("{client} sent {dropped} bytes more than a message; dropped"));
    }
}

/// Closes a connection whose answer is sent, and says how many bytes the client
/// sent that nobody read.
///
/// Closing a socket with unread input in it makes the kernel reset the
/// connection, which can destroy the answer on its way. So we end our side
/// first, then read and drop what the client still sends until it closes,
/// for a second at most.
fn close(stream: TcpStream) -> usize {
    let mut dropped = 0;
    if stream.shutdown(Shutdown::Write).is_err() {
        return dropped;
    }
    let deadline = Instant::now() + LINGER;
    let mut unread = [0; 4096];
    while dropped < MAX_LINGER_BYTES {
        match read_before(&stream, deadline, &mut unread) {
            Ok(0) | Err(_) => break,
            Ok(read) => dropped += read,
        }
    }
    dropped
}
// ANCHOR_END: reply

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_padded_to_25_bytes_and_unpadded_again() {
        let message: Message = "What is the time?".parse().unwrap();
        assert_eq!(&message.0, b"What is the time?        ");
        assert_eq!(message.text(), "What is the time?");
        assert_eq!(message.shown(), "What is the time?        ");
    }

    #[test]
    fn text_longer_than_a_message_is_refused() {
        assert!("x".repeat(25).parse::<Message>().is_ok());
        let error = "x".repeat(26).parse::<Message>().unwrap_err();
        assert!(error.contains("is 26 bytes; a message holds 25"), "{error}");
    }

    #[test]
    fn why_no_message_came_reads_as_a_sentence() {
        let cut = NoMessage::Cut(b"What is t".to_vec());
        assert_eq!(cut.to_string(), "closed the connection after 9 of 25 bytes: \"What is t\"");
        let silent = NoMessage::TimedOut(Vec::new());
        assert_eq!(silent.to_string(), "sent nothing before the read timeout");
    }
}
