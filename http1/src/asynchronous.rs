//! The persistent connection of [`Connection`](crate::Connection), for a
//! server whose processes are tokio tasks: where that one blocks its thread
//! in `read` and `write`, this one awaits, and the thread runs other tasks
//! meanwhile. What is read, checked and answered is the same code.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

use crate::keep_alive::{keeps, skips_body};
use crate::read::{self, Failure};
use crate::response::Persistence;
use crate::{KeepAlive, Request, Response, Rules, close, log};

/// Binds `host:port` and says where the server listens, as [`crate::listen`] does.
pub fn listen(host: &str, port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = crate::listen(host, port)?;
    listener.set_nonblocking(true)?;
    Ok(tokio::net::TcpListener::from_std(listener)?)
}

/// Logs an accept that failed, then pauses, as [`crate::accept_failed`]
/// does: with a timer, since a thread asleep would stall the tasks it runs.
pub async fn accept_failed(error: io::Error) {
    log::accept_failure(&error);
    tokio::time::sleep(log::ACCEPT_PAUSE).await;
}

/// How much a read asks for at once.
const CHUNK: usize = 4096;

// ANCHOR: connection
/// A connection to one client, kept open for request after request. It
/// takes GET and HEAD, and no body.
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
    pub fn new(stream: TcpStream, read_timeout: Duration, keep_alive: KeepAlive) -> Connection {
        let peer = log::peer_of(|| stream.peer_addr());
        let rules = Rules::get_and_head(read_timeout);
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
    /// over, as for [`crate::Connection::next_request`].
    pub async fn next_request(&mut self) -> Option<Request> {
        if self.closing || !self.wait_for_next().await {
            return None;
        }
        match self.read_request().await {
            Ok(request) => Some(request),
            Err(Failure::Answer(first_line, response)) => {
                self.send(&first_line, response, None, Persistence::Last).await;
                self.close(false).await;
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
    async fn wait_for_next(&mut self) -> bool {
        if self.answered == 0 || !self.received.is_empty() {
            return true;
        }
        matches!(timeout(self.keep_alive.idle, self.read_some()).await, Ok(Ok(read)) if read > 0)
    }

    // ANCHOR: read_some
    /// Reads what has come, once it has, into `received`. The chunk lives
    /// on the stack between two waits only, so it is not part of the task,
    /// and `received` grows by what came: a connection that waits costs no
    /// more than its task, and a server may hold thousands.
    async fn read_some(&mut self) -> io::Result<usize> {
        loop {
            self.stream.readable().await?;
            let mut chunk = [0; CHUNK];
            match self.stream.try_read(&mut chunk) {
                Ok(read) => {
                    self.received.extend_from_slice(&chunk[..read]);
                    return Ok(read);
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
    }
    // ANCHOR_END: read_some

    /// Reads a head up to its blank line before the read timeout, and checks it.
    async fn read_request(&mut self) -> Result<Request, Failure> {
        let deadline = Instant::now() + self.rules.read_timeout;
        let mut scan_from = 0;
        loop {
            if let Some(split) = read::split_head(&mut self.received, scan_from) {
                let (head, rest) = split?;
                self.received = rest;
                return read::check_head(&head, &self.rules);
            }
            scan_from = self.received.len().saturating_sub(2);
            match timeout_at(deadline, self.read_some()).await {
                Ok(Ok(0)) => return Err(read::closed_early(&self.received)),
                Ok(Ok(_)) => {}
                Ok(Err(error)) => return Err(Failure::Silent(format!("read failed: {error}"))),
                Err(_) => return Err(read::timed_out(&self.received)),
            }
        }
    }

    /// Sends the answer to `request`, as [`crate::Connection::answer`] does.
    pub async fn answer(&mut self, request: &Request, response: Response) {
        self.answered += 1;
        let keep = keeps(request, &self.rules, &self.keep_alive, self.answered);
        let connection = if keep { Persistence::KeepAlive } else { Persistence::Last };
        if keep && self.answered == 1 {
            // Answers will follow one another, pipelined perhaps: none may
            // wait for the client to acknowledge the one before, as Nagle's
            // algorithm would have it.
            let _ = self.stream.set_nodelay(true);
        }
        let took = self.send(request.request_line(), response, Some(request), connection).await;
        if !took || !keep {
            self.closing = true;
            let sent_all = self.received.is_empty() && !skips_body(request, &self.rules);
            self.close(!took || sent_all).await;
        }
    }

    /// Writes `response` and logs it; says whether the client took it.
    async fn send(
        &mut self,
        first_line: &str,
        response: Response,
        request: Option<&Request>,
        connection: Persistence,
    ) -> bool {
        let status = response.status();
        let head_only = request.is_some_and(|request| request.method == "HEAD");
        let (bytes, file) = response.into_bytes(head_only, connection);
        let sent = self.write(&bytes, file).await;
        log::answered(&self.peer, first_line, status, sent)
    }

    /// Writes `bytes`, then the file's `length` bytes as they are read.
    async fn write(&mut self, bytes: &[u8], file: Option<(std::fs::File, u64)>) -> io::Result<u64> {
        self.stream.write_all(bytes).await?;
        let Some((file, length)) = file else {
            return Ok(bytes.len() as u64);
        };
        // Nor may the pieces of a file after its head.
        self.stream.set_nodelay(true)?;
        let mut file = tokio::fs::File::from_std(file).take(length);
        Ok(bytes.len() as u64 + tokio::io::copy(&mut file, &mut self.stream).await?)
    }

    /// Closes without destroying the answer, as [`close`](crate::close)
    /// explains. What is drained goes through `received`: a buffer of its own
    /// would make every connection's task that much larger, for its whole life.
    async fn close(&mut self, sent_all: bool) {
        if sent_all || self.stream.shutdown().await.is_err() {
            return;
        }
        let deadline = Instant::now() + close::LINGER;
        let mut drained = 0;
        while drained < close::MAX_LINGER_BYTES {
            self.received.clear();
            match timeout_at(deadline, self.read_some()).await {
                Ok(Ok(read)) if read > 0 => drained += read,
                _ => return,
            }
        }
    }
}
// ANCHOR_END: connection
