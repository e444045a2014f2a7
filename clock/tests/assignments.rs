//! Two of the lecture's three assignments over real TCP: the swap server and
//! the secret-number server, with their clients. The third, the secret-word
//! web server, is the suite `secret-word` (`tests/secret_word.rs`).

use std::net::TcpStream;
use std::process::Command;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use clock::message::{Message, NoMessage};
use testkit::{PATIENCE, Server};

const SWAP_SERVER: &str = env!("CARGO_BIN_EXE_swap-server");
const SWAP_CLIENT: &str = env!("CARGO_BIN_EXE_swap-client");
const NUMBER_SERVER: &str = env!("CARGO_BIN_EXE_secret-number-server");
const NUMBER_CLIENT: &str = env!("CARGO_BIN_EXE_secret-number-client");

/// Sends `text` as one message on a new connection, and returns that connection.
fn send(server: &Server, text: &str) -> TcpStream {
    let mut stream = server.connect();
    text.parse::<Message>().unwrap().write_to(&mut stream).unwrap();
    stream
}

/// Reads the answer on `stream`: its text, or why none came.
fn answer(mut stream: TcpStream) -> Result<String, NoMessage> {
    Message::read_from(&mut stream, PATIENCE).map(|message| message.text())
}

/// Runs a client binary and returns its exit code, stdout and stderr.
fn run(binary: &str, server: &Server, args: &[&str]) -> (Option<i32>, String, String) {
    let port = server.addr.port().to_string();
    let out = Command::new(binary).args(["--port", &port]).args(args).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn two_clients_swap_and_a_third_waits_for_a_fourth() {
    let server = Server::start(SWAP_SERVER, &[]);
    let a = send(&server, "alpha");
    server.wait_for_log("sent \"alpha");
    let b = send(&server, "bravo");
    assert_eq!(answer(a).unwrap(), "bravo");
    assert_eq!(answer(b).unwrap(), "alpha");
    let c = send(&server, "charlie");
    server.wait_for_log("sent \"charlie");
    let d = send(&server, "delta");
    assert_eq!(answer(c).unwrap(), "delta");
    assert_eq!(answer(d).unwrap(), "charlie");
}

#[test]
fn a_lone_client_is_closed_after_the_wait() {
    let server = Server::start(SWAP_SERVER, &["--wait", "0.5"]);
    let started = Instant::now();
    let lone = send(&server, "echo");
    assert!(matches!(answer(lone), Err(NoMessage::Closed)));
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
    server.wait_for_log("found nobody to swap with");
    let (code, _, stderr) = run(SWAP_CLIENT, &server, &["foxtrot"]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "error: the server found nobody to swap with\n");
}

/// Twenty clients at once: each gets the string of another, and the pairs
/// match both ways.
#[test]
fn many_clients_at_once_are_paired_both_ways() {
    let server = Server::start(SWAP_SERVER, &[]);
    let got: Vec<String> = thread::scope(|scope| {
        let clients: Vec<_> = (0..20)
            .map(|n| {
                let server = &server;
                scope.spawn(move || answer(send(server, &format!("client {n}"))).unwrap())
            })
            .collect();
        clients.into_iter().map(|client| client.join().unwrap()).collect()
    });
    for (n, theirs) in got.iter().enumerate() {
        let partner: usize = theirs.strip_prefix("client ").unwrap().parse().unwrap();
        assert_ne!(partner, n, "client {n} got its own string");
        assert_eq!(got[partner], format!("client {n}"), "{n} got {partner}'s, but not back");
    }
}

#[test]
fn the_swap_client_prints_the_partners_string() {
    let server = Server::start(SWAP_SERVER, &[]);
    let first = send(&server, "golf");
    server.wait_for_log("sent \"golf");
    let (code, stdout, _) = run(SWAP_CLIENT, &server, &["hotel"]);
    assert_eq!((code, stdout.as_str()), (Some(0), "golf\n"));
    assert_eq!(answer(first).unwrap(), "hotel");
}

#[test]
fn the_swap_client_refuses_a_string_longer_than_a_message() {
    let server = Server::start(SWAP_SERVER, &[]);
    let (code, _, stderr) = run(SWAP_CLIENT, &server, &["a string of more than 25 bytes"]);
    assert_eq!(code, Some(2), "clap refuses the argument");
    assert!(stderr.contains("a message holds 25"), "{stderr}");
}

#[test]
fn a_wrong_guess_is_wrong_and_the_right_one_right_once() {
    let server = Server::start(NUMBER_SERVER, &["--secret", "7"]);
    assert_eq!(run(NUMBER_CLIENT, &server, &["3"]).1, "wrong\n");
    assert_eq!(answer(send(&server, "seven")).unwrap(), "wrong");
    assert_eq!(run(NUMBER_CLIENT, &server, &["7"]).1, "right\n");
    assert_eq!(run(NUMBER_CLIENT, &server, &["7"]).1, "secret found\n");
    assert_eq!(run(NUMBER_CLIENT, &server, &["3"]).1, "secret found\n");
}

#[test]
fn a_secret_outside_the_range_is_refused_and_a_given_one_logged_as_given() {
    let refused = Command::new(NUMBER_SERVER).args(["--secret", "50", "--max", "10"]).output();
    let refused = refused.expect("run the server");
    assert_eq!(refused.status.code(), Some(2), "clap refuses the arguments");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--secret 50 is not a number from 1 to --max 10"), "{stderr}");
    let server = Server::start(NUMBER_SERVER, &["--secret", "10", "--max", "10"]);
    server.wait_for_log("a secret number from 1 to 10 is given");
}

/// Sixteen guessers at once, each trying every number from 1 to 16 in its own
/// order: exactly one guess is "right", and every guess sent after that
/// answer arrived gets "secret found".
#[test]
fn sixteen_concurrent_guessers_one_right_then_secret_found_for_all() {
    let server = Server::start(NUMBER_SERVER, &["--secret", "11", "--max", "16"]);
    let start = Barrier::new(16);
    let guesses: Vec<(Instant, Instant, String)> = thread::scope(|scope| {
        let guessers: Vec<_> = (0..16)
            .map(|n| {
                let (server, start) = (&server, &start);
                scope.spawn(move || {
                    start.wait();
                    (1..=16)
                        .map(|k| {
                            let guess = (n + k) % 16 + 1;
                            let sent = Instant::now();
                            let verdict = answer(send(server, &guess.to_string())).unwrap();
                            (sent, Instant::now(), verdict)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        guessers.into_iter().flat_map(|guesser| guesser.join().unwrap()).collect()
    });
    assert_eq!(guesses.len(), 256);
    let right: Vec<_> = guesses.iter().filter(|(_, _, verdict)| verdict == "right").collect();
    assert_eq!(right.len(), 1, "exactly one right guess");
    let found_at = right[0].1;
    for (sent, _, verdict) in &guesses {
        assert!(["wrong", "right", "secret found"].contains(&verdict.as_str()), "{verdict}");
        if *sent > found_at {
            assert_eq!(verdict, "secret found");
        }
    }
    assert_eq!(answer(send(&server, "4")).unwrap(), "secret found");
}

#[test]
fn a_guess_that_never_comes_is_logged_and_others_go_on() {
    let server = Server::start(NUMBER_SERVER, &["--secret", "2", "--read-timeout", "0.3"]);
    let _silent = server.connect();
    assert_eq!(answer(send(&server, "1")).unwrap(), "wrong");
    server.wait_for_log("sent nothing before the read timeout");
}
