//! The exercises "More status codes" and "A form sent with POST": a page
//! with an HTML form, and the page that shows what was sent with it.
//!
//! Step 1's shape, a thread per connection. `http1` reads the body of a POST
//! when the server says it takes one; a handler that fails gets 500.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use clock::threads::thread_per_client;
use exercises::{form, or_500};
use http1::{Request, Response, Rules, error_page, escape};

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

// ANCHOR: run
/// The Entry loop of step 1: a thread per connection, which takes a form by POST.
fn run(listener: TcpListener, options: &Options) {
    if options.web.quiet {
        http1::quiet();
    }
    let rules = Rules {
        read_timeout: options.web.read_timeout,
        methods: &["GET", "HEAD", "POST"],
        max_body: options.max_body,
    };
    thread_per_client(listener, move |stream| http1::serve_with(stream, &rules, or_500(answer)));
}
// ANCHOR_END: run

// ANCHOR: answer
/// What it sent for a POST, the form for a GET or HEAD; `/` is the only
/// page, and `/bug` a handler that fails.
fn answer(request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    match (path, request.method.as_str()) {
        ("/", "POST") => sent(request),
        ("/", _) => http1::response(200, "OK", FORM),
        // The failing handler of "Give every case its status", on purpose.
        ("/bug", _) => panic!("a handler that fails"),
        _ => error_page(404, "There is one page here: /."),
    }
}

/// The page that shows the fields of a form, escaped.
fn sent(request: &Request) -> Response {
    let kind = request.headers("Content-Type").next().unwrap_or_default();
    let kind = kind.split(';').next().unwrap_or_default().trim();
    if !kind.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return error_page(415, "A form comes as application/x-www-form-urlencoded.");
    }
    let fields = match form::decode(&request.body) {
        Ok(fields) => fields,
        Err(detail) => return error_page(400, detail),
    };
    let rows: String = fields
        .iter()
        .map(|(name, value)| {
            format!("<tr><th>{}</th><td>{}</td></tr>\n", escape(name), escape(value))
        })
        .collect();
    let table = format!("<table style=\"white-space: pre-wrap\">\n{rows}</table>");
    let page = format!("<h1>You sent</h1>\n{table}\n<p><a href=\"/\">Send more</a></p>");
    http1::response(200, "OK", &page)
}
// ANCHOR_END: answer

// ANCHOR: form
/// The form. A browser sends its fields with POST to `/`, encoded as
/// `application/x-www-form-urlencoded`, the default for a form.
const FORM: &str = r#"<h1>Say something</h1>
<form method="post" action="/">
<p><label>Your name <input name="name"></label></p>
<p><label>Your message<br><textarea name="message" rows="4" cols="40"></textarea></label></p>
<p><button>Send</button></p>
</form>"#;
// ANCHOR_END: form
