//! HTTP/1.x for the workspace's web servers: one request per connection,
//! read and answered safely.
//!
//! A server decides *what* to answer, in a handler that turns a [`Request`]
//! into a [`Response`]. This crate does the rest: it reads the request head
//! within a size limit and a deadline, checks it against the rules of RFC 9110
//! and RFC 9112, writes a correct answer, logs one line, and closes the
//! connection without losing the answer. A slow, oversized or garbled request
//! costs a log line: never a crash, never a stuck thread. It also serves the
//! files of a directory, and nothing outside it ([`files`]).
//!
//! The book's chapters "Speaking HTTP safely" and "Serving files safely" read
//! it top to bottom. Production servers parse with `httparse` and serve with
//! `hyper`; this crate is written to be read, and to show what those take
//! care of.

#[cfg(feature = "tokio")]
pub mod asynchronous;
mod close;
pub mod files;
mod keep_alive;
mod log;
mod read;
mod request;
mod response;

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

pub use keep_alive::{Connection, KeepAlive};
pub use log::{accept_failed, quiet};
pub use request::{MAX_HEAD, MAX_TARGET, Request, Version, parse};
pub use response::{Response, error_page, escape, file, response};

use read::Failure;
use response::Persistence;

// ANCHOR: rules
/// What a server takes from its clients.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// How long a client may take to send its request, head and body.
    pub read_timeout: Duration,
    /// The methods the handler answers. Another method that HTTP defines gets
    /// 405 with an `Allow` header that lists these; one it does not, 501.
    pub methods: &'static [&'static str],
    /// The largest body read, by its `Content-Length` (413 beyond). With 0,
    /// no body is read: a GET has none.
    pub max_body: usize,
}

impl Rules {
    /// GET and HEAD, and no body: what the steps answer.
    pub fn get_and_head(read_timeout: Duration) -> Rules {
        Rules { read_timeout, methods: &["GET", "HEAD"], max_body: 0 }
    }
}
// ANCHOR_END: rules

// ANCHOR: listen
/// Binds `host:port` and says where the server listens, on stdout:
/// `listening on http://127.0.0.1:8080/`.
pub fn listen(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    let listener = serverkit::bind(host, port)?;
    println!("listening on http://{}/", listener.local_addr()?);
    Ok(listener)
}
// ANCHOR_END: listen

// ANCHOR: serve
/// Serves one request on `stream`, answered by `handler`, then closes the
/// connection. Only GET and HEAD reach the handler; the answer to HEAD is
/// sent without its body.
pub fn serve(
    stream: TcpStream,
    read_timeout: Duration,
    handler: impl FnOnce(&Request) -> Response,
) {
    serve_with(stream, &Rules::get_and_head(read_timeout), handler);
}

/// Serves one request as `rules` say, answered by `handler`, then closes the connection.
pub fn serve_with(
    mut stream: TcpStream,
    rules: &Rules,
    handler: impl FnOnce(&Request) -> Response,
) {
    let peer = log::peer(&stream);
    match read::read_request(&mut stream, rules, Vec::new()) {
        Ok((request, rest)) => {
            let response = handler(&request);
            let sent_all = rest.is_empty();
            reply(stream, &peer, request.request_line(), response, Some(&request), sent_all);
        }
        Err(Failure::Answer(first_line, response)) => {
            reply(stream, &peer, &first_line, response, None, false)
        }
        Err(Failure::Silent(why)) => log::log(&peer, || why),
    }
}

/// Sends `response` to `request` (none if it could not be read), logs it,
/// and closes the connection, with care unless the client `sent_all` it
/// will: nothing came after the request.
fn reply(
    mut stream: TcpStream,
    peer: &str,
    first_line: &str,
    response: Response,
    request: Option<&Request>,
    sent_all: bool,
) {
    send(&mut stream, peer, first_line, response, request, Persistence::OneRequest);
    close::close(&stream, sent_all);
}

/// Sends `response` to `request` (none if it could not be read) and logs
/// it. Says whether the client took it.
fn send(
    stream: &mut TcpStream,
    peer: &str,
    first_line: &str,
    response: Response,
    request: Option<&Request>,
    connection: Persistence,
) -> bool {
    let status = response.status();
    let head_only = request.is_some_and(|request| request.method == "HEAD");
    let sent = response.write_to(stream, head_only, connection);
    log::answered(peer, first_line, status, sent)
}
// ANCHOR_END: serve
