//! Reading a request from the byte stream that TCP delivers: the head up to
//! its blank line, within a size limit and before a deadline; then, for a
//! server that takes one, the body whose length the head announces.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::Instant;

use serverkit::{is_timeout, read_before};

use crate::Rules;
use crate::request::{MAX_HEAD, MAX_TARGET, Request, bad_request, parse, too_long};
use crate::response::{Response, error_page};

/// Why a connection gave us no request to hand to the handler.
pub(crate) enum Failure {
    /// Nothing to answer: the client left or never spoke. Says which, for the log.
    Silent(String),
    /// An error page for what the client sent, and its first line for the log.
    Answer(String, Response),
}

// ANCHOR: read_request
/// Reads a request as `rules` allow: the head, checked, and then its body
/// for a server that takes one. Head and body must arrive before one deadline.
pub(crate) fn read_request(stream: &mut TcpStream, rules: &Rules) -> Result<Request, Failure> {
    let deadline = Instant::now() + rules.read_timeout;
    let (head, rest) = read_head(stream, deadline)?;
    let refuse = |response| Failure::Answer(first_line(&head), response);
    let request = parse(&head).map_err(refuse)?;
    if !rules.methods.contains(&request.method.as_str()) {
        let allow = rules.methods.join(", ");
        let detail = format!("This server answers these methods only: {allow}.");
        return Err(refuse(error_page(405, &detail).with_header("Allow", allow)));
    }
    if rules.max_body == 0 {
        return Ok(Request { sent_more: !rest.is_empty(), ..request });
    }
    let length = body_length(&request, rules.max_body).map_err(refuse)?;
    let (body, sent_more) = read_body(stream, deadline, &head, rest, length)?;
    Ok(Request { body, sent_more, ..request })
}
// ANCHOR_END: read_request

// ANCHOR: read_head
/// Reads the request head: everything up to the first blank line. Returns
/// too what came after it, the start of a body or of another request.
///
/// TCP delivers a byte stream, not messages: the head may arrive in one
/// segment or in many, so we read until the blank line, the size limit, or the
/// deadline, whichever comes first.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<(Vec<u8>, Vec<u8>), Failure> {
    let mut head = Vec::new();
    let mut chunk = [0; 4096];
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
            _ => return Err(too_large(&head)),
        }
    }
}
// ANCHOR_END: read_head

/// Where the head ends: after the first empty line, which is `\r\n` or a bare `\n`.
fn end_of_head(bytes: &[u8], scan_from: usize) -> Option<usize> {
    (scan_from..bytes.len()).find_map(|at| match bytes[at..] {
        [b'\n', b'\n', ..] => Some(at + 2),
        [b'\n', b'\r', b'\n', ..] => Some(at + 3),
        _ => None,
    })
}

// ANCHOR: too_large
/// The answer to a head over the size limit: 414 when the target alone is
/// too long, 431 when the headers are.
fn too_large(head: &[u8]) -> Failure {
    let line = first_line(head);
    let target = line.split(' ').nth(1).unwrap_or_default();
    let response = if target.len() > MAX_TARGET {
        too_long()
    } else {
        error_page(431, &format!("The request head is larger than {MAX_HEAD} bytes."))
    };
    Failure::Answer(line, response)
}
// ANCHOR_END: too_large

// ANCHOR: body
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
// ANCHOR_END: body

/// An error answer built while reading, with what came of the first line for the log.
fn bad(head: &[u8], status: u16, detail: &str) -> Failure {
    Failure::Answer(first_line(head), error_page(status, detail))
}

/// The first line of what the client sent, for the log.
fn first_line(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    text.lines().next().unwrap_or_default().into()
}
