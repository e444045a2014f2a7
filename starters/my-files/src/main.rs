//! The starter of the exercises "Serve real files on disk" and "Serve each
//! file with its type": step 1's Entry, a thread per connection, with the
//! answer left to you. Check it with `cargo xtask grade files --crate
//! my-files` and `cargo xtask grade mime --crate my-files`.

// The arguments of the todo!()s are yours to use.
#![allow(unused_variables)]

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
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../step4-dispatcher/www"), value_parser = files::parse_root)]
    root: PathBuf,
}

fn main() -> ExitCode {
    let options = Options::parse();
    let listening = http1::listen(&options.web.host, options.web.port);
    serverkit::exit_code(listening.map(|listener| run(listener, options)))
}

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

/// The file that the target names under `/files/`, from inside `root` only,
/// with the type its name says; `/` and `/files` lead to `/files/`.
fn answer(root: &Path, request: &Request) -> Response {
    todo!("answer with the file that request.target names under /files/")
}
