//! The solutions to the CAS notes' problems, over real TCP: each server
//! answers the line protocol however the stream is cut, serves others while
//! one client stalls, and loses no increment when clients compete; and what
//! each solution shows: a process per client, a copied register that loses
//! everything, a busy loop that never waits.

use std::thread;
use std::time::{Duration, Instant};

use testkit::{LineClient, Server};

const FORK: &str = env!("CARGO_BIN_EXE_cas-fork");
const BUSY: &str = env!("CARGO_BIN_EXE_cas-busy");
const CHANNELS: &str = env!("CARGO_BIN_EXE_cas-channels");

/// What every solution must get right: the protocol, lines cut anyhow, and
/// other clients served while one stalls mid-line.
fn serves_like_pass_3(binary: &str, args: &[&str]) {
    let server = Server::start(binary, args);
    let mut staller = LineClient::new(&server);
    staller.send("0 ");
    let started = Instant::now();
    let mut client = LineClient::new(&server);
    for (request, answer) in [("0 5", "0"), ("5 7", "5"), ("1 2", "7"), ("x", "Bad Syntax")] {
        assert_eq!(client.ask(request), answer, "{binary}: {request:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(3), "{binary}: {:?}", started.elapsed());
    for piece in ["7", " ", "9", "\n"] {
        client.send(piece);
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(client.answer(), "7", "{binary}: a line in pieces");
    client.send("9 10\n10 11\n");
    assert_eq!([client.answer(), client.answer()], ["9", "10"], "{binary}: two lines at once");
    staller.send("11\n");
    assert_eq!(staller.answer(), "11", "{binary}: the staller's line, finished");
}

/// Runs `clients` clients at once, each adding 1 to the register
/// `increments` times by compare-and-swap, trying again with the value it
/// is told until its swap wins. Returns what the register holds at the end.
fn hammer(server: &Server, clients: u64, increments: u64) -> u64 {
    thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                let mut client = LineClient::new(server);
                let mut value = 0;
                for _ in 0..increments {
                    loop {
                        let held: u64 =
                            client.ask(&format!("{value} {}", value + 1)).parse().unwrap();
                        if held == value {
                            value += 1;
                            break;
                        }
                        value = held;
                    }
                }
            });
        }
    });
    LineClient::new(server).ask("0 0").parse().unwrap()
}

#[test]
fn the_register_behind_a_channel_serves_like_pass_3_and_loses_nothing() {
    serves_like_pass_3(CHANNELS, &[]);
    assert_eq!(hammer(&Server::start(CHANNELS, &[]), 8, 200), 1600);
}

#[test]
fn the_forking_server_serves_like_pass_3_and_loses_nothing() {
    serves_like_pass_3(FORK, &[]);
    assert_eq!(hammer(&Server::start(FORK, &[]), 4, 100), 400);
}

#[test]
fn the_forking_server_serves_each_client_in_a_process_of_its_own() {
    let server = Server::start(FORK, &[]);
    let mut first = LineClient::new(&server);
    let mut second = LineClient::new(&server);
    assert_eq!(first.ask("0 1"), "0");
    assert_eq!(second.ask("1 2"), "1", "the second client sees the first one's swap");
    let deadline = Instant::now() + testkit::PATIENCE;
    let processes = loop {
        let processes: Vec<String> = server
            .log()
            .iter()
            .filter_map(|line| line.split_once("served by process ").map(|(_, pid)| pid.into()))
            .collect();
        if processes.len() >= 2 || Instant::now() > deadline {
            break processes;
        }
        thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(processes.len(), 2, "{:?}", server.log());
    assert_ne!(processes[0], processes[1]);
    assert!(!processes.contains(&server.pid().to_string()));
}

#[test]
fn copies_of_the_register_lose_every_swap_to_the_others() {
    let server = Server::start(FORK, &["--copy-register"]);
    let mut first = LineClient::new(&server);
    assert_eq!(first.ask("0 5"), "0");
    assert_eq!(first.ask("5 7"), "5", "a client sees its own swaps");
    assert_eq!(LineClient::new(&server).ask("0 9"), "0", "another client never sees them");
    assert_eq!(hammer(&server, 4, 100), 0, "all the increments were lost");
}

#[test]
fn the_busy_server_serves_like_pass_3_and_loses_nothing() {
    serves_like_pass_3(BUSY, &[]);
    assert_eq!(hammer(&Server::start(BUSY, &[]), 8, 200), 1600);
}

#[test]
fn the_busy_server_never_waits_while_nobody_sends_anything() {
    let busy = Server::start(BUSY, &[]);
    let waiting = Server::start(CHANNELS, &[]);
    let _idle_client = LineClient::new(&busy);
    let mut states = (String::new(), String::new());
    for _ in 0..20 {
        thread::sleep(Duration::from_millis(50));
        states.0.push(state(&busy));
        states.1.push(state(&waiting));
    }
    // R is running or ready to run, S asleep until something happens.
    let running = states.0.matches('R').count();
    assert!(running >= 15, "the busy server slept: {}", states.0);
    assert!(!states.1.contains('R'), "a server that waits in accept ran: {}", states.1);
}

/// The state of the server's main thread, from `/proc/PID/stat`: `R`, `S`, …
fn state(server: &Server) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.pid())).unwrap();
    stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap()
}
