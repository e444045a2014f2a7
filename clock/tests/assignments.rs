//! The clients of the lecture's assignments, and what the servers do beyond
//! their suites (`swap` and `secret-number`, in `tests/suites.rs`): the
//! log, and a secret refused before the server starts.

use std::net::TcpStream;
use std::process::Command;

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
fn the_swap_client_says_when_nobody_swapped() {
    let server = Server::start(SWAP_SERVER, &["--wait", "0.5"]);
    let (code, _, stderr) = run(SWAP_CLIENT, &server, &["foxtrot"]);
    server.wait_for_log("found nobody to swap with");
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "error: the server found nobody to swap with\n");
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
fn the_number_client_prints_the_verdict() {
    let server = Server::start(NUMBER_SERVER, &["--secret", "7"]);
    assert_eq!(run(NUMBER_CLIENT, &server, &["3"]).1, "wrong\n");
    assert_eq!(run(NUMBER_CLIENT, &server, &["7"]).1, "right\n");
    assert_eq!(run(NUMBER_CLIENT, &server, &["7"]).1, "secret found\n");
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
