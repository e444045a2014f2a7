//! The client of the forking clock server: asks the time over one connection,
//! again and again, sleeping a random while between questions.

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, anyhow, ensure};
use clap::Parser;

use clock::cli::{self, Connect, parse_seconds};
use clock::message::Message;

/// What the client is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The forking clock client: asks the time in a loop.")]
struct Config {
    /// Where the server is.
    #[command(flatten)]
    server: Connect,
    /// The shortest sleep between two questions, in seconds.
    #[arg(long, value_name = "SECS", default_value = "3", value_parser = parse_seconds)]
    min: Duration,
    /// The longest sleep between two questions, in seconds.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds)]
    max: Duration,
    /// Stop after this many answers; without it, ask until interrupted.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,
}

fn main() -> ExitCode {
    cli::exit_code(ask_again_and_again(&Config::parse()))
}

// ANCHOR: ask_again_and_again
/// Asks the time over one connection until `--count` answers, or for ever.
fn ask_again_and_again(config: &Config) -> anyhow::Result<()> {
    ensure!(config.min <= config.max, "--min must not be more than --max");
    let mut stream = config.server.connect()?;
    println!("client is connected");
    let mut answers = 0;
    loop {
        clock::question().write_to(&mut stream).context("cannot send the question")?;
        let answer = Message::read_answer(&mut stream, config.server.timeout)
            .map_err(|why| anyhow!("the server {why}"))?;
        println!("{answer}");
        answers += 1;
        if config.count == Some(answers) {
            return Ok(());
        }
        let pause = rand::random_range(config.min.as_secs_f64()..=config.max.as_secs_f64());
        println!("client sleeps for {pause:.1} seconds");
        thread::sleep(Duration::from_secs_f64(pause));
    }
}
// ANCHOR_END: ask_again_and_again
