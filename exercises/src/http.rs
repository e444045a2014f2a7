//! Just enough HTTP/1.0 to serve one request per connection, safely.
//!
//! Every step carries this file, and changes it only where a lesson needs it
//! (step 4 teaches it to send files from disk), so that `diff` between two
//! steps shows only the new idea. A step decides *what* to answer; this
//! module reads the request head, writes a correct answer, logs it, and
//! closes the connection, so that a slow, oversized or garbled request costs
//! one log line: never a crash, never a stuck thread.
//!
//! This copy, for the exercises, is step 1's changed so that a form can be
//! sent with POST: it reads a body by its `Content-Length`, hands every
//! method HTTP defines to the handler, and gives 411, 413, 414, 500 and 501.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{Local, Utc};

/// The largest request head we read. Browsers send one or two KiB.
pub const MAX_HEAD: usize = 8 * 1024;

/// The longest target accepted; a longer one gets 414.
pub const MAX_TARGET: usize = 2048;

/// The methods HTTP defines (RFC 9110, and PATCH from RFC 5789). Another
/// word is a method this server does not know, and gets 501.
const KNOWN_METHODS: [&str; 9] =
    ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// How long, after answering, we read what a client still sends (see `close`).
const LINGER: Duration = Duration::from_secs(2);

/// How much of it we read at most before we close anyway.
const MAX_LINGER_BYTES: usize = 1024 * 1024;

/// Whether this module logs; `quiet` turns it off.
static LOGGING: AtomicBool = AtomicBool::new(true);

/// A request that parsed: what the browser asked for.
#[derive(Debug)]
pub struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// What is asked for, such as `/sleep.html?5`; always starts with `/`.
    pub target: String,
    /// The whole head as text, without its blank line, for pages that show it.
    pub head: String,
    /// The body: `Content-Length` bytes, none if the head gives no length.
    pub body: Vec<u8>,
    /// Whether bytes came after the body (another request), which we do not
    /// read; `close` must then take care.
    sent_more: bool,
}

/// An answer, ready to send.
#[derive(Debug)]
pub struct Response {
    /// The status code: 200, 404, …
    status: u16,
    /// The words that go with it: `OK`, `Not Found`, …
    reason: &'static str,
    /// Headers beyond `Date`, `Connection` and `Content-Length`, which every answer gets.
    headers: Vec<(&'static str, String)>,
    /// What follows the head.
    body: Vec<u8>,
}

/// Why a connection gave us no request to hand to the step.
enum Failure {
    /// Nothing to answer: the client left or never spoke. Says which, for the log.
    Silent(String),
    /// An error page for what the client sent, and its first line for the log.
    Answer(String, Response),
}

// ANCHOR: serve
/// Serves one request on `stream`, answered by `handler`, then closes it.
///
/// Every method HTTP defines reaches the handler, which answers 405 to those
/// it does not take; a handler that panics gets 500, not a dead connection.
/// The answer to HEAD is sent without its body.
pub fn serve(
    mut stream: TcpStream,
    read_timeout: Duration,
    max_body: usize,
    handler: impl FnOnce(&Request) -> Response,
) {
    let peer = stream.peer_addr().map_or("-".into(), |addr| addr.ip().to_string());
    match read_request(&mut stream, read_timeout, max_body) {
        Ok(request) => {
            let response = panic::catch_unwind(AssertUnwindSafe(|| handler(&request)))
                .unwrap_or_else(|_| error_page(500, "The server failed while answering."));
            let first_line = request.head.lines().next().unwrap_or_default();
            reply(stream, &peer, first_line, &response, Some(&request));
        }
        Err(Failure::Answer(first_line, response)) => {
            reply(stream, &peer, &first_line, &response, None)
        }
        Err(Failure::Silent(why)) => log(&peer, &why),
    }
}
// ANCHOR_END: serve

/// Sends `response` to `request` (none if it did not parse), logs it, and
/// closes the connection.
fn reply(
    mut stream: TcpStream,
    peer: &str,
    first_line: &str,
    response: &Response,
    request: Option<&Request>,
) {
    let line = printable(first_line);
    let status = response.status;
    let head_only = request.is_some_and(|request| request.method == "HEAD");
    match response.write_to(&mut stream, head_only) {
        Ok(sent) => log(peer, &format!("\"{line}\" {status} {sent}")),
        Err(error) => log(peer, &format!("\"{line}\" {status} - client went away: {error}")),
    }
    close(stream, request.is_some_and(Request::sent_all));
}

// ANCHOR: read_head
/// Reads the request head: everything up to the first blank line. Returns
/// too what came after it: the start of the body.
///
/// TCP delivers a byte stream, not messages: the head may arrive in one
/// segment or in many, so we read until the blank line, the size limit, or the
/// deadline, whichever comes first.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<(Vec<u8>, Vec<u8>), Failure> {
    let mut head = Vec::new();
    let mut chunk = [0; 1024];
    loop {
        let read = match read_before(stream, deadline, &mut chunk) {
            Ok(0) if head.is_empty() => {
                return Err(Failure::Silent("closed without a request".into()));
            }
            Ok(0) => {
                return Err(bad(&head, 400, "The request ended before its blank line."));
            }
            Ok(read) => read,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) if is_timeout(&error) && head.is_empty() => {
                return Err(Failure::Silent("sent nothing before the read timeout".into()));
            }
            Err(error) if is_timeout(&error) => {
                return Err(bad(&head, 408, "The request took too long to arrive."));
            }
            Err(error) => return Err(Failure::Silent(format!("read failed: {error}"))),
        };
        let scan_from = head.len().saturating_sub(2);
        head.extend_from_slice(&chunk[..read]);
        match end_of_head(&head, scan_from) {
            Some(end) if end <= MAX_HEAD => {
                let rest = head.split_off(end);
                return Ok((head, rest));
            }
            None if head.len() <= MAX_HEAD => {}
            _ => {
                let detail = format!("The request head is larger than {MAX_HEAD} bytes.");
                return Err(bad(&head, 431, &detail));
            }
        }
    }
}
// ANCHOR_END: read_head

