//! The servers' log: one line on stderr per connection event and per request,
//! stamped with the local time to the millisecond.

use std::fmt::Display;
use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use chrono::Local;

/// Logs what happened on the connection from `peer`.
pub fn event(peer: SocketAddr, what: impl Display) {
    eprintln!("{peer} [{}] {what}", now());
}

/// Logs a request exactly as it was received, and its answer.
pub fn request(peer: SocketAddr, request: &[u8], answer: &str) {
    event(peer, format_args!("{:?} -> {answer}", String::from_utf8_lossy(request)));
}

/// Logs a failed accept, then pauses: the usual cause, too many open files,
/// would otherwise make the accept loop spin.
pub fn accept_failed(error: io::Error) {
    eprintln!("- [{}] accept failed: {error}", now());
    thread::sleep(Duration::from_millis(100));
}

/// The time stamp of a log line.
fn now() -> impl Display {
    Local::now().format("%d/%b/%Y %H:%M:%S%.3f")
}
