//! The starter of the assignment "The swap server": two clients trade their
//! strings; a client nobody comes for within `--wait` is closed. Check it
//! with `cargo xtask grade swap --crate my-swap`.

// What the todo!()s need is here, unused until you use it.
#![allow(unused_variables, unused_imports, dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Sender, bounded};

use clock::cli::{self, Listen, parse_timeout};
use clock::message::{self, Message};
use clock::threads::thread_per_client;
use clock::{log, peer, printable};

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The swap server: two clients trade the strings they send.")]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: Listen,
    /// Seconds a client may take to send its string.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// Seconds a client waits for a partner before the server gives up on it.
    #[arg(long, value_name = "SECS", default_value = "20", value_parser = parse_timeout)]
    wait: Duration,
}

fn main() -> ExitCode {
    let config = Config::parse();
    cli::exit_code(config.listen.bind().map(|listener| run(listener, &config)))
}

/// A client whose string has arrived and who waits for a partner.
struct Waiting {
    /// Who it is, for the log.
    client: String,
    /// What it sent, for its partner.
    string: Message,
    /// Where its partner sends its own string.
    partner: Sender<(String, Message)>,
}

/// The one place where a client may wait: empty, or holding the first of a pair.
type WaitingRoom = Arc<Mutex<Option<Waiting>>>;

/// Serves each client on a thread of its own, so that one can wait while the next arrives.
fn run(listener: TcpListener, config: &Config) {
    let room = WaitingRoom::default();
    let (read_timeout, wait) = (config.read_timeout, config.wait);
    thread_per_client(listener, move |stream| serve_client(stream, &room, read_timeout, wait));
}

/// Reads a client's string, swaps it, sends back the partner's, and closes.
fn serve_client(mut stream: TcpStream, room: &WaitingRoom, read_timeout: Duration, wait: Duration) {
    let client = peer(&stream);
    let string = match Message::read_from(&mut stream, read_timeout) {
        Ok(string) => string,
        Err(why) => return log(&format!("{client} {why}")),
    };
    log(&format!("{client} sent \"{}\"", printable(&string.text())));
    let Some((partner, theirs)) = swap(room, &client, string, wait) else {
        return log(&format!("{client} found nobody to swap with"));
    };
    log(&format!("{client} receives \"{}\" from {partner}", printable(&theirs.text())));
    message::reply(stream, &theirs, &client);
}

/// Trades `string` for a partner's: with the client already waiting, or else
/// with the next one to come within `wait`. Returns the partner and its string.
fn swap(
    room: &WaitingRoom,
    client: &str,
    string: Message,
    wait: Duration,
) -> Option<(String, Message)> {
    todo!("trade the string with the client waiting, or wait up to `wait` for the next one")
}
