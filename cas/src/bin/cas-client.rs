//! The simple client: sends one request, `OLD NEW`, and prints the answer.
//!
//! `cas-client 127.0.0.1 0 5` prints what the register held before.

use std::io::Write;
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use cas::lines::LineReader;
use cas::server::parse_timeout;
use clap::Parser;

/// What the client is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "Sends one compare-and-swap request, OLD NEW, and prints the answer.")]
struct Args {
    /// The server's address.
    host: String,
    /// The value the register should hold now.
    old: String,
    /// The value it should hold after.
    new: String,
    /// The server's port.
    #[arg(long, default_value_t = 22222)]
    port: u16,
    /// Seconds to wait for the answer.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    timeout: Duration,
}

// ANCHOR: main
fn main() -> ExitCode {
    match ask(&Args::parse()) {
        Ok(answer) => {
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Sends the request, and returns the answer line.
fn ask(args: &Args) -> anyhow::Result<String> {
    let mut stream = TcpStream::connect((args.host.as_str(), args.port))
        .with_context(|| format!("cannot connect to {}:{}", args.host, args.port))?;
    stream.write_all(format!("{} {}\n", args.old, args.new).as_bytes())?;
    let answer = LineReader::new(&stream, args.timeout).read_line();
    let answer = answer.map_err(|end| anyhow::anyhow!("no answer: the server {end}"))?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}
// ANCHOR_END: main
