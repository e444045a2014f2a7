//! What the programs of the clock lecture share: the time in `ctime` form, the
//! fixed-size messages they exchange, the command-line pieces, a log line, a
//! thread per client, and the bookkeeping of the two guessing games.
//!
//! Each program is a binary of its own under `src/bin/`; this library holds
//! only what two or more of them use.

pub mod cli;
pub mod message;
pub mod secret;
pub mod threads;

use std::io::{self, Write};
use std::net::TcpStream;

use chrono::{Local, NaiveDateTime};

use message::Message;

// ANCHOR: ctime
/// The time as C's `ctime` and Python's `time.ctime()` write it: `Sun Apr  4 18:16:14 2010`.
///
/// The day of the month is padded with a space, not a zero, so the text is
/// always 24 characters long.
pub fn ctime(time: NaiveDateTime) -> String {
    time.format("%a %b %e %H:%M:%S %Y").to_string()
}

/// The answer to any question: the local time now, in `ctime` form, as a message.
pub fn now() -> Message {
    ctime(Local::now().naive_local()).parse().expect("the time in ctime form is 24 bytes")
}
// ANCHOR_END: ctime

/// The lecture's question, as both clock clients send it.
pub fn question() -> Message {
    "What is the time?".parse().expect("the question is 17 bytes")
}

// ANCHOR: log
/// Writes one line to stderr, after the local time, as `[04/Apr/2010 18:16:14] what`.
///
/// The line goes out in one `write`, so that lines from several processes
/// sharing one stderr do not get mixed up (`eprintln!` may write a line in pieces).
pub fn log(what: &str) {
    let line = format!("[{}] {what}\n", Local::now().format("%d/%b/%Y %H:%M:%S"));
    let _ = io::stderr().write_all(line.as_bytes());
}

/// Text from the network made safe for a log line: control characters and
/// quotes escaped, so a client cannot forge a line, and the length capped.
pub fn printable(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut chars = text.escape_debug();
    let shown: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() { shown + "…" } else { shown }
}
// ANCHOR_END: log

/// The client's address, as `127.0.0.1:49142`, for log lines.
pub fn peer(stream: &TcpStream) -> String {
    stream.peer_addr().map_or("-".into(), |addr| addr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctime_pads_the_day_with_a_space() {
        let time = NaiveDateTime::parse_from_str("2010-04-04 18:16:14", "%Y-%m-%d %H:%M:%S");
        assert_eq!(ctime(time.unwrap()), "Sun Apr  4 18:16:14 2010");
    }

    #[test]
    fn ctime_of_a_two_digit_day_is_24_characters_too() {
        let time = NaiveDateTime::parse_from_str("2017-04-03 09:05:00", "%Y-%m-%d %H:%M:%S");
        let text = ctime(time.unwrap());
        assert_eq!(text, "Mon Apr  3 09:05:00 2017");
        let time = NaiveDateTime::parse_from_str("2017-04-13 09:05:00", "%Y-%m-%d %H:%M:%S");
        assert_eq!(ctime(time.unwrap()), "Thu Apr 13 09:05:00 2017");
        assert_eq!(text.len(), 24);
    }

    #[test]
    fn printable_escapes_line_ends_and_quotes() {
        assert_eq!(printable("a\r\n\"b\""), r#"a\r\n\"b\""#);
        assert!(printable(&"x".repeat(300)).ends_with('…'));
    }
}
