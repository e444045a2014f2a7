//! The exercises "Serve real files" and "Serve each file with its type":
//! python-csp's basic web server, which answers every GET with the same page,
//! made to answer with the files of a directory.
//!
//! It keeps step 1's shape, a thread per connection, and answers with
//! `http1::files`, which keeps every answer inside the directory and takes
//! each file's type from its name.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use clock::threads::thread_per_client;
use http1::files;
use http1::{Request, Response};

/// What the server is told on its command line: step 1's options, and its own.
#[derive(Debug, Parser)]
#[command(version, about = "Serves the files of a directory, a thread per connection.")]
struct Options {
    /// Where to listen, how long to wait for a request, whether to log.
    #[command(flatten)]
    web: step1_hello::Config,
    /// The directory whose files are served under /files/.
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../step4-dispatcher/www"), value_parser = files::parse_root)]
    root: PathBuf,
}

fn main() -> ExitCode {
    let options = Options::parse();
    let listening = http1::listen(&options.web.host, options.web.port);
    serverkit::exit_code(listening.map(|listener| run(listener, options)))
}

// ANCHOR: run
/// The Entry loop of step 1: a thread per connection, each answering from the files.
fn run(listener: TcpListener, options: Options) {
    if options.web.quiet {
        http1::quiet();
    }
    let root = Arc::new(options.root);
    let read_timeout = options.web.read_timeout;
    thread_per_client(listener, move |stream| {
        http1::serve(stream, read_timeout, |request| answer(&root, request));
    });
}

/// The file the target names, under `/files/`; `/` and `/files` lead there.
fn answer(root: &Path, request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    if path.starts_with(files::PREFIX) {
        return files::answer(root, path);
    }
    if path == "/" || path == "/files" {
        let page = format!("<p>The files are at <a href=\"{0}\">{0}</a></p>", files::PREFIX);
        return http1::response(301, "Moved Permanently", &page)
            .with_header("Location", files::PREFIX);
    }
    http1::error_page(404, "Files are served under /files/.")
}
// ANCHOR_END: run
