//! One log line per request, and the local time it shows.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Local, Offset, Utc};

/// Whether this crate logs; `quiet` turns it off.
static LOGGING: AtomicBool = AtomicBool::new(true);

// ANCHOR: log
/// Logs an accept that failed, then pauses, since the cause (say, no file
/// descriptors left) rarely clears at once and retrying at full speed would spin.
pub fn accept_failed(error: io::Error) {
    accept_failure(&error);
    thread::sleep(ACCEPT_PAUSE);
}

/// How long to pause after an accept fails.
pub(crate) const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// The log line of an accept that failed.
pub(crate) fn accept_failure(error: &io::Error) {
    let line = format!("- - - [{}] accept failed: {error}\n", timestamp());
    let _ = io::stderr().write_all(line.as_bytes());
}

/// Logs nothing from now on: for load tests, where writing the log would
/// cost more than answering.
pub fn quiet() {
    LOGGING.store(false, Ordering::Relaxed);
}

/// The client's address, for the log: asked of the system once, when the
/// connection is new (a client that has left no longer has one), and not at
/// all when nothing is logged.
pub(crate) fn peer(stream: &TcpStream) -> String {
    peer_of(|| stream.peer_addr())
}

/// The client's address from `peer_addr`, asked only when something is logged.
pub(crate) fn peer_of(peer_addr: impl FnOnce() -> io::Result<SocketAddr>) -> String {
    if !LOGGING.load(Ordering::Relaxed) {
        return String::new();
    }
    peer_addr().map_or("-".into(), |addr| addr.ip().to_string())
}

/// Writes one line to stderr in the common log format of Python's
/// http.server: who asked, when, and `what` happened. The line is made only
/// if it is written, and made first and written whole: one system call,
/// where `eprintln!` makes one for each piece of its format.
pub(crate) fn log(peer: &str, what: impl FnOnce() -> String) {
    if !LOGGING.load(Ordering::Relaxed) {
        return;
    }
    let line = format!("{peer} - - [{}] {}\n", timestamp(), what());
    let _ = io::stderr().write_all(line.as_bytes());
}

/// Logs an answer that was sent, or the client that went away instead, and
/// says which.
pub(crate) fn answered(peer: &str, first_line: &str, status: u16, sent: io::Result<u64>) -> bool {
    let line = || printable(first_line);
    match &sent {
        Ok(sent) => log(peer, || format!("\"{}\" {status} {sent}", line())),
        Err(error) => log(peer, || format!("\"{}\" {status} - client went away: {error}", line())),
    }
    sent.is_ok()
}

/// Text from the network made safe for a log line: control characters escaped, length capped.
pub(crate) fn printable(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut chars = text.escape_debug();
    let shown: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() { shown + "…" } else { shown }
}
// ANCHOR_END: log

/// The local time as the log shows it: `21/Nov/2026 14:26:33`.
fn timestamp() -> String {
    local_now().format("%d/%b/%Y %H:%M:%S").to_string()
}

// ANCHOR: local_now
/// The local time now.
///
/// chrono's `Local` reads the system's time-zone file the first time each
/// thread asks, and step 1 starts a thread per connection: that would be a
/// file opened, examined and read for every request. So we ask `Local` for
/// the offset from UTC once a minute, and every thread shares the answer.
pub(crate) fn local_now() -> DateTime<FixedOffset> {
    /// The minute (since 1970) when the offset was last asked for, and the offset.
    static OFFSET: Mutex<Option<(i64, FixedOffset)>> = Mutex::new(None);
    let now = Utc::now();
    let minute = now.timestamp().div_euclid(60);
    let mut cached = OFFSET.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let offset = match *cached {
        Some((asked, offset)) if asked == minute => offset,
        _ => cached.insert((minute, Local::now().offset().fix())).1,
    };
    now.with_timezone(&offset)
}
// ANCHOR_END: local_now

// ANCHOR: every_second
/// A text made from the time, such as a `Date` header, remade only when the
/// second changes: formatting a date costs more than the rest of a small
/// answer, and under load a server answers thousands of times a second.
pub(crate) struct EverySecond {
    /// The second (since 1970) when the text was made, and the text.
    made: Mutex<(i64, String)>,
    /// Makes the text for the time now.
    make: fn(DateTime<Utc>) -> String,
}

impl EverySecond {
    /// A text that `make` makes from the time now.
    pub(crate) const fn new(make: fn(DateTime<Utc>) -> String) -> EverySecond {
        EverySecond { made: Mutex::new((i64::MIN, String::new())), make }
    }

    /// The text for this second.
    pub(crate) fn now(&self) -> String {
        let now = Utc::now();
        let mut made = self.made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if made.0 != now.timestamp() {
            *made = (now.timestamp(), (self.make)(now));
        }
        made.1.clone()
    }
}
// ANCHOR_END: every_second
