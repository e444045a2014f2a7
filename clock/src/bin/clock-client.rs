//! The clock client of the lecture: connects, asks "What is the time?" in a
//! 25-byte message, and prints the answer: 25 bytes from our server, or the
//! 24 characters of the time that the lecture's own server sends.

use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Parser;

use clock::cli::{self, Connect};
use clock::message::Message;

/// What the client is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The clock client: asks the clock server the time once.")]
struct Config {
    /// Where the server is.
    #[command(flatten)]
    server: Connect,
}

fn main() -> ExitCode {
    cli::exit_code(ask(&Config::parse()))
}

// ANCHOR: ask
/// Asks the time once and prints the answer.
fn ask(config: &Config) -> anyhow::Result<()> {
    let mut stream = config.server.connect()?;
    println!("client is connected");
    clock::question().write_to(&mut stream).context("cannot send the question")?;
    let answer = Message::read_answer(&mut stream, config.server.timeout)
        .map_err(|why| anyhow!("the server {why}"))?;
    println!("{answer}");
    Ok(())
}
// ANCHOR_END: ask
