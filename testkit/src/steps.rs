//! The checks of each step's own lesson, beyond the HTTP conventions and
//! the Dispatcher's: what a student's step must do too.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::checks;
use crate::conventions::{Step, assert_page_contains};
use crate::dispatcher::{sleep_one_second, the_seconds_come_from_the_query_and_bad_ones_get_400};
use crate::suites::Check;
use crate::{PATIENCE, Server};

/// Step 1's own checks.
pub const STEP1: &[Check] =
    checks!(Step: answers_hello_and_shows_the_request, request_is_shown_as_text_not_markup);

fn answers_hello_and_shows_the_request(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let reply = server.get("/index.html");
    assert_page_contains(&reply, "Hello from HTTPSocket");
    assert!(reply.text().contains("GET /index.html HTTP/1.1\nHost: "), "{}", reply.text());
    assert!(reply.text().contains("User-Agent: curl/7.88.1"), "{}", reply.text());
}

fn request_is_shown_as_text_not_markup(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let reply =
        server.exchange(b"GET /<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\nX-Q: \"'&\r\n\r\n");
    assert_page_contains(
        &reply,
        "GET /&lt;script&gt;alert(1)&lt;/script&gt; HTTP/1.1\nHost: x\nX-Q",
    );
    assert!(reply.text().contains("X-Q: &quot;&#39;&amp;"), "{}", reply.text());
    assert!(!reply.text().contains("<script>"));
}

/// Step 2's own checks.
pub const STEP2: &[Check] = checks!(Step: answers_hello_world_with_the_time);

fn answers_hello_world_with_the_time(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let reply = server.get("/hello.html");
    assert_page_contains(&reply, "Hello World at ");
    let text = reply.text();
    let time = &text[text.find("Hello World at ").unwrap() + "Hello World at ".len()..][..8];
    assert!(
        chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").is_ok(),
        "{time:?} is not HH:MM:SS"
    );
    assert!(time.bytes().enumerate().all(|(at, byte)| if at % 3 == 2 {
        byte == b':'
    } else {
        byte.is_ascii_digit()
    }));
}

/// Step 3's own checks.
pub const STEP3: &[Check] = checks!(
    Step:
        a_sleeper_answers_then_sleeps,
        the_fourth_request_waits_for_a_sleeper_to_wake,
        no_sleepers_means_503_at_once,
        the_seconds_come_from_the_query_and_bad_ones_get_400,
);

fn a_sleeper_answers_then_sleeps(step: &Step) {
    let server = Server::start(step.binary, &["--sleepers", "1", "--sleep", "0.5"]);
    assert_page_contains(&server.get("/"), "Process 0 is going to sleep for 0.5 seconds");
}

/// With three sleepers, three of six requests are answered at once; the other
/// three wait for a sleeper to wake.
fn the_fourth_request_waits_for_a_sleeper_to_wake(step: &Step) {
    let server = Server::start(step.binary, &["--sleepers", "3", "--sleep", "1"]);
    let started = Instant::now();
    let mut waits: Vec<Duration> = thread::scope(|scope| {
        let clients: Vec<_> =
            (0..6).map(|_| scope.spawn(|| sleep_one_second(&server, started))).collect();
        clients.into_iter().map(|client| client.join().unwrap()).collect()
    });
    waits.sort();
    for wait in &waits[..3] {
        assert!(*wait < Duration::from_millis(500), "answered after {wait:?}: {waits:?}");
    }
    for wait in &waits[3..] {
        assert!(*wait >= Duration::from_millis(900) && *wait < Duration::from_secs(2), "{waits:?}");
    }
}

/// With no sleeper, nobody reads the request channel: a request gets 503 at
/// once instead of waiting forever.
fn no_sleepers_means_503_at_once(step: &Step) {
    let server = Server::start(step.binary, &["--sleepers", "0"]);
    let started = Instant::now();
    let reply = server.get("/");
    assert_eq!(reply.status, 503, "{}", reply.head);
    assert!(reply.text().contains("No service answered."));
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
}

/// Step 5's own checks.
pub const STEP5: &[Check] = checks!(
    Step:
        idle_clients_hold_the_workers_until_the_read_timeout,
        ctrl_c_finishes_what_is_in_flight_and_exits_0,
        a_client_that_keeps_its_socket_open_does_not_hold_the_worker,
        ctrl_c_serves_the_connection_the_entry_holds,
        ctrl_c_serves_a_connection_accepted_after_the_stop,
        the_workers_are_named_httpsocket,
);

/// Idle clients hold workers until the read timeout frees them: with two
/// workers and two idle connections, a third client waits about that long,
/// and no longer.
fn idle_clients_hold_the_workers_until_the_read_timeout(step: &Step) {
    let server = step.start(&["--workers", "2", "--read-timeout", "1"]);
    let idle: Vec<_> = (0..2).map(|_| server.connect()).collect();
    thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(2),
        "waited {waited:?}"
    );
    drop(idle);
}

