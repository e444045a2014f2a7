//! The stress client: talks to a server the ways that break a naive one, and
//! says whether the server got it right.
//!
//! Each mode prints what it sent and what came back, then a verdict line,
//! `verdict: right` or `verdict: WRONG, …`; it exits with 0 or 1 to match.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use cas::lines::{End, LineReader};
use cas::protocol;
use cas::server::{parse_seconds, parse_timeout};
use clap::{Parser, Subcommand};

/// What the stress client is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "Stresses a compare-and-swap server the ways TCP streams break it.")]
struct Args {
    /// The server's address.
    #[arg(long, global = true, default_value = "127.0.0.1")]
    host: String,
    /// The server's port.
    #[arg(long, global = true, default_value_t = 22222)]
    port: u16,
    /// Seconds of silence after which no more answers are expected.
    #[arg(long, global = true, value_name = "SECS", default_value = "1", value_parser = parse_timeout)]
    wait: Duration,
    /// How to stress the server.
    #[command(subcommand)]
    mode: Mode,
}

/// The ways to stress a server.
#[derive(Debug, Subcommand)]
enum Mode {
    /// Send a line without its end, wait, and close: it deserves no answer.
    Incomplete {
        /// What to send.
        #[arg(default_value = "0 5")]
        text: String,
    },
    /// Send `OLD NEW` in four pieces, `OLD`, ` `, `NEW`, `\n`, with pauses: one line, one answer.
    Pieces {
        /// The first number.
        old: String,
        /// The second number.
        new: String,
        /// Seconds between two pieces.
        #[arg(long, value_name = "SECS", default_value = "0.2", value_parser = parse_seconds)]
        pause: Duration,
    },
    /// Send several lines in one write: one answer for each.
    Lines {
        /// The lines, without their ends.
        #[arg(required = true)]
        lines: Vec<String>,
    },
    /// One client sends half a line and stalls; a second one must still be served.
    Stall {
        /// What the stalling client sends.
        #[arg(default_value = "0")]
        text: String,
    },
    /// Many clients increment the register at once by compare-and-swap: none may be lost.
    Hammer {
        /// How many clients run at once.
        #[arg(long, default_value_t = 8)]
        clients: u64,
        /// How many increments each client makes.
        #[arg(long, default_value_t = 500)]
        increments: u64,
        /// Seconds a client waits for one answer before it gives up.
        #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_timeout)]
        timeout: Duration,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.mode {
        Mode::Incomplete { text } => incomplete(&args, text),
        Mode::Pieces { old, new, pause } => pieces(&args, old, new, *pause),
        Mode::Lines { lines } => lines_in_one_write(&args, lines),
        Mode::Stall { text } => stall(&args, text),
        Mode::Hammer { clients, increments, timeout } => {
            hammer(&args, *clients, *increments, *timeout)
        }
    };
    match result {
        Ok(None) => {
            println!("verdict: right");
            ExitCode::SUCCESS
        }
        Ok(Some(wrong)) => {
            println!("verdict: WRONG, {wrong}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// What a mode found: `None` if the server did right, or what it did wrong.
type Verdict = anyhow::Result<Option<String>>;

// ANCHOR: incomplete
/// Sends `text` with no end of line, and expects no answer.
fn incomplete(args: &Args, text: &str) -> Verdict {
    let stream = connect(args)?;
    send(&stream, text)?;
    println!("sent {text:?}, no end of line; waiting {:?} for answers", args.wait);
    let answers = answers(&stream, args.wait);
    Ok((!answers.is_empty()).then(|| "a line that never ended was answered".to_string()))
}
// ANCHOR_END: incomplete

// ANCHOR: pieces
/// Sends one line in four pieces, `pause` apart, and expects one good answer.
fn pieces(args: &Args, old: &str, new: &str, pause: Duration) -> Verdict {
    let stream = connect(args)?;
    let pieces = [old, " ", new, "\n"];
    for (index, piece) in pieces.iter().enumerate() {
        if index > 0 {
            thread::sleep(pause);
        }
        send(&stream, piece)?;
    }
    println!("sent {pieces:?}, {pause:?} apart");
    let line = format!("{old} {new}");
    Ok(check_answers(&[line], &answers(&stream, args.wait)))
}
// ANCHOR_END: pieces

/// Sends `lines` in one write, and expects one answer for each.
fn lines_in_one_write(args: &Args, lines: &[String]) -> Verdict {
    let stream = connect(args)?;
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    send(&stream, &text)?;
    println!("sent {} lines in one write: {text:?}", lines.len());
    Ok(check_answers(lines, &answers(&stream, args.wait)))
}

/// Stalls one client half way through a line, then times a second client's request.
fn stall(args: &Args, text: &str) -> Verdict {
    let staller = connect(args)?;
    send(&staller, text)?;
    println!("client A sent {text:?} and stalls");
    thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let other = connect(args)?;
    send(&other, "0 0\n")?;
    let answer = LineReader::new(&other, args.wait).read_line();
    let waited = started.elapsed();
    match answer {
        Ok(answer) => {
            println!("client B sent \"0 0\", got {:?} after {waited:.3?}", printable(&answer));
            let hung_up = !still_open(&staller);
            Ok(hung_up.then(|| "B was served only once the server hung up on A".to_string()))
        }
        Err(end) => Ok(Some(format!("client B got no answer in {waited:.3?}: the server {end}"))),
    }
}

/// Whether the server still keeps the connection open, after whatever it sent on it.
fn still_open(mut stream: &TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(10)));
    let mut buffer = [0; 256];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return false,
            Ok(_) => continue,
            Err(error) => {
                return matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
            }
        }
    }
}

// ANCHOR: hammer
/// Runs `clients` clients at once, each adding 1 to the register `increments`
/// times by compare-and-swap, and checks that the register grew by all of them.
fn hammer(args: &Args, clients: u64, increments: u64, timeout: Duration) -> Verdict {
    let start = current_value(args, timeout)?;
    println!("{clients} clients x {increments} increments, from {start}");
    let started = Instant::now();
    let requests: anyhow::Result<u64> = thread::scope(|scope| {
        let workers: Vec<_> = (0..clients)
            .map(|_| scope.spawn(|| increment(args, start, increments, timeout)))
            .collect();
        workers.into_iter().map(|worker| worker.join().expect("a client panicked")).sum()
    });
    let elapsed = started.elapsed();
    let requests = requests?;
    let end = current_value(args, timeout)?;
    let expected = start + clients * increments;
    println!("final value {end}, expected {expected}");
    let rate = requests as f64 / elapsed.as_secs_f64();
    let retries = requests.saturating_sub(clients * increments);
    println!("{requests} requests ({retries} retries) in {elapsed:.2?}: {rate:.0} requests/s");
    Ok((end != expected).then(|| format!("{} increments lost", expected.abs_diff(end))))
}

/// One hammer client: `increments` times, tries `value value+1` until the
/// swap succeeds. Returns how many requests that took.
fn increment(args: &Args, start: u64, increments: u64, timeout: Duration) -> anyhow::Result<u64> {
    let stream = connect(args)?;
    let mut reader = LineReader::new(&stream, timeout);
    let mut value = start;
    let mut requests = 0;
    for _ in 0..increments {
        loop {
            let next = value.checked_add(1).context("the register is full")?;
            send(&stream, &format!("{value} {next}\n"))?;
            requests += 1;
            let held = number(reader.read_line())?;
            if held == value {
                value = next;
                break;
            }
            value = held;
        }
    }
    Ok(requests)
}
// ANCHOR_END: hammer

/// Asks `0 0`, which changes nothing, to learn what the register holds.
fn current_value(args: &Args, timeout: Duration) -> anyhow::Result<u64> {
    let stream = connect(args)?;
    send(&stream, "0 0\n")?;
    number(LineReader::new(&stream, timeout).read_line())
}

/// Reads an answer that must be a number.
fn number(answer: Result<Vec<u8>, End>) -> anyhow::Result<u64> {
    let answer = answer.map_err(|end| anyhow::anyhow!("no answer: the server {end}"))?;
    let text = printable(&answer);
    text.parse().with_context(|| format!("the answer {text:?} is not a number"))
}

/// Compares the answers with `lines`: one each, a number for each request,
/// `Bad Syntax` for anything else.
fn check_answers(lines: &[String], answers: &[String]) -> Option<String> {
    if answers.len() != lines.len() {
        return Some(format!(
            "{} to {}",
            count(answers.len(), "answer"),
            count(lines.len(), "line")
        ));
    }
    lines.iter().zip(answers).find_map(|(line, answer)| {
        let valid = protocol::parse(line.as_bytes()).is_some();
        (valid != answer.parse::<u64>().is_ok()).then(|| format!("{line:?} got {answer:?}"))
    })
}

/// Prints and returns every answer line until the server is silent for `wait` or closes.
fn answers(stream: &TcpStream, wait: Duration) -> Vec<String> {
    let mut reader = LineReader::new(stream, wait);
    let mut answers = Vec::new();
    loop {
        match reader.read_line() {
            Ok(answer) => {
                let answer = printable(&answer);
                println!("answer: {answer}");
                answers.push(answer);
            }
            Err(End::TimedOut) if answers.is_empty() => {
                println!("no answer in {wait:?}");
                return answers;
            }
            Err(End::TimedOut) => return answers,
            Err(end) => {
                println!("the server {end}");
                return answers;
            }
        }
    }
}

/// Connects, with Nagle's algorithm off so that every write leaves at once, as its own segment.
fn connect(args: &Args) -> anyhow::Result<TcpStream> {
    let stream = TcpStream::connect((args.host.as_str(), args.port))
        .with_context(|| format!("cannot connect to {}:{}", args.host, args.port))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Writes `text` in one write.
fn send(mut stream: &TcpStream, text: &str) -> anyhow::Result<()> {
    if let Err(error) = stream.write_all(text.as_bytes()) {
        bail!("cannot send {text:?}: {error}");
    }
    Ok(())
}

/// `1 line`, `2 lines`.
fn count(how_many: usize, thing: &str) -> String {
    let s = if how_many == 1 { "" } else { "s" };
    format!("{how_many} {thing}{s}")
}

/// An answer as text, without the blanks around it. A server could send
/// anything; the lecture's own pass-1 server ends its lines with `\n\r`,
/// which leaves a `\r` before the next answer.
fn printable(answer: &[u8]) -> String {
    String::from_utf8_lossy(answer.trim_ascii()).into_owned()
}
