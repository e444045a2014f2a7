//! The exercise "A process per client": the notes' multi-process answer to
//! the problem of serialization, with the one register it needs (Unix only).
//!
//! Every client is served by an operating-system process of its own, made
//! the way the forking clock server makes them: this very program, started
//! again with the client's socket as standard input and output. A client's
//! process reads lines as pass 2 does. The register stays in the parent,
//! which answers one request per connection on a port of its own; a
//! client's process asks it there. With `--copy-register`, each process
//! keeps a register of its own instead, as a forked child keeps its copy of
//! the parent's memory, and the swaps of one client are lost to all others.

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

// ANCHOR: run
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
    let output = stream.try_clone()?;
    let mut command = Command::new(std::env::current_exe()?);
    command.arg("--serve-client");
    command.args(["--read-timeout", &options.server.read_timeout.as_secs_f64().to_string()]);
    if let Some(register) = register {
        command.args(["--register", &register.to_string()]);
    }
    command.stdin(Stdio::from(OwnedFd::from(stream)));
    command.stdout(Stdio::from(OwnedFd::from(output)));
    command.spawn()
}
// ANCHOR_END: run

// ANCHOR: keep
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
fn answer_one(mut asker: &TcpStream, register: &mut Register) -> io::Result<()> {
    asker.set_read_timeout(Some(ASK_TIMEOUT))?;
    let mut request = Vec::new();
    asker.take(MAX_LINE as u64).read_to_end(&mut request)?;
    asker.write_all(protocol::answer(register, &request).as_bytes())
}

/// Asks the parent's register to answer `request`.
fn ask(register: SocketAddr, request: &[u8]) -> io::Result<String> {
    let mut stream = TcpStream::connect(register)?;
    stream.set_read_timeout(Some(ASK_TIMEOUT))?;
    stream.write_all(request)?;
    stream.shutdown(Shutdown::Write)?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}
// ANCHOR_END: keep

// ANCHOR: serve_client
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
// ANCHOR_END: serve_client
