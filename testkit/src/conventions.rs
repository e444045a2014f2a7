//! The conventions every HTTP server of the workspace follows, as checks that
//! every web suite runs first ([`CHECKS`]).

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use crate::checks;
use crate::suites::Check;
use crate::{Reply, Server};

/// A server binary under test, and how to get a plain 200 from it.
pub struct Step {
    /// The binary, from `env!("CARGO_BIN_EXE_…")`.
    pub binary: &'static str,
    /// Flags every test passes, such as a short sleep.
    pub args: &'static [&'static str],
    /// A path this step answers with 200.
    pub ok_path: &'static str,
}

impl Step {
    /// Starts the step with its own flags and `extra`.
    pub fn start(&self, extra: &[&str]) -> Server {
        let args: Vec<&str> = self.args.iter().chain(extra).copied().collect();
        Server::start(self.binary, &args)
    }
}

/// The conventions, as checks: every web suite starts with them.
pub const CHECKS: &[Check] = checks!(Step:
    answers_with_correct_http,
    head_gets_the_head_only,
    request_in_pieces_gets_the_same_answer,
    absolute_target_is_understood,
    known_methods_get_405_with_allow_and_unknown_ones_501,
    http_1_1_needs_exactly_one_host,
    a_later_http_1_minor_version_is_served_as_1_1,
    a_target_over_the_limit_gets_414,
    a_page_says_how_it_may_be_cached,
    oversized_head_gets_431_and_the_next_client_is_served,
    silent_client_does_not_stall_others,
    empty_line_before_the_request_is_ignored,
    malformed_requests_get_400,
    unknown_version_gets_505,
    slow_head_gets_408,
    zero_read_timeout_is_refused,
    vanished_client_is_logged_and_forgotten,
    requests_are_logged_in_common_log_format,
    quiet_logs_nothing,
);

/// A GET answers 200 with a correct head: CRLF line ends, the length of the
/// body, its type, the date, and what becomes of the connection: an
/// HTTP/1.0 answer says `Connection: close`, an HTTP/1.1 one may keep it alive.
pub fn answers_with_correct_http(step: &Step) {
    let server = step.start(&[]);
    let reply = server.get(step.ok_path);
    let version = reply.head.get(..9).unwrap_or_default();
    assert!(
        reply.head.get(9..).is_some_and(|rest| rest.starts_with("200 OK\r\n")),
        "{}",
        reply.head
    );
    let head = &reply.raw[..reply.head.len()];
    for (at, _) in head.iter().enumerate().filter(|(_, byte)| **byte == b'\n') {
        assert_eq!(head[at - 1], b'\r', "a bare LF in {:?}", reply.head);
    }
    assert_eq!(reply.header("Content-Length"), Some(reply.body.len().to_string().as_str()));
    assert!(reply.header("Content-Type").is_some_and(|kind| kind.starts_with("text/html")));
    assert!(reply.header("Date").is_some_and(|date| date.ends_with(" GMT")), "{}", reply.head);
    let connection = reply.header("Connection");
    match version {
        "HTTP/1.0 " => assert_eq!(connection, Some("close")),
        "HTTP/1.1 " => {
            assert!(matches!(connection, Some("close" | "keep-alive")), "{connection:?}")
        }
        _ => panic!("not HTTP/1.0 nor HTTP/1.1: {}", reply.head),
    }
}

/// HEAD gets the same head, with a length, and no body.
pub fn head_gets_the_head_only(step: &Step) {
    let server = step.start(&[]);
    let reply = server.exchange(format!("HEAD {} HTTP/1.0\r\n\r\n", step.ok_path).as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.head);
    assert!(reply.header("Content-Length").is_some_and(|length| length != "0"));
    assert!(reply.body.is_empty(), "HEAD got a body: {}", reply.text());
}

/// TCP may deliver a request in several segments; the answer must not change.
pub fn request_in_pieces_gets_the_same_answer(step: &Step) {
    let server = step.start(&[]);
    let line = format!("GET {} HT", step.ok_path);
    let pieces: [&[u8]; 3] = [line.as_bytes(), b"TP/1.1\r\nHost: 127.0.0.1\r\n", b"\r\n"];
    let reply = server.exchange_in_pieces(&pieces, Duration::from_millis(150));
    assert_eq!(reply.status, 200, "{}", reply.head);
}

/// A target in absolute form (`GET http://host/path`) means the same as its path.
pub fn absolute_target_is_understood(step: &Step) {
    let server = step.start(&[]);
    let request =
        format!("GET http://{0}{1} HTTP/1.1\r\nHost: {0}\r\n\r\n", server.addr, step.ok_path);
    assert_eq!(server.exchange(request.as_bytes()).status, 200);
}

