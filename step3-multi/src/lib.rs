//! Step 3 of the scalable web server: several Sleep services read one
//! channel, and while asleep take no requests.

pub mod services;

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender};
use http1::{Request, Response};
use serverkit::{parse_seconds, parse_timeout};

use services::ServiceRequest;

/// What the server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version, about = "Step 3: several Sleep services read one channel.")]
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
    /// How many Sleep services to start.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub sleepers: usize,
    /// Seconds a Sleep service sleeps when the target has no query, such as `?2`.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_seconds)]
    pub sleep: Duration,
}

// ANCHOR: entry
/// The Entry process: starts the services, then accepts connections and
/// starts an HTTPsocket thread for each, holding a writer to the request channel.
pub fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http1::quiet();
    }
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    start_services(&config, request_reader);
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                http1::accept_failed(error);
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

// ANCHOR: start_services
/// Starts the Sleep services, each with a reader of the request channel. Only
/// they keep one: with none, a request gets 503 at once instead of waiting forever.
fn start_services(config: &Config, requests: Receiver<ServiceRequest>) {
    for id in 0..config.sleepers {
        thread::spawn(services::sleep(id, config.sleep, requests.clone()));
    }
}
// ANCHOR_END: start_services

// ANCHOR: http_socket
/// The HTTPsocket process: answers one request on its connection, then closes it.
fn http_socket(stream: TcpStream, request_writer: Sender<ServiceRequest>, read_timeout: Duration) {
    http1::serve(stream, read_timeout, |request| ask(&request_writer, request));
}
// ANCHOR_END: http_socket

// ANCHOR: ask
/// Sends the target on with a fresh reply channel, and waits for the answer.
fn ask(request_writer: &Sender<ServiceRequest>, request: &Request) -> Response {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    let answer = match request_writer.send((request.target.clone(), reply_writer)) {
        Ok(()) => reply_reader.recv().ok(),
        Err(_) => None,
    };
    answer.unwrap_or_else(|| http1::error_page(503, "No service answered."))
}
// ANCHOR_END: ask