/// Reads once, waiting no later than `deadline`.
fn read_before(stream: &mut TcpStream, deadline: Instant, buffer: &mut [u8]) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    stream.read(buffer)
}

/// Whether a read ended because its timeout ran out (Unix says `WouldBlock`).
fn is_timeout(error: &io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Where the head ends: after the first empty line, which is `\r\n` or a bare `\n`.
fn end_of_head(bytes: &[u8], scan_from: usize) -> Option<usize> {
    (scan_from..bytes.len()).find_map(|at| match bytes[at..] {
        [b'\n', b'\n', ..] => Some(at + 2),
        [b'\n', b'\r', b'\n', ..] => Some(at + 3),
        _ => None,
    })
}

/// Reads a request head, checks that it is HTTP/1.x, then reads its body:
/// head and body before one deadline.
fn read_request(
    stream: &mut TcpStream,
    read_timeout: Duration,
    max_body: usize,
) -> Result<Request, Failure> {
    let deadline = Instant::now() + read_timeout;
    let (head, start) = read_head(stream, deadline)?;
    let refuse = |response| Failure::Answer(first_line(&head), response);
    let request = parse(&head).map_err(refuse)?;
    let length = body_length(&request, max_body).map_err(refuse)?;
    let (body, sent_more) = read_body(stream, deadline, &head, start, length)?;
    Ok(Request { body, sent_more, ..request })
}

/// How long the body is, from `Content-Length`, which a POST, PUT or PATCH
/// must send; an error is the answer to send instead.
fn body_length(request: &Request, max_body: usize) -> Result<usize, Response> {
    if request.headers("Transfer-Encoding").next().is_some() {
        return Err(error_page(501, "This server reads a body by its Content-Length only."));
    }
    let mut lengths = request.headers("Content-Length");
    match (lengths.next(), lengths.next()) {
        (None, _) if matches!(request.method.as_str(), "POST" | "PUT" | "PATCH") => {
            Err(error_page(411, "A body must come with its Content-Length."))
        }
        (None, _) => Ok(0),
        (Some(length), None)
            if !length.is_empty() && length.bytes().all(|byte| byte.is_ascii_digit()) =>
        {
            match length.parse() {
                Ok(length) if length <= max_body => Ok(length),
                _ => Err(error_page(413, &format!("The body is larger than {max_body} bytes."))),
            }
        }
        _ => Err(bad_request("Content-Length is not one number.")),
    }
}

/// Reads the body on from `start`, what came with the head, until it is
/// `length` bytes long. Says too whether more came after it.
fn read_body(
    stream: &mut TcpStream,
    deadline: Instant,
    head: &[u8],
    mut body: Vec<u8>,
    length: usize,
) -> Result<(Vec<u8>, bool), Failure> {
    let mut chunk = [0; 4096];
    while body.len() < length {
        match read_before(stream, deadline, &mut chunk) {
            Ok(0) => return Err(bad(head, 400, "The body ended before Content-Length bytes.")),
            Ok(read) => body.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) if is_timeout(&error) => {
                return Err(bad(head, 408, "The body took too long to arrive."));
            }
            Err(error) => return Err(Failure::Silent(format!("read failed: {error}"))),
        }
    }
    let sent_more = body.len() > length;
    body.truncate(length);
    Ok((body, sent_more))
}

