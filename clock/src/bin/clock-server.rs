//! The clock server of the lecture, Python's `SocketServer` example: it serves
//! one client at a time, reads its 25-byte question, and answers the time in
//! `ctime` form. `cargo run -p clock -- --help` lists its options.

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use clock::cli::{self, Listen, parse_timeout};
use clock::message::{self, Message};
use clock::{log, peer};

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The clock server: one client at a time asks the time.")]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: Listen,
    /// Seconds a client may take to send its question.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    read_timeout: Duration,
}

fn main() -> ExitCode {
    let config = Config::parse();
    cli::exit_code(config.listen.bind().map(|listener| run(listener, &config)))
}

// ANCHOR: run
/// Serves clients one after the other, as Python's `TCPServer.serve_forever` does.
fn run(listener: TcpListener, config: &Config) {
    for connection in listener.incoming() {
        match connection {
            Ok(stream) => tell_the_time(stream, config.read_timeout),
            Err(error) => http1::accept_failed(error),
        }
    }
}
// ANCHOR_END: run

// ANCHOR: tell_the_time
/// The handler: reads one question, answers the time, and closes the connection.
fn tell_the_time(mut stream: TcpStream, read_timeout: Duration) {
    log(&format!("connected at {}", peer(&stream)));
    let question = match Message::read_from(&mut stream, read_timeout) {
        Ok(question) => question,
        Err(why) => return log(&format!("client {why}")),
    };
    log(&format!("read \"{}\" from client", question.shown()));
    let answer = clock::now();
    log(&format!("writing \"{}\" to client", answer.text()));
    message::reply(stream, &answer, "client");
}
// ANCHOR_END: tell_the_time
