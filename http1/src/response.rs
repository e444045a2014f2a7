//! Answers: a page made in memory or a file from disk, behind a correct
//! HTTP/1.0 or HTTP/1.1 head.

use std::fs::File;
use std::io::{self, Read, Write};

use chrono::{DateTime, Utc};

use crate::log::{EverySecond, local_now};

// ANCHOR: dates
/// The date a page ends with, in local time.
static PAGE_DATE: EverySecond =
    EverySecond::new(|_| local_now().format("%a %b %e %H:%M:%S %Y").to_string());

/// The `Date` header of an answer.
static DATE_HEADER: EverySecond = EverySecond::new(http_date);
// ANCHOR_END: dates

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
    body: Body,
}

/// What an answer's head says of the connection it goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Persistence {
    /// HTTP/1.0, one request per connection, as steps 1 to 5 speak.
    OneRequest,
    /// HTTP/1.1, and the connection stays open for the next request.
    KeepAlive,
    /// HTTP/1.1, the last answer on this connection.
    Last,
}

/// What follows the head of an answer.
#[derive(Debug)]
enum Body {
    /// A page made in memory.
    Bytes(Vec<u8>),
    /// An open file and its length, sent as it is read, so that a large file
    /// never sits in memory.
    File(File, u64),
}

// ANCHOR: response
/// An HTML page with its status, in the spirit of python-csp's `response(code, reason, page)`.
///
/// The page ends with the time it was made, so it is never the same twice:
/// `Cache-Control: no-store` tells the browser to ask again, not to keep it.
pub fn response(status: u16, reason: &'static str, page: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{status} {reason}</title>\n</head>\n\
         <body>\n{page}\n<hr>\n<p>Date: {}</p>\n</body>\n</html>\n",
        PAGE_DATE.now(),
    );
    Response {
        status,
        reason,
        headers: vec![
            ("Content-Type", "text/html; charset=utf-8".into()),
            ("Cache-Control", "no-store".into()),
        ],
        body: Body::Bytes(html.into_bytes()),
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
        403 => "Forbidden",
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

// ANCHOR: file
/// A file from disk, with its type, to be sent as it is read. Its
/// `Last-Modified` lets a browser tell whether the copy it keeps is current.
pub fn file(file: File, content_type: &'static str) -> io::Result<Response> {
    let metadata = file.metadata()?;
    let modified = http_date(metadata.modified()?.into());
    Ok(Response {
        status: 200,
        reason: "OK",
        headers: vec![("Content-Type", content_type.into()), ("Last-Modified", modified)],
        body: Body::File(file, metadata.len()),
    })
}
// ANCHOR_END: file

impl Response {
    /// Adds a header, such as `Allow` on a 405.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    // ANCHOR: write_to
    /// Writes the answer and says how many bytes that was: a page in one
    /// piece, a file as it is read from disk.
    pub(crate) fn write_to(
        self,
        out: &mut impl Write,
        head_only: bool,
        connection: Persistence,
    ) -> io::Result<u64> {
        let (bytes, file) = self.into_bytes(head_only, connection);
        out.write_all(&bytes)?;
        match file {
            Some((file, length)) => Ok(bytes.len() as u64 + io::copy(&mut file.take(length), out)?),
            None => Ok(bytes.len() as u64),
        }
    }

    /// The bytes to send: the head, then the page, unless `head_only`. A
    /// file comes apart, with its length, to be copied as it is read.
    pub(crate) fn into_bytes(
        self,
        head_only: bool,
        connection: Persistence,
    ) -> (Vec<u8>, Option<(File, u64)>) {
        let (version, connection) = match connection {
            Persistence::OneRequest => ("HTTP/1.0", "close"),
            Persistence::KeepAlive => ("HTTP/1.1", "keep-alive"),
            Persistence::Last => ("HTTP/1.1", "close"),
        };
        let mut head = format!(
            "{version} {} {}\r\nDate: {}\r\nConnection: {connection}\r\n",
            self.status,
            self.reason,
            DATE_HEADER.now()
        );
        for (name, value) in &self.headers {
            head += &format!("{name}: {value}\r\n");
        }
        let length = match &self.body {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File(_, length) => *length,
        };
        head += &format!("Content-Length: {length}\r\n\r\n");
        let mut bytes = head.into_bytes();
        match self.body {
            Body::Bytes(body) if !head_only => bytes.extend_from_slice(&body),
            Body::File(file, length) if !head_only => return (bytes, Some((file, length))),
            _ => {}
        }
        (bytes, None)
    }
    // ANCHOR_END: write_to
}

/// A time in the one format HTTP allows: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
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