// ANCHOR: parse
/// Parses a head: `METHOD TARGET HTTP/1.x`, then `Name: value` lines. An
/// error is the answer to send instead.
pub fn parse(head: &[u8]) -> Result<Request, Response> {
    let text = String::from_utf8_lossy(head);
    // A client may send an empty line before the request line (RFC 9112, 2.2).
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let request_line = lines.first().copied().unwrap_or_default();
    if !request_line.bytes().all(|byte| byte.is_ascii_graphic() || byte == b' ') {
        return Err(bad_request("The request line holds bytes that do not belong there."));
    }
    let [method, target, version] = request_line.split(' ').collect::<Vec<_>>()[..] else {
        return Err(bad_request("The request line is not METHOD TARGET VERSION."));
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(bad_request("The method is not a word."));
    }
    let target = origin_form(target).ok_or_else(|| bad_request("The target is not a path."))?;
    check_version(version)?;
    for header in lines.iter().skip(1) {
        let name = header.split_once(':').map_or("", |(name, _)| name);
        if name.is_empty()
            || !name.bytes().all(is_token_byte)
            || header.chars().any(is_forbidden_in_header)
        {
            return Err(bad_request("A header line is not Name: value."));
        }
    }
    if !KNOWN_METHODS.contains(&method) {
        return Err(error_page(501, "This server does not know that method."));
    }
    if target.len() > MAX_TARGET {
        return Err(error_page(414, &format!("The target is longer than {MAX_TARGET} bytes.")));
    }
    let head = lines.join("\n");
    Ok(Request { method: method.into(), target, head, body: Vec::new(), sent_more: false })
}
// ANCHOR_END: parse

impl Request {
    /// The values of the header `name`, whatever its case, in the order sent.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.head.lines().skip(1).filter_map(move |line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// The target as a path: `/x` stays, `http://host/x` becomes `/x`.
fn origin_form(target: &str) -> Option<String> {
    if target.starts_with('/') {
        return Some(target.into());
    }
    let (scheme, rest) = target.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    Some(rest.find('/').map_or("/".into(), |path| rest[path..].into()))
}

/// Accepts HTTP/1.0 and HTTP/1.1; another well-formed version gets 505.
fn check_version(version: &str) -> Result<(), Response> {
    let number = version.strip_prefix("HTTP/").unwrap_or_default().as_bytes();
    match number {
        [b'1', b'.', b'0' | b'1'] => Ok(()),
        [major, b'.', minor] if major.is_ascii_digit() && minor.is_ascii_digit() => {
            Err(error_page(505, "This server speaks HTTP/1.0 and HTTP/1.1."))
        }
        _ => Err(bad_request("The version is not HTTP/1.0 or HTTP/1.1.")),
    }
}

/// The bytes allowed in a method or a header name (RFC 9110 calls them `tchar`).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Control characters, which have no place in a header; a tab does.
fn is_forbidden_in_header(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// An error answer built while reading, with what came of the first line for the log.
fn bad(head: &[u8], status: u16, detail: &str) -> Failure {
    Failure::Answer(first_line(head), error_page(status, detail))
}

/// A 400 page saying what was wrong.
fn bad_request(detail: &str) -> Response {
    error_page(400, detail)
}

/// The first line of what the client sent, for the log.
fn first_line(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    text.lines().next().unwrap_or_default().into()
}

// ANCHOR: response
/// An HTML page with its status, in the spirit of python-csp's `response(code, reason, page)`.
pub fn response(status: u16, reason: &'static str, page: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{status} {reason}</title>\n</head>\n\
         <body>\n{page}\n<hr>\n<p>Date: {}</p>\n</body>\n</html>\n",
        Local::now().format("%a %b %e %H:%M:%S %Y"),
    );
    Response {
        status,
        reason,
        headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
        body: html.into_bytes(),
    }
}

/// A page for an error: its status as a heading, and what went wrong.
pub fn error_page(status: u16, detail: &str) -> Response {
    let reason = reason(status);
    response(status, reason, &format!("<h1>{status} {reason}</h1>\n<p>{}</p>", escape(detail)))
}

/// The words that go with the error statuses this workspace sends.
fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}
// ANCHOR_END: response

