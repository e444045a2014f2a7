//! Runs the server: `--help` lists its options.

use std::process::ExitCode;

use clap::Parser;

use step6_keepalive::{Config, run};

fn main() -> ExitCode {
    let config = Config::parse();
    let listening = http1::listen(&config.host, config.port);
    serverkit::exit_code(listening.map(|listener| run(listener, config)))
}
