//! Pass 2: reads lines, not reads. Still one connection at a time.
//!
//! A request may arrive in pieces, or several in one read: pass 2 collects
//! bytes until a whole line is there, and answers every line, however the
//! stream was cut. While one client is connected, nobody else is served.

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use cas::lines::{self, End, LineReader};
use cas::server::Config;
use cas::{Register, log, protocol};

fn main() -> ExitCode {
    cas::server::main("Pass 2: one connection at a time, requests read as lines.", run)
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
/// Reads the stream as lines, and answers each line.
fn answer_requests(
    mut stream: &TcpStream,
    peer: SocketAddr,
    register: &mut Register,
    timeout: Duration,
) -> Result<Infallible, End> {
    stream.set_write_timeout(Some(timeout))?;
    let mut reader = LineReader::new(stream, timeout);
    loop {
        let request = reader.read_line()?;
        let answer = protocol::answer(register, &request);
        log::request(peer, &request, &answer);
        stream.write_all(&lines::frame(&answer))?;
    }
}
// ANCHOR_END: answer_requests
