//! What every server pass shares around its lesson: the command line, and
//! binding the listening socket.

use std::io;
use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches, Parser};

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
    let result = listen(&config).and_then(|listener| Ok(run(listener, config)?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Binds the configured address and says where the server listens.
fn listen(config: &Config) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
    println!("listening on {}", listener.local_addr()?);
    Ok(listener)
}

/// Reads a number of seconds such as `10` or `0.5`.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("`{text}` is not a number of seconds"))
}

/// Reads a timeout: seconds above zero, since a zero timeout would refuse every line.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = parse_seconds(text)?;
    if timeout.is_zero() {
        Err("a timeout must be more than 0 seconds".into())
    } else {
        Ok(timeout)
    }
}
