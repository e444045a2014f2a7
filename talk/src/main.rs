//! `talk`: the book's hand-made client. It connects to a server, sends each
//! TEXT argument as one write (or, without TEXT, what comes on stdin), and
//! prints every byte the server sends back, unchanged, until the server
//! closes the connection or falls silent. It does what bash's `/dev/tcp` does
//! in bash, in any shell.

mod text;

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;

/// What `talk` is told on its command line.
#[derive(Debug, Parser)]
#[command(
    version,
    about = "Connects to a server, sends what it is given, and prints what comes back.",
    after_help = "Example: talk 127.0.0.1:8080 'GET / HTTP/1.0\\r\\n\\r\\n'"
)]
struct Config {
    /// Seconds to wait between two TEXTs, so that they arrive as separate pieces.
    #[arg(long, value_name = "SECS", default_value = "0", value_parser = serverkit::parse_seconds)]
    pause: Duration,
    /// Stop once the server has sent nothing for SECS after everything was sent;
    /// without it, read until the server closes the connection.
    #[arg(long, value_name = "SECS", value_parser = serverkit::parse_timeout)]
    wait: Option<Duration>,
    /// After sending, close the sending side: the server reads the end of the
    /// stream, as from a client that is done, while the answer still comes back.
    #[arg(long)]
    half_close: bool,
    /// Where the server is, as HOST:PORT.
    #[arg(value_name = "HOST:PORT")]
    address: String,
    /// What to send, one write each. \r \n \t \\ \0 and \xHH stand for the
    /// bytes they name, as in printf. Without TEXT, sends stdin as it comes.
    #[arg(value_name = "TEXT", value_parser = text::unescape)]
    pieces: Vec<Vec<u8>>,
}

fn main() -> ExitCode {
    serverkit::exit_code(talk(Config::parse()))
}

/// Connects, sends on a thread of its own while this one prints the answer
/// as it comes, and ends when the answer does.
fn talk(config: Config) -> anyhow::Result<()> {
    let stream = TcpStream::connect(config.address.as_str())
        .with_context(|| format!("cannot connect to {}", config.address))?;
    let writer = stream.try_clone().context("cannot share the connection")?;
    let (all_sent, sent_at) = mpsc::channel();
    let sending = thread::spawn(move || {
        let sent = send(&writer, &config.pieces, config.pause, config.half_close);
        // The silence that `--wait` counts starts here, even after a failure.
        let _ = all_sent.send(Instant::now());
        sent
    });
    receive(&stream, config.wait, &sent_at)?;
    // A thread still sending (stdin still open, a pause not over) has
    // nowhere to send to once the server has closed: leave it behind.
    if sending.is_finished() {
        sending.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    }
    Ok(())
}

/// Sends each piece as one write, `pause` apart, or stdin as it comes when
/// there is none; then closes the sending side if `half_close` says so.
fn send(
    mut stream: &TcpStream,
    pieces: &[Vec<u8>],
    pause: Duration,
    half_close: bool,
) -> anyhow::Result<()> {
    if pieces.is_empty() {
        io::copy(&mut io::stdin().lock(), &mut stream).context("cannot send stdin")?;
    }
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            thread::sleep(pause);
        }
        stream.write_all(piece).with_context(|| format!("cannot send TEXT {}", i + 1))?;
    }
    if half_close {
        stream.shutdown(Shutdown::Write).context("cannot close the sending side")?;
    }
    Ok(())
}

/// Prints what the server sends, byte for byte, until it closes the
/// connection, or until `wait` passes without a byte once `sent_at` says
/// that everything was sent.
fn receive(
    mut stream: &TcpStream,
    wait: Option<Duration>,
    sent_at: &Receiver<Instant>,
) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    let mut buffer = [0; 8192];
    let mut last_heard = Instant::now();
    let mut all_sent = None;
    loop {
        all_sent = all_sent.or_else(|| sent_at.try_recv().ok());
        // Silence counts from the later of the last byte heard and the last
        // byte sent; while sending goes on, look again after `wait`.
        let deadline = wait.map(|wait| match all_sent {
            Some(sent) => last_heard.max(sent) + wait,
            None => Instant::now() + wait,
        });
        let read = match deadline {
            Some(deadline) => serverkit::read_before(stream, deadline, &mut buffer),
            None => stream.read(&mut buffer),
        };
        match read {
            Ok(0) => return Ok(()),
            Ok(n) => {
                last_heard = Instant::now();
                if !print(&mut stdout, &buffer[..n])? {
                    return Ok(());
                }
            }
            Err(error) if serverkit::is_timeout(&error) && all_sent.is_some() => return Ok(()),
            // A read with a timeout fails with `Interrupted` after Ctrl-Z and `fg`.
            Err(error)
                if serverkit::is_timeout(&error) || error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error).context("cannot read from the server"),
        }
    }
}

/// Writes `bytes` to stdout at once; false when nobody reads stdout any more
/// (`talk … | head -1`), which ends `talk` quietly, as it ends `cat`.
fn print(stdout: &mut impl Write, bytes: &[u8]) -> anyhow::Result<bool> {
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(false),
        Err(error) => Err(error).context("cannot print what the server sent"),
    }
}
