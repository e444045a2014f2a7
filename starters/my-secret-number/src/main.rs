//! The starter of the assignment "The secret number": one right guess, then
//! "secret found" for everybody. Check it with
//! `cargo xtask grade secret-number --crate my-secret-number`.

// What the todo!()s need is here, unused until you use it.
#![allow(unused_variables, unused_imports, dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

use clock::cli::{self, Listen, parse_timeout};
use clock::message::{self, Message};
use clock::secret::Game;
use clock::threads::thread_per_client;
use clock::{log, peer, printable};

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(
    name = "secret-number-server",
    version,
    about = "The secret-number server: guess the number."
)]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: Listen,
    /// Seconds a client may take to send its guess.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// The secret is a number from 1 to MAX, drawn at random.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    max: u32,
    /// Use this secret, from 1 to MAX, instead of a random one (for tests and demonstrations).
    #[arg(long)]
    secret: Option<u32>,
}

fn main() -> ExitCode {
    let config = Config::parse();
    if let Some(secret) = config.secret.filter(|secret| !(1..=config.max).contains(secret)) {
        let why = format!("--secret {secret} is not a number from 1 to --max {}", config.max);
        Config::command().error(ErrorKind::ArgumentConflict, why).exit();
    }
    cli::exit_code(config.listen.bind().map(|listener| run(listener, &config)))
}

/// Draws the secret and serves every guesser on a thread of its own; the
/// threads share the secret (read only) and the game (its one atomic flag).
fn run(listener: TcpListener, config: &Config) {
    let (secret, how) = match config.secret {
        Some(secret) => (secret, "given"),
        None => (rand::random_range(1..=config.max), "drawn"),
    };
    log(&format!("a secret number from 1 to {} is {how}", config.max));
    let game = Arc::new(Game::default());
    let read_timeout = config.read_timeout;
    thread_per_client(listener, move |stream| judge(stream, secret, &game, read_timeout));
}

/// Reads one guess, answers the verdict, and closes the connection.
fn judge(stream: TcpStream, secret: u32, game: &Game, read_timeout: Duration) {
    todo!("read one guess, answer wrong, right or secret found, and close")
}