/// A method HTTP defines but the server does not answer gets 405 and the
/// `Allow` header; a word HTTP does not define as a method gets 501 (RFC 9110, 15.6.2).
pub fn known_methods_get_405_with_allow_and_unknown_ones_501(step: &Step) {
    let server = step.start(&[]);
    for request in ["DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", "TRACE / HTTP/1.0\r\n\r\n"] {
        let reply = server.exchange(request.as_bytes());
        assert_eq!(reply.status, 405, "{request:?} got {}", reply.head);
        let allow = reply.header("Allow").unwrap_or_default();
        assert!(allow.starts_with("GET, HEAD"), "{request:?}: Allow: {allow}");
    }
    for request in ["BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", "get / HTTP/1.0\r\n\r\n"] {
        let reply = server.exchange(request.as_bytes());
        assert_eq!(reply.status, 501, "{request:?} got {}", reply.head);
        assert!(reply.text().contains("501 Not Implemented"));
    }
}

/// An HTTP/1.1 request names its `Host` exactly once (RFC 9112, 3.2); an
/// HTTP/1.0 request may leave it out.
pub fn http_1_1_needs_exactly_one_host(step: &Step) {
    let server = step.start(&[]);
    let path = step.ok_path;
    for request in [
        format!("GET {path} HTTP/1.1\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nHost: a b\r\n\r\n"),
        format!("GET {path} HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"),
    ] {
        let reply = server.exchange(request.as_bytes());
        assert_eq!(reply.status, 400, "{request:?} got {}", reply.head);
    }
    assert_eq!(server.exchange(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes()).status, 200);
}

/// HTTP/1.2 would be a version of 1.x that we do not know; a server answers
/// it as the highest 1.x it speaks (RFC 9110, 2.5).
pub fn a_later_http_1_minor_version_is_served_as_1_1(step: &Step) {
    let server = step.start(&[]);
    let reply =
        server.exchange(format!("GET {} HTTP/1.2\r\nHost: x\r\n\r\n", step.ok_path).as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.head);
}

