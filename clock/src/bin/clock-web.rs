//! The lecture's web server, Python's `BaseHTTPServer` example: `GET /` gets
//! the "hello client" page, any other path "PATH not found" with status 404.
//! The HTTP itself is the workspace's library, `http1`.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use http1::{Request, Response};

use clock::cli::{self, WebListen, parse_timeout};
use clock::threads::thread_per_client;

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The lecture's web server: a hello page on /, 404 elsewhere.")]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: WebListen,
    /// Seconds a client may take to send its request.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// Log no requests: for load tests, where writing the log costs more than answering.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let config = Config::parse();
    cli::exit_code(config.listen.bind().map(|listener| run(listener, &config)))
}

// ANCHOR: run
/// Serves each connection on a thread of its own, as Python's `ThreadingHTTPServer` does.
fn run(listener: TcpListener, config: &Config) {
    if config.quiet {
        http1::quiet();
    }
    let read_timeout = config.read_timeout;
    thread_per_client(listener, move |stream| http1::serve(stream, read_timeout, do_get));
}

/// What the server answers to a GET: the page on `/`, "not found" on every other path.
fn do_get(request: &Request) -> Response {
    if request.target == "/" {
        http1::response(200, "OK", "<h1 style=\"text-align: center\">hello client</h1>")
    } else {
        http1::error_page(404, &format!("{} not found", request.target))
    }
}
// ANCHOR_END: run
