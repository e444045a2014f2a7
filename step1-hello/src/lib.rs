//! Step 1 of the scalable web server: a thread per connection.
//!
//! The Entry loop accepts connections and starts one HTTPsocket thread for
//! each. That thread reads the request and answers "Hello from HTTPSocket",
//! followed by what the browser asked for.

pub mod http;

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use clap::Parser;

use http::{Request, Response};

/// What the server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version, about = "Step 1: a thread per connection answers \"Hello from HTTPSocket\".")]
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
/// The Entry process: accepts connections and starts an HTTPsocket thread for each.
pub fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http::quiet();
    }
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                http::accept_failed(error);
                continue;
            }
        };
        let read_timeout = config.read_timeout;
        let spawned = thread::Builder::new()
            .name("HTTPsocket".into())
            .spawn(move || http_socket(stream, read_timeout));
        if let Err(error) = spawned {
            eprintln!("cannot start a thread: {error}");
        }
    }
}
// ANCHOR_END: entry

// ANCHOR: http_socket
/// The HTTPsocket process: answers one request on its connection, then closes it.
fn http_socket(stream: TcpStream, read_timeout: Duration) {
    http::serve(stream, read_timeout, hello);
}
// ANCHOR_END: http_socket

// ANCHOR: hello
/// The page of step 1: the greeting, then the request shown back as text.
fn hello(request: &Request) -> Response {
    let page = format!(
        "<h1>Hello from HTTPSocket</h1>\n<p>You asked for:</p>\n<pre>{}</pre>",
        http::escape(&request.head)
    );
    http::response(200, "OK", &page)
}
// ANCHOR_END: hello

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