/// A target of [`MAX_TARGET`](http1::MAX_TARGET) bytes is read (and
/// answered as the server answers that path); one byte more gets 414, and so
/// does one far over the head's size limit, while the client still sends it.
pub fn a_target_over_the_limit_gets_414(step: &Step) {
    let server = step.start(&[]);
    let under = step.ok_path.trim_end_matches('/');
    let longest = format!("{under}/{}", "a".repeat(http1::MAX_TARGET - under.len() - 1));
    let reply = server.get(&longest);
    assert!(!matches!(reply.status, 400 | 414 | 431), "{}", reply.head);
    let reply = server.get(&format!("{longest}a"));
    assert_eq!(reply.status, 414, "{}", reply.head);
    assert!(reply.text().contains("414 URI Too Long"));
    let start = format!("GET /{}", "a".repeat(16 * 1024));
    let rest = format!("{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(48 * 1024));
    let reply =
        server.exchange_in_pieces(&[start.as_bytes(), rest.as_bytes()], Duration::from_millis(200));
    assert_eq!(reply.status, 414, "{}", reply.head);
}

/// A page made for the request (it ends with the time) says `no-store`, so
/// that a browser asks again; a file says when it last changed.
pub fn a_page_says_how_it_may_be_cached(step: &Step) {
    let server = step.start(&[]);
    let reply = server.get(step.ok_path);
    let made = reply.header("Cache-Control") == Some("no-store");
    let file = reply.header("Last-Modified").is_some_and(|date| date.ends_with(" GMT"));
    assert!(made != file, "{}", reply.head);
}

/// A 64 KiB header is refused with 431, even while the client is still sending
/// it, and the server goes on serving.
pub fn oversized_head_gets_431_and_the_next_client_is_served(step: &Step) {
    let server = step.start(&[]);
    let start = format!("GET / HTTP/1.1\r\nX-Big: {}", "x".repeat(16 * 1024));
    let rest = format!("{}\r\n\r\n", "x".repeat(48 * 1024));
    let reply =
        server.exchange_in_pieces(&[start.as_bytes(), rest.as_bytes()], Duration::from_millis(200));
    assert_eq!(reply.status, 431, "{}", reply.head);
    assert_eq!(server.get(step.ok_path).status, 200);
}

/// A client that connects and sends nothing must not stop others from being served.
pub fn silent_client_does_not_stall_others(step: &Step) {
    let server = step.start(&[]);
    let _silent = server.connect();
    thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    assert_eq!(server.get(step.ok_path).status, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
}

/// An empty line before the request line is skipped, as RFC 9112 (2.2) asks.
pub fn empty_line_before_the_request_is_ignored(step: &Step) {
    let server = step.start(&[]);
    let reply = server.exchange(format!("\r\nGET {} HTTP/1.0\r\n\r\n", step.ok_path).as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.head);
}

/// Requests that are not HTTP get 400 and a page, and the server carries on.
pub fn malformed_requests_get_400(step: &Step) {
    let server = step.start(&[]);
    for request in [
        &b"hello\r\n\r\n"[..],
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET  / HTTP/1.1\r\n\r\n",
        b"GET /\0 HTTP/1.1\r\n\r\n",
        b"GET /\xff HTTP/1.1\r\n\r\n",
        b"GET index.html HTTP/1.1\r\n\r\n",
        b"GET / FTP/1.0\r\n\r\n",
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"GET / HTTP/1.1\r\n folded: header\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ] {
        let reply = server.exchange(request);
        assert_eq!(reply.status, 400, "{:?} got {}", String::from_utf8_lossy(request), reply.head);
        assert!(reply.text().contains("400 Bad Request"));
    }
    assert_eq!(server.get(step.ok_path).status, 200);
}

/// A well-formed version other than 1.x gets 505.
pub fn unknown_version_gets_505(step: &Step) {
    let server = step.start(&[]);
    assert_eq!(server.exchange(b"GET / HTTP/2.0\r\n\r\n").status, 505);
}

/// A head that stops half way gets 408 once the read timeout runs out.
pub fn slow_head_gets_408(step: &Step) {
    let server = step.start(&["--read-timeout", "0.5"]);
    let started = Instant::now();
    let reply = server.exchange(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    assert_eq!(reply.status, 408, "{}", reply.head);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(5),
        "waited {waited:?}"
    );
}

/// `--read-timeout 0` would refuse every request, so the server refuses to start with it.
pub fn zero_read_timeout_is_refused(step: &Step) {
    let out = std::process::Command::new(step.binary)
        .args(["--port", "0", "--read-timeout", "0"])
        .output()
        .expect("run the server");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a timeout must be more than 0 seconds"), "{stderr}");
}

/// A client that sends a request and leaves at once costs a log line, nothing more.
pub fn vanished_client_is_logged_and_forgotten(step: &Step) {
    let server = step.start(&[]);
    drop(server.connect());
    // Two, so that a service that stops after three requests, as step 2's
    // exercise asks, still answers the third.
    for _ in 0..2 {
        let mut stream = server.connect();
        stream.write_all(format!("GET {} HTTP/1.0\r\n\r\n", step.ok_path).as_bytes()).unwrap();
    }
    assert_eq!(server.get(step.ok_path).status, 200);
    server.wait_for_log("closed without a request");
}

/// Each request is logged on stderr as Python's http.server would:
/// `127.0.0.1 - - [21/Nov/2026 14:20:03] "GET / HTTP/1.1" 200 512`.
pub fn requests_are_logged_in_common_log_format(step: &Step) {
    let server = step.start(&[]);
    let reply = server.get(step.ok_path);
    let request = format!("\"GET {} HTTP/1.1\" 200 {}", step.ok_path, reply.raw.len());
    let line = server.wait_for_log(&request);
    let (peer, rest) = line.split_once(" - - [").expect("`HOST - - [` starts the line");
    assert_eq!(peer, "127.0.0.1");
    let (date, _) = rest.split_once("] ").expect("the date ends with `] `");
    assert!(chrono::NaiveDateTime::parse_from_str(date, "%d/%b/%Y %H:%M:%S").is_ok(), "{date}");
}

/// `--quiet`, for load tests, logs no requests.
pub fn quiet_logs_nothing(step: &Step) {
    let server = step.start(&["--quiet"]);
    assert_eq!(server.get(step.ok_path).status, 200);
    drop(server.connect());
    assert_eq!(server.get(step.ok_path).status, 200);
    thread::sleep(Duration::from_millis(100));
    assert!(server.log().is_empty(), "{:?}", server.log());
}

/// Checks that `reply` is a 200 whose page contains `text`.
pub fn assert_page_contains(reply: &Reply, text: &str) {
    assert_eq!(reply.status, 200, "{}", reply.head);
    assert!(reply.text().contains(text), "no {text:?} in {}", reply.text());
}
