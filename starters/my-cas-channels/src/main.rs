//! The starter of the exercise "The register as a process": pass 3's
//! thread per connection, where one thread of its own keeps the register and
//! the client threads ask it over a channel. No mutex. Check it with
//! `cargo xtask grade cas-channels --crate my-cas-channels`.

// What the todo!()s need is here, unused until you use it.
#![allow(unused_variables, unused_imports, dead_code)]

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use cas::lines::{self, End, LineReader};
use cas::server::Config;
use cas::{Register, log, protocol};
use crossbeam_channel::{Receiver, Sender};

/// A request to the Register: a line, and the channel for its answer.
type Ask = (Vec<u8>, Sender<String>);

fn main() -> ExitCode {
    cas::server::main("A thread per connection; the register behind a channel.", run)
}

/// Starts the Register, then accepts connections and starts a thread to serve each one.
fn run(listener: TcpListener, config: Config) -> io::Result<()> {
    let (register, requests) = crossbeam_channel::bounded(0);
    thread::Builder::new().name("Register".into()).spawn(move || keep(requests))?;
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                let register = register.clone();
                let spawned = thread::Builder::new()
                    .name(format!("client {peer}"))
                    .spawn(move || serve(stream, peer, &register, config.read_timeout));
                if let Err(error) = spawned {
                    log::event(peer, format_args!("cannot start a thread: {error}"));
                }
            }
            Err(error) => log::accept_failed(error),
        }
    }
}

/// The Register process: the only thread that touches the register. It
/// answers the requests one at a time, in the order they come.
fn keep(requests: Receiver<Ask>) {
    todo!("keep a Register; answer each request with protocol::answer, one at a time")
}

/// Answers the requests of one client until it leaves, logging each.
fn serve(stream: TcpStream, peer: SocketAddr, register: &Sender<Ask>, timeout: Duration) {
    log::event(peer, "connected");
    let end = answer_requests(&stream, peer, register, timeout).unwrap_err();
    lines::finish(&stream, peer, end);
}

/// Reads the stream as lines, and answers each line.
fn answer_requests(
    mut stream: &TcpStream,
    peer: SocketAddr,
    register: &Sender<Ask>,
    timeout: Duration,
) -> Result<Infallible, End> {
    stream.set_write_timeout(Some(timeout))?;
    let mut reader = LineReader::new(stream, timeout);
    loop {
        let request = reader.read_line()?;
        let answer = ask(register, &request)?;
        log::request(peer, &request, &answer);
        stream.write_all(&lines::frame(&answer))?;
    }
}

/// Sends `request` to the Register with a fresh answer channel, and waits for the answer.
fn ask(register: &Sender<Ask>, request: &[u8]) -> Result<String, End> {
    todo!("send the request to the Register with a channel for the answer, and wait for it")
}
