//! The starter of the exercises "Give every case its status" and "A form sent
//! with POST": a page with a form, and the page that shows what it sent.
//! Check it with `cargo xtask grade form --crate my-form` and
//! `cargo xtask grade statuses --crate my-form`.

// The arguments of the todo!()s are yours to use.
#![allow(unused_variables)]

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use clock::threads::thread_per_client;
use http1::{Request, Response, Rules, error_page};

/// What the server is told on its command line: step 1's options, and its own.
#[derive(Debug, Parser)]
#[command(version, about = "A page with a form, and the page that shows what the form sent.")]
struct Options {
    /// Where to listen, how long to wait for a request, whether to log.
    #[command(flatten)]
    web: step1_hello::Config,
    /// The largest form accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024)]
    max_body: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    let listening = http1::listen(&options.web.host, options.web.port);
    serverkit::exit_code(listening.map(|listener| run(listener, &options)))
}

/// The Entry loop of step 1: a thread per connection. Which methods does a
/// form need?
fn run(listener: TcpListener, options: &Options) {
    if options.web.quiet {
        http1::quiet();
    }
    let rules = Rules {
        read_timeout: options.web.read_timeout,
        methods: &["GET", "HEAD"],
        max_body: options.max_body,
    };
    thread_per_client(listener, move |stream| http1::serve_with(stream, &rules, answer));
}

/// What it sent for a POST, the form for a GET or HEAD; `/` is the only
/// page, and `/bug` a handler that fails.
fn answer(request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    match (path, request.method.as_str()) {
        ("/", "POST") => sent(request),
        ("/", _) => http1::response(200, "OK", FORM),
        // A handler that fails: what does its client get?
        ("/bug", _) => panic!("a handler that fails"),
        _ => error_page(404, "There is one page here: /."),
    }
}

/// The page that shows the fields of the form that `request` sent, escaped.
fn sent(request: &Request) -> Response {
    todo!("decode the fields in request.body, and show them")
}

/// The form. A browser sends its fields with POST to `/`, encoded as
/// `application/x-www-form-urlencoded`, the default for a form.
const FORM: &str = r#"<h1>Say something</h1>
<form method="post" action="/">
<p><label>Your name <input name="name"></label></p>
<p><label>Your message<br><textarea name="message" rows="4" cols="40"></textarea></label></p>
<p><button>Send</button></p>
</form>"#;
