//! The clock client of the lecture: connects, asks "What is the time?" in a
//! 25-byte message, and prints the answer: 25 bytes, or what came before the
//! server closed, as the lecture's own server sends it.

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;

use clock::cli::{self, Connect};
use clock::message::{Message, NoMessage};

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
    let answer = match Message::read_from(&mut stream, config.server.timeout) {
        Ok(answer) => answer.text(),
        // The lecture's server sends the 24 characters of the time, unpadded,
        // and closes: its close ends the answer.
        Err(NoMessage::Cut(bytes)) => String::from_utf8_lossy(&bytes).trim_end().into(),
        Err(why) => bail!("the server {why}"),
    };
    println!("{answer}");
    Ok(())
}
// ANCHOR_END: ask