/// Ctrl-C while a request waits for a sleeper: the request still gets its
/// answer, the server exits 0, and the port is free again at once.
fn ctrl_c_finishes_what_is_in_flight_and_exits_0(step: &Step) {
    let mut server = step.start(&["--sleepers", "1"]);
    assert_page_contains(&server.get("/sleep.html?1"), "is going to sleep for 1 seconds");
    let started = Instant::now();
    let in_flight = thread::scope(|scope| {
        let waiting = scope.spawn(|| server.get("/sleep.html?0"));
        thread::sleep(Duration::from_millis(300));
        server.interrupt();
        thread::sleep(Duration::from_millis(200));
        let refused = TcpStream::connect(server.addr);
        assert!(refused.is_err(), "a new client was let in after Ctrl-C");
        waiting.join().unwrap()
    });
    assert_page_contains(&in_flight, "is going to sleep for 0 seconds");
    assert!(started.elapsed() >= Duration::from_millis(800), "answered before the sleeper woke");
    let status = server.wait_for_exit(Duration::from_secs(5));
    assert_eq!(status.code(), Some(0), "{status}");
    TcpListener::bind(server.addr).expect("the port is free again");
    server.wait_for_log("stopping: the workers finish what they hold");
}

/// After a GET the client has sent all it will, so the worker closes at once
/// and moves on, even if the client keeps its end of the connection open.
fn a_client_that_keeps_its_socket_open_does_not_hold_the_worker(step: &Step) {
    let server = step.start(&["--workers", "1"]);
    let mut first = server.connect();
    first.write_all(b"GET /hello.html HTTP/1.0\r\n\r\n").unwrap();
    assert_page_contains(&crate::read_reply(&mut first), "Hello World at ");
    let started = Instant::now();
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    assert!(started.elapsed() < Duration::from_millis(500), "waited {:?}", started.elapsed());
    drop(first);
}

/// A connection the Entry has accepted but not yet handed to a worker when
/// Ctrl-C comes is in flight too: it is served before the server exits.
fn ctrl_c_serves_the_connection_the_entry_holds(step: &Step) {
    let mut server = step.start(&["--workers", "1", "--sleepers", "1"]);
    assert_page_contains(&server.get("/sleep.html?1"), "is going to sleep for 1 seconds");
    let (busy, held) = thread::scope(|scope| {
        let busy = scope.spawn(|| server.get("/sleep.html?0"));
        thread::sleep(Duration::from_millis(200));
        let held = scope.spawn(|| server.get("/hello.html"));
        thread::sleep(Duration::from_millis(200));
        server.interrupt();
        (busy.join().unwrap(), held.join().unwrap())
    });
    assert_page_contains(&busy, "is going to sleep for 0 seconds");
    assert_page_contains(&held, "Hello World at ");
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)).code(), Some(0));
}

/// A connection the Entry accepts after the stop message came is in flight
/// too, and served. The Ctrl-C handler's own wake-up connection is one: it
/// sends nothing, so its worker logs it as closed without a request.
fn ctrl_c_serves_a_connection_accepted_after_the_stop(step: &Step) {
    let mut server = step.start(&[]);
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    server.interrupt();
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)).code(), Some(0));
    server.wait_for_log("closed without a request");
}

/// Every worker of the pool is a thread named HTTPsocket, as in steps 1 to 4.
fn the_workers_are_named_httpsocket(step: &Step) {
    let server = step.start(&["--workers", "3"]);
    let named = || {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", server.pid())).unwrap();
        tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|name| name.trim() == "HTTPsocket")
            .count()
    };
    // The workers start after the `listening on` line; a request is served only once one has.
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    let deadline = Instant::now() + PATIENCE;
    while named() < 3 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(named(), 3);
}

/// Step 4's exercise "Bound the queues": at most ten requests wait for a
/// service, and the next gets 503 at once.
pub const BOUNDED_QUEUE: &[Check] = checks!(Step: a_request_past_ten_waiting_gets_503_at_once);

/// Fifteen requests at once for three sleepers, who answer and then sleep
/// half a second: three are answered at once, ten wait their turn, and the
/// last two get 503 at once.
fn a_request_past_ten_waiting_gets_503_at_once(step: &Step) {
    let server = Server::start(step.binary, &["--sleepers", "3"]);
    let started = Instant::now();
    let replies: Vec<(u16, Duration)> = thread::scope(|scope| {
        let clients: Vec<_> = (0..15)
            .map(|_| scope.spawn(|| (server.get("/sleep.html?0.5").status, started.elapsed())))
            .collect();
        clients.into_iter().map(|client| client.join().unwrap()).collect()
    });
    let refused: Vec<&Duration> =
        replies.iter().filter(|(status, _)| *status == 503).map(|(_, at)| at).collect();
    assert_eq!(refused.len(), 2, "503s: {replies:?}");
    assert!(refused.iter().all(|at| **at < Duration::from_millis(400)), "{replies:?}");
    assert_eq!(replies.iter().filter(|(status, _)| *status == 200).count(), 13, "{replies:?}");
}

/// Step 5's exercise "Refuse instead of wait": when no worker is idle, a
/// client gets 503 at once.
pub const REFUSE_WHEN_BUSY: &[Check] =
    checks!(Step: a_client_gets_503_at_once_while_every_worker_is_busy);

/// One worker, held by a client that says nothing: the next client gets
/// 503 at once, not its page after the read timeout.
fn a_client_gets_503_at_once_while_every_worker_is_busy(step: &Step) {
    let server = step.start(&["--workers", "1", "--read-timeout", "5"]);
    let idle = server.connect();
    thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let reply = server.get("/hello.html");
    assert_eq!(reply.status, 503, "{}", reply.head);
    assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
    drop(idle);
}
