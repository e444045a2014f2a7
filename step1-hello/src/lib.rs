//! Step 1 of the scalable web server: a thread per connection answers
//! "Hello from HTTPSocket", and shows what the browser asked for.

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use clap::Parser;
use http1::{Request, Response};
use serverkit::parse_timeout;

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
        http1::quiet();
    }
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                http1::accept_failed(error);
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
    http1::serve(stream, read_timeout, hello);
}
// ANCHOR_END: http_socket

// ANCHOR: hello
/// The page of step 1: the greeting, then the request shown back as text.
fn hello(request: &Request) -> Response {
    let page = format!(
        "<h1>Hello from HTTPSocket</h1>\n<p>You asked for:</p>\n<pre>{}</pre>",
        http1::escape(&request.head)
    );
    http1::response(200, "OK", &page)
}
// ANCHOR_END: hello
