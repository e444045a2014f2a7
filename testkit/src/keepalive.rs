//! The checks of persistent connections (RFC 9112, section 9), which steps 6
//! and 7 keep: requests follow one another on a connection, and it closes
//! when it should. Then each step's own: what an idle client costs it.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use crate::conventions::{Step, assert_page_contains};
use crate::suites::Check;
use crate::{Reply, checks, read_reply};

/// The checks of a server that keeps connections alive.
pub const CHECKS: &[Check] = checks!(
    Step:
        two_requests_on_one_connection_are_both_answered,
        pipelined_requests_are_answered_in_order,
        an_idle_connection_is_closed_after_the_keep_alive_time,
        connection_close_is_honoured,
        http_1_0_closes_after_one_answer,
        the_last_request_allowed_says_close,
        a_body_that_is_not_read_closes_the_connection,
        a_bad_request_after_a_good_one_gets_its_error_and_a_close,
);

/// A GET for `path` on HTTP/1.1, with `headers` (each ending in CRLF).
fn get(path: &str, headers: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n")
}

/// Sends `request` on `stream` and reads one reply.
fn ask(stream: &mut TcpStream, request: &str) -> Reply {
    stream.write_all(request.as_bytes()).expect("send a request");
    read_reply(stream)
}

/// How long the server takes to close `stream`, which must have nothing more to send.
fn time_to_close(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => assert!(rest.is_empty(), "more came: {:?}", String::from_utf8_lossy(&rest)),
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        Err(error) => panic!("the connection stayed open: {error}"),
    }
    started.elapsed()
}

/// Asserts that `reply` is a 200 that keeps the connection open.
fn assert_kept(reply: &Reply) {
    assert!(reply.head.starts_with("HTTP/1.1 200 OK\r\n"), "{}", reply.head);
    assert_eq!(reply.header("Connection"), Some("keep-alive"), "{}", reply.head);
}

/// Two requests, one after the other, on one connection: both answered,
/// with `Connection: keep-alive`.
pub fn two_requests_on_one_connection_are_both_answered(step: &Step) {
    let server = step.start(&[]);
    let mut stream = server.connect();
    for _ in 0..2 {
        let reply = ask(&mut stream, &get(step.ok_path, ""));
        assert_kept(&reply);
        assert!(!reply.body.is_empty());
    }
}

/// Three requests sent in one write, before any answer: three answers, in
/// the order of the requests.
pub fn pipelined_requests_are_answered_in_order(step: &Step) {
    let server = step.start(&[]);
    let mut stream = server.connect();
    let requests = [
        get("/index.html?first", ""),
        get("/index.html?second", ""),
        get("/index.html?third", "Connection: close\r\n"),
    ];
    stream.write_all(requests.concat().as_bytes()).unwrap();
    let mut replies = String::new();
    stream.read_to_string(&mut replies).expect("three answers, then a close");
    assert_eq!(replies.matches("HTTP/1.1 200 OK\r\n").count(), 3, "{replies}");
    let at = |query| replies.find(query).unwrap_or_else(|| panic!("no {query} in {replies}"));
    assert!(at("?first") < at("?second") && at("?second") < at("?third"), "{replies}");
}

/// A connection that stays idle after an answer is closed after
/// `--keep-alive` seconds, and not long before.
pub fn an_idle_connection_is_closed_after_the_keep_alive_time(step: &Step) {
    let server = step.start(&["--keep-alive", "0.5"]);
    let mut stream = server.connect();
    assert_kept(&ask(&mut stream, &get(step.ok_path, "")));
    let waited = time_to_close(&mut stream);
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
}

/// A client that sends `Connection: close` gets it back, and the close.
pub fn connection_close_is_honoured(step: &Step) {
    let server = step.start(&[]);
    let mut stream = server.connect();
    let reply = ask(&mut stream, &get(step.ok_path, "Connection: close\r\n"));
    assert_eq!(reply.status, 200, "{}", reply.head);
    assert_eq!(reply.header("Connection"), Some("close"));
    assert!(time_to_close(&mut stream) < Duration::from_secs(1));
}

/// HTTP/1.0 knows one request per connection: the answer says close, and closes.
pub fn http_1_0_closes_after_one_answer(step: &Step) {
    let server = step.start(&[]);
    let mut stream = server.connect();
    let reply = ask(&mut stream, &format!("GET {} HTTP/1.0\r\n\r\n", step.ok_path));
    assert_eq!(reply.status, 200, "{}", reply.head);
    assert_eq!(reply.header("Connection"), Some("close"));
    assert!(time_to_close(&mut stream) < Duration::from_secs(1));
}

/// With `--max-requests 2`, the second answer says close, and closes.
pub fn the_last_request_allowed_says_close(step: &Step) {
    let server = step.start(&["--max-requests", "2"]);
    let mut stream = server.connect();
    assert_kept(&ask(&mut stream, &get(step.ok_path, "")));
    let last = ask(&mut stream, &get(step.ok_path, ""));
    assert_eq!(last.header("Connection"), Some("close"), "{}", last.head);
    assert!(time_to_close(&mut stream) < Duration::from_secs(1));
}

