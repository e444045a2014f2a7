//! Runs the server: `cargo run -p step5-pool -- --help` lists its options.

use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use step5_pool::{Config, run};

fn main() -> ExitCode {
    let config = Config::parse();
    match listen(&config) {
        Ok(listener) => {
            run(listener, config);
            ExitCode::SUCCESS
        }
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
    println!("listening on http://{}/", listener.local_addr()?);
    Ok(listener)
}
