//! Step 4 of the scalable web server: a dispatcher routes requests by path.
//!
//! The services no longer share one channel. Each registers a channel of its
//! own with the Dispatcher, for the paths it serves. The HTTPsocket threads
//! send every request to the Dispatcher, which hands it to an idle instance
//! of the service for its path, or answers 404.

pub mod dispatcher;
pub mod files;
pub mod http;
pub mod services;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::Sender;

use dispatcher::Registration;
use http::{Request, Response};
use services::ServiceRequest;

/// How many Index services the server starts.
const INDEXES: usize = 2;

/// How many Time services the server starts.
const TIMES: usize = 2;

/// What the server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version, about = "Step 4: a dispatcher routes requests by path to registered services.")]
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
    /// How many Sleep services serve /sleep.html.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub sleepers: usize,
    /// Seconds a Sleep service sleeps when /sleep.html has no query.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_seconds)]
    pub sleep: Duration,
    /// The directory whose files are served under /files/.
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/www"), value_parser = parse_directory)]
    pub root: PathBuf,
}

// ANCHOR: entry
/// The Entry process: starts the Dispatcher and the services, then accepts
/// connections and starts an HTTPsocket thread for each, holding a writer to
/// the Dispatcher's channel.
pub fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http::quiet();
    }
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    let (register_writer, register_reader) = crossbeam_channel::bounded(0);
    thread::spawn(move || dispatcher::dispatcher(register_reader, request_reader));
    start_services(&config, register_writer);
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

// ANCHOR: start_services
/// Starts every service. Each registers itself with the Dispatcher before its
/// thread starts, so no request arrives before its service is known.
fn start_services(config: &Config, register: Sender<Registration>) {
    for id in 0..config.sleepers {
        thread::spawn(services::sleep(id, config.sleep, &register));
    }
    for id in 0..INDEXES {
        thread::spawn(services::index(id, &register));
    }
    for id in 0..TIMES {
        thread::spawn(services::time(id, &register));
    }
    thread::spawn(services::hello_world(&register));
    thread::spawn(services::files(config.root.clone(), &register));
}
// ANCHOR_END: start_services

// ANCHOR: http_socket
/// The HTTPsocket process: answers one request on its connection, then closes it.
fn http_socket(stream: TcpStream, request_writer: Sender<ServiceRequest>, read_timeout: Duration) {
    http::serve(stream, read_timeout, |request| ask(&request_writer, request));
}
// ANCHOR_END: http_socket

// ANCHOR: ask
/// Sends the target to the Dispatcher with a fresh reply channel, and waits for the answer.
fn ask(request_writer: &Sender<ServiceRequest>, request: &Request) -> Response {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    let answer = match request_writer.send((request.target.clone(), reply_writer)) {
        Ok(()) => reply_reader.recv().ok(),
        Err(_) => None,
    };
    answer.unwrap_or_else(|| http::error_page(503, "No service answered."))
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

/// Reads a directory, as a canonical path: the file service compares paths
/// against it to refuse any that lead out.
fn parse_directory(text: &str) -> Result<PathBuf, String> {
    let directory =
        PathBuf::from(text).canonicalize().map_err(|error| format!("{text}: {error}"))?;
    if directory.is_dir() { Ok(directory) } else { Err(format!("{text} is not a directory")) }
}
