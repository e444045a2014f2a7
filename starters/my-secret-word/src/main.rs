//! The starter of the assignment "The secret word": a web server that holds
//! a secret word, guessed in the address, `/apple`. Check it with
//! `cargo xtask grade secret-word --crate my-secret-word`.

// The arguments of the todo!()s are yours to use.
#![allow(unused_variables)]

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use http1::{Request, Response};

use clock::cli::{self, WebListen, parse_timeout};
use clock::secret::Game;
use clock::threads::thread_per_client;

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The secret-word web server: guess the word in the address bar.")]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: WebListen,
    /// Seconds a client may take to send its request.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// Log no requests.
    #[arg(long)]
    quiet: bool,
    /// The secret word.
    #[arg(long, default_value = "meadow")]
    secret: String,
}

fn main() -> ExitCode {
    let config = Config::parse();
    cli::exit_code(config.listen.bind().map(|listener| run(listener, &config)))
}

/// Serves each connection on a thread of its own, all playing one game.
fn run(listener: TcpListener, config: &Config) {
    if config.quiet {
        http1::quiet();
    }
    let secret: Arc<str> = config.secret.as_str().into();
    let game = Arc::new(Game::default());
    let read_timeout = config.read_timeout;
    thread_per_client(listener, move |stream| {
        http1::serve(stream, read_timeout, |request| page(request, &secret, &game))
    });
}

/// How to play on `/`; on any other path, the verdict on the guess it holds:
/// `wrong`, `right` for the first right guess, `secret found` after it.
fn page(request: &Request, secret: &str, game: &Game) -> Response {
    todo!("the rules on /, the verdict on /GUESS")
}
