//! Persistent connections (RFC 9112, section 9). HTTP/1.1 keeps a connection
//! open after an answer, so that the next request comes without a new
//! handshake. The requests follow one another, each framed by its head (and
//! by its `Content-Length`, for a server that reads bodies). A client may send
//! the next before the answer to the last has come, pipelining; the answers
//! go back in order, since one is written before the next request is read.

use std::mem;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serverkit::read_before;

use crate::read::{self, Failure};
use crate::request::{Request, Version};
use crate::response::{Persistence, Response};
use crate::{Rules, close, log, send};

// ANCHOR: keep_alive
/// How long, and for how many requests, a connection stays open.
#[derive(Debug, Clone, Copy)]
pub struct KeepAlive {
    /// How long an open connection may wait for its next request.
    pub idle: Duration,
    /// The most requests one connection carries: the answer to the last
    /// says `Connection: close`, so that no client keeps a worker forever.
    pub max_requests: u32,
}

/// Whether the connection stays open after the `answered`th answer, to `request`.
pub(crate) fn keeps(
    request: &Request,
    rules: &Rules,
    keep_alive: &KeepAlive,
    answered: u32,
) -> bool {
    request.version == Version::Http11
        && !request.headers("Connection").any(|value| has_token(value, "close"))
        && answered < keep_alive.max_requests
        && !skips_body(request, rules)
}

/// Whether `request` announces a body that the server does not read: those
/// bytes would be taken for the next request, so the connection must close.
pub(crate) fn skips_body(request: &Request, rules: &Rules) -> bool {
    rules.max_body == 0
        && (request.headers("Transfer-Encoding").next().is_some()
            || request.headers("Content-Length").any(|length| length != "0"))
}

/// Whether a comma-separated header value, such as `keep-alive, Upgrade`, holds `token`.
fn has_token(value: &str, token: &str) -> bool {
    value.split(',').any(|part| part.trim().eq_ignore_ascii_case(token))
}
// ANCHOR_END: keep_alive

// ANCHOR: connection
/// A connection to one client, kept open for request after request.
pub struct Connection {
    /// The socket.
    stream: TcpStream,
    /// What the server takes from its clients.
    rules: Rules,
    /// How long, and for how many requests, the connection stays open.
    keep_alive: KeepAlive,
    /// The client's address, for the log.
    peer: String,
    /// What came after the last request read: the start of the next one.
    received: Vec<u8>,
    /// How many answers have been sent.
    answered: u32,
    /// Whether the last answer said `Connection: close`, or found the client gone.
    closing: bool,
}

impl Connection {
    /// A connection that is about to carry its first request.
    pub fn new(stream: TcpStream, rules: Rules, keep_alive: KeepAlive) -> Connection {
        // Answers come one after another, and a file comes in pieces after
        // its head: none may wait for the client to acknowledge the one
        // before, as Nagle's algorithm would have it.
        let _ = stream.set_nodelay(true);
        let peer = log::peer(&stream);
        Connection {
            stream,
            rules,
            keep_alive,
            peer,
            received: Vec::new(),
            answered: 0,
            closing: false,
        }
    }

    /// The next request, once it has come; `None` when the connection is
    /// over: the last answer closed it, the client left or stayed idle too
    /// long, or sent what is not a request (which gets its error page here).
    pub fn next_request(&mut self) -> Option<Request> {
        if self.closing || !self.wait_for_next() {
            return None;
        }
        match read::read_request(&mut self.stream, &self.rules, mem::take(&mut self.received)) {
            Ok((request, rest)) => {
                self.received = rest;
                Some(request)
            }
            Err(Failure::Answer(first_line, response)) => {
                send(&mut self.stream, &self.peer, &first_line, response, None, Persistence::Last);
                close::close(&self.stream, false);
                None
            }
            Err(Failure::Silent(why)) => {
                if self.answered == 0 {
                    log::log(&self.peer, || why);
                }
                None
            }
        }
    }

    /// Waits, after an answer, for the next request to begin: no longer
    /// than the idle time, and not at all when it began already.
    fn wait_for_next(&mut self) -> bool {
        if self.answered == 0 || !self.received.is_empty() {
            return true;
        }
        let mut chunk = [0; 4096];
        match read_before(&self.stream, Instant::now() + self.keep_alive.idle, &mut chunk) {
            Ok(read) if read > 0 => {
                self.received.extend_from_slice(&chunk[..read]);
                true
            }
            // Closed by the client, idle too long, or gone.
            _ => false,
        }
    }

    /// Sends the answer to `request`: with `Connection: keep-alive` while
    /// more may come, with `Connection: close` on the last, and then closes.
    pub fn answer(&mut self, request: &Request, response: Response) {
        self.answered += 1;
        let keep = keeps(request, &self.rules, &self.keep_alive, self.answered);
        let connection = if keep { Persistence::KeepAlive } else { Persistence::Last };
        let line = request.request_line();
        let took = send(&mut self.stream, &self.peer, line, response, Some(request), connection);
        if !took || !keep {
            self.closing = true;
            let sent_all = self.received.is_empty() && !skips_body(request, &self.rules);
            close::close(&self.stream, !took || sent_all);
        }
    }
}
// ANCHOR_END: connection