impl Response {
    /// Adds a header, such as `Allow` on a 405.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    // ANCHOR: write_to
    /// Writes the answer in one piece and says how many bytes that was.
    fn write_to(&self, out: &mut impl Write, head_only: bool) -> io::Result<usize> {
        let date = Utc::now().format("%a, %d %b %Y %H:%M:%S GMT");
        let mut head = format!(
            "HTTP/1.0 {} {}\r\nDate: {date}\r\nConnection: close\r\n",
            self.status, self.reason
        );
        for (name, value) in &self.headers {
            head += &format!("{name}: {value}\r\n");
        }
        head += &format!("Content-Length: {}\r\n\r\n", self.body.len());
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        out.write_all(&bytes)?;
        Ok(bytes.len())
    }
    // ANCHOR_END: write_to
}

// ANCHOR: escape
/// Makes text safe to put in a page: `<script>` shows as text, not as markup.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
// ANCHOR_END: escape

// ANCHOR: close
impl Request {
    /// Whether the client has sent all it will: its body, read whole, and
    /// nothing after it.
    fn sent_all(&self) -> bool {
        !self.sent_more
    }
}

/// Closes the connection without destroying the answer.
///
/// Closing a socket that still holds unread input makes the kernel reset the
/// connection, and a reset can throw away the answer before the client reads
/// it. When the client has sent all it will, nothing is left unread and the
/// socket simply closes. Otherwise we end our side first, then read and drop
/// whatever the client still sends (a body we ignored, the rest of an
/// oversized head) until it closes, for a bounded time and number of bytes.
fn close(mut stream: TcpStream, sent_all: bool) {
    if sent_all || stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER;
    let mut unread = [0; 4096];
    let mut drained = 0;
    while drained < MAX_LINGER_BYTES {
        match read_before(&mut stream, deadline, &mut unread) {
            Ok(0) | Err(_) => return,
            Ok(read) => drained += read,
        }
    }
}
// ANCHOR_END: close

// ANCHOR: log
/// Logs an accept that failed, then pauses, since the cause (say, no file
/// descriptors left) rarely clears at once and retrying at full speed would spin.
pub fn accept_failed(error: io::Error) {
    log("-", &format!("accept failed: {error}"));
    thread::sleep(Duration::from_millis(100));
}

/// Logs nothing from now on: for load tests, where writing the log would
/// cost more than answering.
pub fn quiet() {
    LOGGING.store(false, Ordering::Relaxed);
}

/// Writes one line to stderr in the common log format of Python's http.server.
/// The line is made first and written whole: one system call, where
/// `eprintln!` makes one for each piece of its format.
fn log(peer: &str, what: &str) {
    if !LOGGING.load(Ordering::Relaxed) {
        return;
    }
    let line = format!("{peer} - - [{}] {what}\n", Local::now().format("%d/%b/%Y %H:%M:%S"));
    let _ = io::stderr().write_all(line.as_bytes());
}

/// Text from the network made safe for a log line: control characters escaped, length capped.
fn printable(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut chars = text.escape_debug();
    let shown: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() { shown + "…" } else { shown }
}
// ANCHOR_END: log
