//! Step 3 over real TCP: the Sleep services, and the HTTP conventions.

use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;
use testkit::conventions::{Step, assert_page_contains};

const STEP: Step =
    Step { binary: env!("CARGO_BIN_EXE_step3-multi"), args: &["--sleep", "0"], ok_path: "/" };

testkit::http_conventions!(STEP);

#[test]
fn the_seconds_come_from_the_query_and_bad_ones_get_400() {
    testkit::dispatcher::the_seconds_come_from_the_query_and_bad_ones_get_400(&STEP);
}

#[test]
fn a_sleeper_answers_then_sleeps() {
    let server = Server::start(STEP.binary, &["--sleepers", "1", "--sleep", "0.5"]);
    assert_page_contains(&server.get("/"), "Process 0 is going to sleep for 0.5 seconds");
}

/// With three sleepers, three of six requests are answered at once; the other
/// three wait for a sleeper to wake.
#[test]
fn the_fourth_request_waits_for_a_sleeper_to_wake() {
    let server = Server::start(STEP.binary, &["--sleepers", "3", "--sleep", "1"]);
    let started = Instant::now();
    let mut waits: Vec<Duration> = thread::scope(|scope| {
        let clients: Vec<_> = (0..6)
            .map(|_| {
                scope.spawn(|| {
                    assert_page_contains(
                        &server.get("/sleep.html"),
                        "is going to sleep for 1 seconds",
                    );
                    started.elapsed()
                })
            })
            .collect();
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
#[test]
fn no_sleepers_means_503_at_once() {
    let server = Server::start(STEP.binary, &["--sleepers", "0"]);
    let started = Instant::now();
    let reply = server.get("/");
    assert_eq!(reply.status, 503, "{}", reply.head);
    assert!(reply.text().contains("No service answered."));
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
}
