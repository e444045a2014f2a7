//! Closing a connection without destroying the answer sent on it.

use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use serverkit::read_before;

/// How long, after answering, we read what a client still sends.
pub(crate) const LINGER: Duration = Duration::from_secs(2);

/// How much of it we read at most before we close anyway.
pub(crate) const MAX_LINGER_BYTES: usize = 1024 * 1024;

// ANCHOR: close
/// Closes the connection without destroying the answer.
///
/// Closing a socket that still holds unread input makes the kernel reset the
/// connection, and a reset can throw away the answer before the client reads
/// it. When the client has sent all it will, nothing is left unread and the
/// socket simply closes. Otherwise we end our side first, then read and drop
/// whatever the client still sends (a body we ignored, the rest of an
/// oversized head) until it closes, for a bounded time and number of bytes.
pub(crate) fn close(stream: &TcpStream, sent_all: bool) {
    if sent_all || stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER;
    let mut unread = [0; 4096];
    let mut drained = 0;
    while drained < MAX_LINGER_BYTES {
        match read_before(stream, deadline, &mut unread) {
            Ok(0) | Err(_) => return,
            Ok(read) => drained += read,
        }
    }
}
// ANCHOR_END: close
