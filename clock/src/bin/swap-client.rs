//! The client of the swap server: sends a string, prints the string of the
//! client it was paired with.

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;

use clock::cli::{self, Connect};
use clock::message::{Message, NoMessage};

/// What the client is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The swap client: trades a string with another client.")]
struct Config {
    /// Where the server is.
    #[command(flatten)]
    server: Connect,
    /// The string to trade, at most 25 bytes.
    string: Message,
}

fn main() -> ExitCode {
    cli::exit_code(trade(&Config::parse()))
}

// ANCHOR: trade
/// Sends our string and prints the one we get for it.
fn trade(config: &Config) -> anyhow::Result<()> {
    let mut stream = config.server.connect()?;
    config.string.write_to(&mut stream).context("cannot send the string")?;
    match Message::read_from(&mut stream, config.server.timeout) {
        Ok(theirs) => println!("{}", theirs.text()),
        Err(NoMessage::Closed) => bail!("the server found nobody to swap with"),
        Err(why) => bail!("the server {why}"),
    }
    Ok(())
}
// ANCHOR_END: trade
