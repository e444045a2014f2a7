//! Pass 3: a thread per connection, all sharing one register.
//!
//! Every client is served at once, by a thread of its own. The register sits
//! behind a mutex, so that each compare-and-swap happens whole: no other
//! thread can change the value between the compare and the swap.

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use cas::lines::{self, End, LineReader};
use cas::server::Config;
use cas::{Register, log, protocol};

fn main() -> ExitCode {
    cas::server::main("Pass 3: a thread per connection, one shared register.", run)
}

// ANCHOR: run
/// Accepts connections, and starts a thread to serve each one.
fn run(listener: TcpListener, config: Config) -> io::Result<()> {
    let register = Arc::new(Mutex::new(Register::new()));
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                let register = Arc::clone(&register);
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
// ANCHOR_END: run

/// Answers the requests of one client until it leaves, logging each.
fn serve(stream: TcpStream, peer: SocketAddr, register: &Mutex<Register>, timeout: Duration) {
    log::event(peer, "connected");
    let end = answer_requests(&stream, peer, register, timeout).unwrap_err();
    lines::finish(&stream, peer, end);
}

// ANCHOR: answer_requests
/// Reads the stream as lines, and answers each line.
fn answer_requests(
    mut stream: &TcpStream,
    peer: SocketAddr,
    register: &Mutex<Register>,
    timeout: Duration,
) -> Result<Infallible, End> {
    stream.set_write_timeout(Some(timeout))?;
    let mut reader = LineReader::new(stream, timeout);
    loop {
        let request = reader.read_line()?;
        let answer = {
            // Nothing panics while holding the lock, so a poisoned one still holds a good value.
            let mut register = register.lock().unwrap_or_else(PoisonError::into_inner);
            protocol::answer(&mut register, &request)
        };
        log::request(peer, &request, &answer);
        stream.write_all(&lines::frame(&answer))?;
    }
}
// ANCHOR_END: answer_requests
