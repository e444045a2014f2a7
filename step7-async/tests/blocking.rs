//! The mistake that step 7's chapter shows, and its fix: a Sleep service
//! that sleeps with `std::thread::sleep` holds its thread, and every task
//! that the thread runs waits with it; `tokio::time::sleep` holds none.

use std::thread;
use std::time::{Duration, Instant};

use testkit::Server;

/// How long `/hello.html` takes while a sleeper sleeps for a second, on one thread.
fn hello_during_a_sleep(flags: &[&str]) -> Duration {
    let mut args = vec!["--threads", "1"];
    args.extend(flags);
    let server = Server::start(env!("CARGO_BIN_EXE_step7-async"), &args);
    thread::scope(|scope| {
        scope.spawn(|| server.get("/sleep.html?1"));
        thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        let reply = server.get("/hello.html");
        assert_eq!(reply.status, 200, "{}", reply.head);
        started.elapsed()
    })
}

#[test]
fn a_blocking_sleep_stalls_every_task_on_its_thread() {
    let waited = hello_during_a_sleep(&["--blocking-sleep"]);
    assert!(waited >= Duration::from_millis(500), "waited only {waited:?}");
}

#[test]
fn a_tokio_sleep_stalls_nothing() {
    let waited = hello_during_a_sleep(&[]);
    assert!(waited < Duration::from_millis(300), "waited {waited:?}");
}