/// A GET that comes with a body, which the server does not read: its bytes
/// must not be taken for the next request, so the answer closes.
pub fn a_body_that_is_not_read_closes_the_connection(step: &Step) {
    let server = step.start(&[]);
    let mut stream = server.connect();
    let reply =
        ask(&mut stream, &format!("{}GET / HTTP/1.1", get(step.ok_path, "Content-Length: 14\r\n")));
    assert_eq!(reply.status, 200, "{}", reply.head);
    assert_eq!(reply.header("Connection"), Some("close"), "{}", reply.head);
    assert!(time_to_close(&mut stream) < Duration::from_secs(3));
}

/// Garbage after a good request gets a 400, and the connection closes.
pub fn a_bad_request_after_a_good_one_gets_its_error_and_a_close(step: &Step) {
    let server = step.start(&[]);
    let mut stream = server.connect();
    assert_kept(&ask(&mut stream, &get(step.ok_path, "")));
    let reply = ask(&mut stream, "NONSENSE\r\n\r\n");
    assert_eq!(reply.status, 400, "{}", reply.head);
    assert_eq!(reply.header("Connection"), Some("close"), "{}", reply.head);
    assert!(time_to_close(&mut stream) < Duration::from_secs(3));
}

/// Opens `count` connections that each get one answer and then stay idle, kept alive.
fn idle_clients(step: &Step, server: &crate::Server, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|_| {
            let mut stream = server.connect();
            assert_kept(&ask(&mut stream, &get(step.ok_path, "")));
            stream
        })
        .collect()
}

/// Step 6's own checks: the price of keeping connections on a pool.
pub const STEP6: &[Check] = checks!(
    Step:
        idle_keep_alive_clients_hold_the_workers,
        ctrl_c_waits_for_idle_keep_alive_connections,
);

/// With two workers and two clients that keep their connections idle, a
/// third client waits until one of them is closed, after `--keep-alive`.
fn idle_keep_alive_clients_hold_the_workers(step: &Step) {
    let server = step.start(&["--workers", "2", "--keep-alive", "1"]);
    let idle = idle_clients(step, &server, 2);
    let started = Instant::now();
    assert_page_contains(&server.get(step.ok_path), "");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(3),
        "waited {waited:?}"
    );
    drop(idle);
}

/// Ctrl-C lets a worker finish its connection: an idle keep-alive client
/// holds the stop until `--keep-alive` runs out.
fn ctrl_c_waits_for_idle_keep_alive_connections(step: &Step) {
    let mut server = step.start(&["--keep-alive", "1"]);
    let idle = idle_clients(step, &server, 1);
    let started = Instant::now();
    server.interrupt();
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)).code(), Some(0));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(500), "exited after {waited:?}");
    drop(idle);
}

/// Step 7's own checks: an idle client holds no thread, a sleep holds no
/// thread, and a stop does not wait for idle clients.
pub const STEP7: &[Check] = checks!(
    Step:
        idle_keep_alive_clients_hold_nothing,
        sleeping_services_do_not_delay_others,
        ctrl_c_finishes_a_request_in_flight_and_exits_0,
        ctrl_c_closes_idle_connections_at_once,
);

/// A hundred clients that keep their connections idle: the next is served at once.
fn idle_keep_alive_clients_hold_nothing(step: &Step) {
    let server = step.start(&["--keep-alive", "30"]);
    let idle = idle_clients(step, &server, 100);
    let started = Instant::now();
    assert_page_contains(&server.get(step.ok_path), "");
    assert!(started.elapsed() < Duration::from_millis(500), "waited {:?}", started.elapsed());
    drop(idle);
}

/// Three sleepers asleep for two seconds: `/hello.html` is answered at once.
fn sleeping_services_do_not_delay_others(step: &Step) {
    let server = step.start(&["--sleepers", "3"]);
    for _ in 0..3 {
        assert_page_contains(&server.get("/sleep.html?2"), "is going to sleep for 2 seconds");
    }
    let started = Instant::now();
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    assert!(started.elapsed() < Duration::from_millis(500), "waited {:?}", started.elapsed());
}

/// Ctrl-C while a request waits for a sleeper: the request still gets its
/// answer, and the server exits 0.
fn ctrl_c_finishes_a_request_in_flight_and_exits_0(step: &Step) {
    let mut server = step.start(&["--sleepers", "1"]);
    assert_page_contains(&server.get("/sleep.html?1"), "is going to sleep for 1 seconds");
    let in_flight = thread::scope(|scope| {
        let waiting = scope.spawn(|| server.get("/sleep.html?0"));
        thread::sleep(Duration::from_millis(300));
        server.interrupt();
        waiting.join().unwrap()
    });
    assert_page_contains(&in_flight, "is going to sleep for 0 seconds");
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)).code(), Some(0));
}

/// Ctrl-C with a client idle on a kept connection: the server closes it and
/// exits at once, not after `--keep-alive`.
fn ctrl_c_closes_idle_connections_at_once(step: &Step) {
    let mut server = step.start(&["--keep-alive", "30"]);
    let mut idle = idle_clients(step, &server, 1);
    let started = Instant::now();
    server.interrupt();
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)).code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(2), "exited after {:?}", started.elapsed());
    assert!(time_to_close(&mut idle[0]) < Duration::from_secs(1));
}
