//! Step 5 over real TCP: the pool of workers, a clean Ctrl-C, the HTTP
//! conventions, and the Dispatcher with its services as in step 4.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use testkit::conventions::{Step, assert_page_contains};

const STEP: Step =
    Step { binary: env!("CARGO_BIN_EXE_step5-pool"), args: &[], ok_path: "/hello.html" };

testkit::http_conventions!(STEP);
testkit::dispatcher_services!(
    STEP,
    concat!(env!("CARGO_MANIFEST_DIR"), "/www"),
    step5_pool::dispatcher::dispatcher
);

/// Idle clients hold workers until the read timeout frees them: with two
/// workers and two idle connections, a third client waits about that long,
/// and no longer.
#[test]
fn idle_clients_hold_the_workers_until_the_read_timeout() {
    let server = STEP.start(&["--workers", "2", "--read-timeout", "1"]);
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
#[test]
fn ctrl_c_finishes_what_is_in_flight_and_exits_0() {
    let mut server = STEP.start(&["--sleepers", "1"]);
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
#[test]
fn a_client_that_keeps_its_socket_open_does_not_hold_the_worker() {
    let server = STEP.start(&["--workers", "1"]);
    let mut first = server.connect();
    first.write_all(b"GET /hello.html HTTP/1.0\r\n\r\n").unwrap();
    assert_page_contains(&testkit::read_reply(&mut first), "Hello World at ");
    let started = Instant::now();
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    assert!(started.elapsed() < Duration::from_millis(500), "waited {:?}", started.elapsed());
    drop(first);
}

/// A connection the Entry has accepted but not yet handed to a worker when
/// Ctrl-C comes is in flight too: it is served before the server exits.
#[test]
fn ctrl_c_serves_the_connection_the_entry_holds() {
    let mut server = STEP.start(&["--workers", "1", "--sleepers", "1"]);
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
#[test]
fn ctrl_c_serves_a_connection_accepted_after_the_stop() {
    let mut server = STEP.start(&[]);
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    server.interrupt();
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)).code(), Some(0));
    server.wait_for_log("closed without a request");
}

/// Every worker of the pool is a thread named HTTPsocket, as in steps 1 to 4.
#[test]
fn the_workers_are_named_httpsocket() {
    let server = STEP.start(&["--workers", "3"]);
    let named = || {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", server.pid())).unwrap();
        tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|name| name.trim() == "HTTPsocket")
            .count()
    };
    // The workers start after the `listening on` line; a request is served only once one has.
    assert_page_contains(&server.get("/hello.html"), "Hello World at ");
    let deadline = Instant::now() + testkit::PATIENCE;
    while named() < 3 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(named(), 3);
}
