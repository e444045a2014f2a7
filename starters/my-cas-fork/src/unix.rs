//! The starter of the exercise "A process per client" (Unix only): each
//! client is served by a process of its own, this program started again
//! with the client's socket as standard input; the register stays in the
//! parent, which the client processes ask on a port of its own. Check it
//! with `cargo xtask grade cas-fork --crate my-cas-fork`.

// What the todo!()s need is here, unused until you use it.
#![allow(unused_variables, unused_imports, dead_code)]

use std::convert::Infallible;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, OwnedFd};
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use cas::lines::{self, End, LineReader, MAX_LINE};
use cas::{Register, log, protocol};
use clap::Parser;

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "A process per client; the register kept in the parent (Unix).")]
struct Options {
    /// Where to listen, and how long a client may take.
    #[command(flatten)]
    server: cas::server::Config,
    /// Give each client's process a register of its own, as fork would: see what is lost.
    #[arg(long)]
    copy_register: bool,
    /// Serve the client on standard input (how the server starts its processes).
    #[arg(long, hide = true)]
    serve_client: bool,
    /// Where a client's process asks the register; without it, it keeps its own.
    #[arg(long, hide = true, value_name = "ADDR")]
    register: Option<SocketAddr>,
}

/// How long the register waits for a request, and a client's process for an answer.
const ASK_TIMEOUT: Duration = Duration::from_secs(5);

pub fn main() -> ExitCode {
    let options = Options::parse();
    if options.serve_client {
        return serverkit::exit_code(serve_client(&options));
    }
    let listening = serverkit::listen(&options.server.host, options.server.port);
    serverkit::exit_code(listening.and_then(|listener| run(listener, &options)))
}

/// The parent: keeps the register, unless told to copy it, and starts a
/// process for each client.
fn run(listener: TcpListener, options: &Options) -> anyhow::Result<()> {
    let register = if options.copy_register { None } else { Some(start_register()?) };
    let mut children: Vec<Child> = Vec::new();
    loop {
        match listener.accept() {
            Ok((stream, peer)) => match start_process(stream, register, options) {
                Ok(child) => {
                    log::event(peer, format_args!("served by process {}", child.id()));
                    children.push(child);
                }
                Err(error) => log::event(peer, format_args!("cannot start a process: {error}")),
            },
            Err(error) => log::accept_failed(error),
        }
        // Collect the processes that have ended, so that none stays a zombie.
        children.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
    }
}

/// Starts a process that serves `stream`: this program, run again with
/// `--serve-client`, the socket as its standard input and output.
fn start_process(
    stream: TcpStream,
    register: Option<SocketAddr>,
    options: &Options,
) -> io::Result<Child> {
    todo!("start this program again with --serve-client, the client socket as its stdin and stdout")
}

/// Starts the thread that keeps the register, on a port of its own, and
/// returns where it listens.
fn start_register() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::Builder::new().name("register".into()).spawn(move || keep(listener))?;
    Ok(addr)
}

/// The register's keeper: one request per connection, one connection at a time.
fn keep(listener: TcpListener) {
    let mut register = Register::new();
    loop {
        match listener.accept() {
            Ok((asker, peer)) => {
                if let Err(error) = answer_one(&asker, &mut register) {
                    log::event(peer, format_args!("the register could not answer: {error}"));
                }
            }
            Err(error) => log::accept_failed(error),
        }
    }
}

/// Reads a request, all that the asker sends before it shuts down its side,
/// and answers it.
fn answer_one(asker: &TcpStream, register: &mut Register) -> io::Result<()> {
    todo!("read the request the asker sends until it shuts down its side, and answer it")
}

/// Asks the parent's register to answer `request`.
fn ask(register: SocketAddr, request: &[u8]) -> io::Result<String> {
    todo!("send the request to the register at its address, shut down your side, read the answer")
}

/// A client's process: answers the lines of the client on standard input
/// until it leaves, as pass 2 does.
fn serve_client(options: &Options) -> anyhow::Result<()> {
    let stream = TcpStream::from(io::stdin().as_fd().try_clone_to_owned()?);
    let peer = stream.peer_addr().context("--serve-client needs a connected socket")?;
    let mut copy = Register::new();
    let end = answer_requests(&stream, peer, options, &mut copy).unwrap_err();
    lines::finish(&stream, peer, end);
    Ok(())
}

/// Reads the stream as lines, and answers each line from the parent's
/// register, or from this process's copy.
fn answer_requests(
    mut stream: &TcpStream,
    peer: SocketAddr,
    options: &Options,
    copy: &mut Register,
) -> Result<Infallible, End> {
    let timeout = options.server.read_timeout;
    stream.set_write_timeout(Some(timeout))?;
    let mut reader = LineReader::new(stream, timeout);
    loop {
        let request = reader.read_line()?;
        let answer = match options.register {
            Some(register) => ask(register, &request).map_err(|error| {
                End::Broken(io::Error::other(format!("cannot ask the register: {error}")))
            })?,
            None => protocol::answer(copy, &request),
        };
        log::request(peer, &request, &answer);
        stream.write_all(&lines::frame(&answer))?;
    }
}
