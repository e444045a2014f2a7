//! The forking clock server of the lecture (Unix only): every client is served
//! by an operating-system process of its own, which first keeps the client
//! waiting (`--block`), then answers each of its questions until it closes.
//!
//! The parent starts a process per client, lists their PIDs, reaps the ones
//! that end, and on Ctrl-C kills the rest. It makes a process by
//! starting its own binary again with `--serve-client` and the client's socket
//! as standard input and output, the way inetd does (the book says why not `fork`).

use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{self, Child, Command, ExitCode, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use crossbeam_channel::{Receiver, bounded, select};

use clock::cli::{self, Listen, parse_seconds, parse_timeout};
use clock::message::{Message, NoMessage};
use clock::{log, peer};

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The forking clock server: a process per client (Unix).")]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: Listen,
    /// Seconds each new client is kept waiting before its process serves it.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds)]
    block: Duration,
    /// Seconds a client may stay silent before its process gives up on it.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// Serve the client connected on standard input (how the server starts its processes).
    #[arg(long, hide = true)]
    serve_client: bool,
}

/// How often the parent reaps, when no client arrives.
const TICK: Duration = Duration::from_millis(100);

pub fn main() -> ExitCode {
    let config = Config::parse();
    if config.serve_client {
        return cli::exit_code(serve_client(&config));
    }
    cli::exit_code(config.listen.bind().and_then(|listener| run(listener, &config)))
}

// ANCHOR: run
/// The parent: starts a process for each client, reaps the processes that
/// end, and on Ctrl-C kills the rest.
///
/// A thread accepts the clients and hands them over a channel, so that the
/// parent can wait for a client, for Ctrl-C and for the next tick at once.
fn run(listener: TcpListener, config: &Config) -> anyhow::Result<()> {
    let interrupted = ctrl_c()?;
    let clients = accept_in_background(listener)?;
    let mut children = Vec::new();
    loop {
        select! {
            recv(clients) -> client => {
                if let Ok(stream) = client {
                    start_process(stream, config, &mut children);
                }
            }
            recv(interrupted) -> _ => break,
            default(TICK) => {}
        }
        reap(&mut children);
    }
    log("interrupted, closing server");
    kill_all(children);
    log("exiting; the listening socket closes with the process");
    Ok(())
}

/// A channel that receives a message on Ctrl-C (SIGINT), and on SIGTERM or SIGHUP.
fn ctrl_c() -> anyhow::Result<Receiver<()>> {
    let (sender, receiver) = bounded(1);
    ctrlc::set_handler(move || {
        let _ = sender.try_send(());
    })
    .context("cannot catch Ctrl-C")?;
    Ok(receiver)
}

/// Starts the thread that accepts clients, and returns the channel it sends them on.
fn accept_in_background(listener: TcpListener) -> anyhow::Result<Receiver<TcpStream>> {
    let (sender, receiver) = bounded(0);
    let accept = move || {
        for connection in listener.incoming() {
            match connection {
                Ok(stream) => {
                    if sender.send(stream).is_err() {
                        return;
                    }
                }
                Err(error) => http1::accept_failed(error),
            }
        }
    };
    thread::Builder::new().name("accept".into()).spawn(accept).context("cannot start a thread")?;
    Ok(receiver)
}
// ANCHOR_END: run

// ANCHOR: start_process
/// Starts a process that serves `stream`: this very program, run again with
/// `--serve-client`, with the socket as its standard input and output.
fn start_process(stream: TcpStream, config: &Config, children: &mut Vec<Child>) {
    let client = peer(&stream);
    log(&format!("server connected at {client}"));
    let started = stream.try_clone().and_then(|output| {
        Command::new(std::env::current_exe()?)
            .arg("--serve-client")
            .args(["--block", &config.block.as_secs_f64().to_string()])
            .args(["--read-timeout", &config.read_timeout.as_secs_f64().to_string()])
            .stdin(Stdio::from(OwnedFd::from(stream)))
            .stdout(Stdio::from(OwnedFd::from(output)))
            .process_group(0)
            .spawn()
    });
    // The `Command` is gone: the parent holds no copy of the socket any more.
    match started {
        Ok(child) => {
            log(&format!("appending PID {} for {client}", child.id()));
            children.push(child);
            log(&format!("active processes: {:?}", pids(children)));
        }
        Err(error) => log(&format!("cannot start a process for {client}: {error}")),
    }
}
// ANCHOR_END: start_process

// ANCHOR: reap
/// Collects the exit status of every process that has ended, so that none
/// stays a zombie, and says which processes are left.
fn reap(children: &mut Vec<Child>) {
    let before = children.len();
    children.retain_mut(|child| match child.try_wait() {
        Ok(None) => true,
        Ok(Some(status)) => {
            log(&format!("process {} ended ({status})", child.id()));
            false
        }
        Err(error) => {
            log(&format!("cannot wait for process {}: {error}", child.id()));
            false
        }
    });
    if children.len() != before {
        log(&format!("active processes: {:?}", pids(children)));
    }
}

/// Kills every process still serving a client, as the lecture does with
/// `kill -9`, and reaps each.
fn kill_all(children: Vec<Child>) {
    log(&format!("active processes: {:?}", pids(&children)));
    for mut child in children {
        log(&format!("-> killing process {}", child.id()));
        if let Err(error) = child.kill().and_then(|()| child.wait()) {
            log(&format!("cannot kill process {}: {error}", child.id()));
        }
    }
}

/// The process ids, for the log.
fn pids(children: &[Child]) -> Vec<u32> {
    children.iter().map(Child::id).collect()
}
// ANCHOR_END: reap

// ANCHOR: serve_client
/// A child process: serves the client on its standard input until the client closes.
fn serve_client(config: &Config) -> anyhow::Result<()> {
    let mut stream = client_on_stdin()?;
    let pid = process::id();
    let say = |what: &str| log(&format!("[process {pid}] {what}"));
    say(&format!("client is blocked for {} seconds ...", config.block.as_secs_f64()));
    thread::sleep(config.block);
    say("handling a client ...");
    loop {
        let question = match Message::read_from(&mut stream, config.read_timeout) {
            Ok(question) => question,
            Err(NoMessage::Closed) => break,
            Err(why) => {
                say(&format!("client {why}"));
                break;
            }
        };
        say(&format!("received \"{}\" from client", question.shown()));
        let answer = clock::now();
        say(&format!("sending \"{}\" to client", answer.text()));
        if let Err(error) = answer.write_to(&mut stream) {
            say(&format!("client went away: {error}"));
            break;
        }
    }
    say("closing client socket, exiting child process");
    Ok(())
}

/// The client's socket, which the parent passed as standard input.
fn client_on_stdin() -> anyhow::Result<TcpStream> {
    let stream = TcpStream::from(io::stdin().as_fd().try_clone_to_owned()?);
    stream.peer_addr().context("--serve-client needs a connected socket as standard input")?;
    Ok(stream)
}
// ANCHOR_END: serve_client
