//! Step 2 of the scalable web server: a service reached over a channel.
//!
//! The Entry loop still starts one HTTPsocket thread per connection, but that
//! thread no longer makes the page itself: it sends the target and a reply
//! channel to the HelloWorld service thread, and waits for its answer.

pub mod http;
pub mod services;

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::Sender;

use http::{Request, Response};
use services::ServiceRequest;

/// What the server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version, about = "Step 2: a HelloWorld service answers over a channel.")]
pub struct Config {
    /// Address to listen on; 0.0.0.0 lets other machines connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the system pick a free one.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Seconds a client may take to send its request.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub read_timeout: Duration,
    /// Log no requests: for load tests, where writing the log costs more than answering.
    #[arg(long)]
    pub quiet: bool,
}

// ANCHOR: entry
/// The Entry process: starts the service, then accepts connections and starts
/// an HTTPsocket thread for each, holding a writer to the service's channel.
pub fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http::quiet();
    }
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    thread::spawn(move || services::hello_world(request_reader));
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                http::accept_failed(error);
                continue;
            }
        };
        let read_timeout = config.read_timeout;
        let request_writer = request_writer.clone();
        let spawned = thread::Builder::new()
            .name("HTTPsocket".into())
            .spawn(move || http_socket(stream, request_writer, read_timeout));
        if let Err(error) = spawned {
            eprintln!("cannot start a thread: {error}");
        }
    }
}
// ANCHOR_END: entry

// ANCHOR: http_socket
/// The HTTPsocket process: answers one request on its connection, then closes it.
fn http_socket(stream: TcpStream, request_writer: Sender<ServiceRequest>, read_timeout: Duration) {
    http::serve(stream, read_timeout, |request| ask(&request_writer, request));
}
// ANCHOR_END: http_socket

// ANCHOR: ask
/// Sends the target to a service with a fresh reply channel, and waits for the answer.
fn ask(request_writer: &Sender<ServiceRequest>, request: &Request) -> Response {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    let answer = match request_writer.send((request.target.clone(), reply_writer)) {
        Ok(()) => reply_reader.recv().ok(),
        Err(_) => None,
    };
    match answer {
        Some(page) => http::response(200, "OK", &page),
        None => http::error_page(503, "No service answered."),
    }
}
// ANCHOR_END: ask

/// Reads a number of seconds such as `10` or `0.5`.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("`{text}` is not a number of seconds"))
}

/// Reads a timeout: seconds above zero, since a zero timeout would refuse every request.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = parse_seconds(text)?;
    if timeout.is_zero() {
        Err("a timeout must be more than 0 seconds".into())
    } else {
        Ok(timeout)
    }
}
