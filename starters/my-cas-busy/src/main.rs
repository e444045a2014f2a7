//! The starter of the exercise "The bad one-process solution": one thread
//! serves every client, trying each non-blocking socket in turn, and never
//! waits. Check it with `cargo xtask grade cas-busy --crate my-cas-busy`.

// What the todo!()s need is here, unused until you use it.
#![allow(unused_variables, unused_imports, dead_code)]

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cas::lines::{self, CHUNK, End, LineBuffer};
use cas::server::Config;
use cas::{Register, log, protocol};

fn main() -> ExitCode {
    cas::server::main("One thread tries every non-blocking socket in turn, for ever.", run)
}

/// Accepts whoever is waiting, then gives each client a try, and starts over
/// at once: the loop never sleeps.
fn run(listener: TcpListener, config: Config) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut register = Register::new();
    let mut clients: Vec<Client> = Vec::new();
    loop {
        accept_all(&listener, &mut clients, config.read_timeout);
        clients.retain_mut(|client| match client.try_once(&mut register, config.read_timeout) {
            Ok(()) => true,
            Err(end) => {
                lines::finish(&client.stream, client.peer, end);
                false
            }
        });
    }
}

/// Accepts every connection that is waiting, if any.
fn accept_all(listener: &TcpListener, clients: &mut Vec<Client>, timeout: Duration) {
    loop {
        match listener.accept() {
            Ok((stream, peer)) => match stream.set_nonblocking(true) {
                Ok(()) => {
                    log::event(peer, "connected");
                    let deadline = Instant::now() + timeout;
                    clients.push(Client { stream, peer, lines: LineBuffer::default(), deadline });
                }
                Err(error) => {
                    log::event(peer, format_args!("cannot make it non-blocking: {error}"))
                }
            },
            Err(error) if error.kind() == ErrorKind::WouldBlock => return,
            Err(error) => return log::accept_failed(error),
        }
    }
}

/// One connection, and what it sent that is not a whole line yet.
struct Client {
    /// The client's socket, non-blocking.
    stream: TcpStream,
    /// Who the client is, for the log.
    peer: SocketAddr,
    /// What it sent that is not a whole line yet.
    lines: LineBuffer,
    /// When it must have sent its next line; it is cut off after that.
    deadline: Instant,
}

impl Client {
    /// Reads once, without waiting, and answers every whole line there is.
    fn try_once(&mut self, register: &mut Register, timeout: Duration) -> Result<(), End> {
        todo!("read once without waiting, and answer every whole line in self.lines")
    }
}
