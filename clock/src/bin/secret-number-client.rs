//! The client of the secret-number server: sends one guess, prints the verdict.

use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Parser;

use clock::cli::{self, Connect};
use clock::message::Message;

/// What the client is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The secret-number client: makes one guess.")]
struct Config {
    /// Where the server is.
    #[command(flatten)]
    server: Connect,
    /// The guess.
    guess: u32,
}

fn main() -> ExitCode {
    cli::exit_code(guess(&Config::parse()))
}

// ANCHOR: guess
/// Sends the guess and prints what the server says of it.
fn guess(config: &Config) -> anyhow::Result<()> {
    let mut stream = config.server.connect()?;
    let guess: Message = config.guess.to_string().parse().expect("a u32 has at most 10 digits");
    guess.write_to(&mut stream).context("cannot send the guess")?;
    let verdict = Message::read_from(&mut stream, config.server.timeout)
        .map_err(|why| anyhow!("the server {why}"))?;
    println!("{}", verdict.text());
    Ok(())
}
// ANCHOR_END: guess
