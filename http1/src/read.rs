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

/// A request head, and what came after it: the start of a body or of another request.
type HeadAndRest = (Vec<u8>, Vec<u8>);

// ANCHOR: read_request
/// Reads a request as `rules` allow: the head, checked, and then its body
/// for a server that takes one. Head and body must arrive before one deadline.
/// `received` is what came already, after the request before on the
/// connection; what comes after this one is returned with it.
pub(crate) fn read_request(
    stream: &mut TcpStream,
    rules: &Rules,
    received: Vec<u8>,
) -> Result<(Request, Vec<u8>), Failure> {
    let deadline = Instant::now() + rules.read_timeout;
    let (head, rest) = read_head(stream, deadline, received)?;
    let request = check_head(&head, rules)?;
    if rules.max_body == 0 {
        return Ok((request, rest));
    }
    let refuse = |response| Failure::Answer(first_line(&head), response);
    let length = body_length(&request, rules.max_body).map_err(refuse)?;
    let (body, rest) = read_body(stream, deadline, &head, rest, length)?;
    Ok((Request { body, ..request }, rest))
}

/// Parses a head and checks its method against `rules`.
pub(crate) fn check_head(head: &[u8], rules: &Rules) -> Result<Request, Failure> {
    let refuse = |response| Failure::Answer(first_line(head), response);
    let request = parse(head).map_err(refuse)?;
    if !rules.methods.contains(&request.method.as_str()) {
        let allow = rules.methods.join(", ");
        let detail = format!("This server answers these methods only: {allow}.");
        return Err(refuse(error_page(405, &detail).with_header("Allow", allow)));
    }
    Ok(request)
}
// ANCHOR_END: read_request

// ANCHOR: read_head
/// Reads the request head: everything up to the first blank line, starting
/// with what was `received` already. Returns too what came after it, the
/// start of a body or of another request.
///
/// TCP delivers a byte stream, not messages: the head may arrive in one
/// segment or in many, so we read until the blank line, the size limit, or the
/// deadline, whichever comes first.
fn read_head(
    stream: &mut TcpStream,
    deadline: Instant,
    mut head: Vec<u8>,
) -> Result<HeadAndRest, Failure> {
    let mut chunk = [0; 4096];
    let mut scan_from = 0;
    loop {
        if let Some(split) = split_head(&mut head, scan_from) {
            return split;
        }
        scan_from = head.len().saturating_sub(2);
        match read_before(stream, deadline, &mut chunk) {
            Ok(0) => return Err(closed_early(&head)),
            Ok(read) => head.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) if is_timeout(&error) => return Err(timed_out(&head)),
            Err(error) => return Err(Failure::Silent(format!("read failed: {error}"))),
        }
    }
}
// ANCHOR_END: read_head

// ANCHOR: split_head
/// Splits what was received into a complete head and what came after it,
/// leaving `received` empty; `None` while the blank line has not come. Looks
/// for it from `scan_from` on, since the bytes before were looked at already.
pub(crate) fn split_head(
    received: &mut Vec<u8>,
    scan_from: usize,
) -> Option<Result<HeadAndRest, Failure>> {
    match end_of_head(received, scan_from) {
        Some(end) if end <= MAX_HEAD => {
            let rest = received.split_off(end);
            Some(Ok((std::mem::take(received), rest)))
        }
        None if received.len() <= MAX_HEAD => None,
        _ => Some(Err(too_large(received))),
    }
}

/// Why a head that the client stopped sending gets no request: silence, or a 400.
pub(crate) fn closed_early(head: &[u8]) -> Failure {
    if head.is_empty() {
        Failure::Silent("closed without a request".into())
    } else {
        bad(head, 400, "The request ended before its blank line.")
    }
}

/// Why a head that did not come in time gets no request: silence, or a 408.
pub(crate) fn timed_out(head: &[u8]) -> Failure {
    if head.is_empty() {
        Failure::Silent("sent nothing before the read timeout".into())
    } else {
        bad(head, 408, "The request took too long to arrive.")
    }
}
// ANCHOR_END: split_head

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

/// Reads the body on from `body`, what came with the head, until it is
/// `length` bytes long. Returns too what came after it.
fn read_body(
    stream: &mut TcpStream,
    deadline: Instant,
    head: &[u8],
    mut body: Vec<u8>,
    length: usize,
) -> Result<HeadAndRest, Failure> {
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
    let rest = body.split_off(length);
    Ok((body, rest))
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
