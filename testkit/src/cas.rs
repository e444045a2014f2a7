//! The checks of the exercises that change the compare-and-swap server: the
//! register as a process of its own, a process per client, and the busy
//! loop. Each must keep the line protocol as pass 3 does.

use std::thread;
use std::time::{Duration, Instant};

use crate::checks;
use crate::conventions::Step;
use crate::suites::Check;
use crate::{LineClient, PATIENCE, Server};

/// What every version of the register must get right.
const PROTOCOL: &[Check] = checks!(
    Step:
        answers_the_protocol_however_the_lines_are_cut,
        competing_clients_lose_no_increment,
);

/// "The register as a process": pass 3's behaviour, by messages.
pub const CHANNELS: &[&[Check]] = &[PROTOCOL];

/// "A process per client": pass 3's behaviour, each client in a process.
pub const FORK: &[&[Check]] =
    &[PROTOCOL, checks!(Step: each_client_is_served_by_a_process_of_its_own)];

/// "The busy loop": pass 3's behaviour, from a thread that never waits.
pub const BUSY: &[&[Check]] =
    &[PROTOCOL, checks!(Step: the_server_runs_while_nobody_sends_anything)];

/// The protocol, lines cut anyhow, and others served while one client stalls
/// in the middle of its line.
pub fn answers_the_protocol_however_the_lines_are_cut(step: &Step) {
    let server = step.start(&[]);
    let mut staller = LineClient::new(&server);
    staller.send("0 ");
    let started = Instant::now();
    let mut client = LineClient::new(&server);
    for (request, answer) in [("0 5", "0"), ("5 7", "5"), ("1 2", "7"), ("x", "Bad Syntax")] {
        assert_eq!(client.ask(request), answer, "{request:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(3), "a stalled client held up others");
    for piece in ["7", " ", "9", "\n"] {
        client.send(piece);
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(client.answer(), "7", "a line in pieces");
    client.send("9 10\n10 11\n");
    assert_eq!([client.answer(), client.answer()], ["9", "10"], "two lines at once");
    staller.send("11\n");
    assert_eq!(staller.answer(), "11", "the staller's line, finished");
}

/// Eight clients at once each add 1 a hundred times, by compare-and-swap,
/// trying again with the value they are told until their swap wins: the
/// register ends at 800.
pub fn competing_clients_lose_no_increment(step: &Step) {
    let server = step.start(&[]);
    thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| add_one_a_hundred_times(&server));
        }
    });
    assert_eq!(LineClient::new(&server).ask("0 0"), "800", "increments were lost");
}

/// One client's share of [`competing_clients_lose_no_increment`].
fn add_one_a_hundred_times(server: &Server) {
    let mut client = LineClient::new(server);
    let mut value: u64 = 0;
    for _ in 0..100 {
        loop {
            let held: u64 = client.ask(&format!("{value} {}", value + 1)).parse().unwrap();
            if held == value {
                value += 1;
                break;
            }
            value = held;
        }
    }
}

/// Two connected clients are served by two processes that the server
/// started, and they share one register.
pub fn each_client_is_served_by_a_process_of_its_own(step: &Step) {
    let server = step.start(&[]);
    let mut first = LineClient::new(&server);
    let mut second = LineClient::new(&server);
    assert_eq!(first.ask("0 1"), "0");
    assert_eq!(second.ask("1 2"), "1", "the second client sees the first one's swap");
    let deadline = Instant::now() + PATIENCE;
    while server.children().len() < 2 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert!(server.children().len() >= 2, "children: {:?}", server.children());
}

/// With a client connected and silent, the server's main thread is running
/// (`R` in `/proc/PID/stat`) in at least 15 of 20 looks, 50 ms apart: it
/// asks its sockets again and again instead of sleeping until one is ready.
pub fn the_server_runs_while_nobody_sends_anything(step: &Step) {
    let server = step.start(&[]);
    let _idle_client = LineClient::new(&server);
    let mut states = String::new();
    for _ in 0..20 {
        thread::sleep(Duration::from_millis(50));
        states.push(server.state());
    }
    let running = states.matches('R').count();
    assert!(running >= 15, "it slept: {states} (R running, S asleep)");
}
