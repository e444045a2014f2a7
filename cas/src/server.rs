//! What every server pass shares around its lesson: the command line, and
//! binding the listening socket (with helpers shared with the clock
//! programs, through `serverkit`).

use std::io;
use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};

pub use serverkit::{parse_seconds, parse_timeout};

/// What a server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version)]
pub struct Config {
    /// Address to listen on; 0.0.0.0 lets other machines connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the system pick a free one.
    #[arg(long, default_value_t = 22222)]
    pub port: u16,
    /// Seconds a client may take to send a line, or to take an answer.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub read_timeout: Duration,
}

/// The `main` of a server pass: reads the command line (`about` says which
/// pass this is), listens, and hands the listener to `run`.
pub fn main(about: &'static str, run: fn(TcpListener, Config) -> io::Result<()>) -> ExitCode {
    let matches = Config::command().about(about).get_matches();
    let config = Config::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let listening = serverkit::listen(&config.host, config.port);
    serverkit::exit_code(listening.and_then(|listener| Ok(run(listener, config)?)))
}
