//! Pass 1, the original: one connection at a time, and one read per request.
//!
//! It works for a client that sends a whole line in one write and waits for
//! its answer. It shows the problem of streams (a line that arrives in pieces
//! is taken for several bad requests, several lines in one read for one) and
//! the problem of serialization (while one client is connected, nobody else
//! is served).

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use cas::lines::{self, End};
use cas::server::Config;
use cas::{Register, log, protocol};

fn main() -> ExitCode {
    cas::server::main("Pass 1: one connection at a time, one read per request.", run)
}

// ANCHOR: run
/// Accepts one connection, serves it until it ends, then accepts the next.
fn run(listener: TcpListener, config: Config) -> io::Result<()> {
    let mut register = Register::new();
    loop {
        match listener.accept() {
            Ok((stream, peer)) => serve(stream, peer, &mut register, config.read_timeout),
            Err(error) => log::accept_failed(error),
        }
    }
}
// ANCHOR_END: run

/// Answers the requests of one client until it leaves, logging each.
fn serve(stream: TcpStream, peer: SocketAddr, register: &mut Register, timeout: Duration) {
    log::event(peer, "connected");
    let end = answer_requests(&stream, peer, register, timeout).unwrap_err();
    lines::finish(&stream, peer, end);
}

// ANCHOR: answer_requests
/// Takes whatever one read returns as one request, and answers it.
fn answer_requests(
    mut stream: &TcpStream,
    peer: SocketAddr,
    register: &mut Register,
    timeout: Duration,
) -> Result<Infallible, End> {
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    loop {
        let mut chunk = [0; 1000];
        let request = match lines::read_some(stream, &mut chunk)? {
            0 => return Err(End::Closed),
            read => &chunk[..read],
        };
        let answer = match request.strip_suffix(b"\n") {
            Some(line) => protocol::answer(register, line),
            None => protocol::BAD_SYNTAX.to_string(),
        };
        log::request(peer, request, &answer);
        stream.write_all(&lines::frame(&answer))?;
    }
}
// ANCHOR_END: answer_requests
