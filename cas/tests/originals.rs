//! The notes' own pass-1 server and clients, ported to Python 3 with their
//! bugs, in `fixtures/originals/`, against ours: our clients against the
//! original server, the original clients against our pass 1, and what the
//! book says of the originals. These tests need `python3`, so
//! `cargo test --workspace` leaves them out; run them with
//! `cargo test -p cas --test originals`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output};

use testkit::Server;
use testkit::originals::{original_server, python, run_to_end};

const PASS1: &str = env!("CARGO_BIN_EXE_cas-pass1");
const CLIENT: &str = env!("CARGO_BIN_EXE_cas-client");
const STRESS: &str = env!("CARGO_BIN_EXE_cas-stress");

/// What a client printed, once it ended well.
fn printed(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}: {stderr}", output.status);
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Runs one of the original clients, `SCRIPT 127.0.0.1 ARGS… PORT`, against `server`.
fn original_client(server: &Server, script: &str, args: &[&str]) -> String {
    let port = server.addr.port().to_string();
    printed(&run_to_end(python(script).arg("127.0.0.1").args(args).arg(port)))
}

/// Runs `cas-stress ARGS` against `server`: whether its verdict is right, and its output.
fn stress(server: &Server, args: &[&str]) -> (bool, String) {
    let port = server.addr.port().to_string();
    let output = run_to_end(Command::new(STRESS).args(["--port", &port]).args(args));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.success(), stdout + &String::from_utf8_lossy(&output.stderr))
}

// The notes' clients against our pass 1.

#[test]
fn the_original_clients_get_answers_from_our_pass_1() {
    let server = Server::start(PASS1, &[]);
    assert_eq!(original_client(&server, "cas_client.py", &["0", "5"]), "0\n");
    assert_eq!(original_client(&server, "cas_client.py", &["5", "7"]), "5\n");
    assert_eq!(original_client(&server, "cas_client_raw.py", &["7 9\n"]), "7\n");
    // A read without a line end is Bad Syntax at once (the book, pass 1).
    assert_eq!(original_client(&server, "cas_client_raw.py", &["9 1"]), "Bad Syntax\n");
    server.wait_for_log("\"9 1\" -> Bad Syntax");
}

/// The line in four writes: "unpredictable output", say the notes. Whatever
/// the reads split, each answer is the register's 9 or Bad Syntax.
#[test]
fn the_original_client_of_pieces_gets_some_answer_from_our_pass_1() {
    let server = Server::start(PASS1, &[]);
    assert_eq!(original_client(&server, "cas_client.py", &["0", "9"]), "0\n");
    let answer = original_client(&server, "cas_client_pieces.py", &["9", "11"]);
    assert!(!answer.is_empty());
    assert!(answer.lines().all(|line| line == "9" || line == "Bad Syntax"), "{answer:?}");
}

// Our clients against the notes' pass-1 server.

#[test]
fn our_client_gets_answers_from_the_original_server() {
    let server = original_server("cas_server_pass1.py");
    let port = server.addr.port().to_string();
    let ask = |old: &str, new: &str| {
        printed(&run_to_end(Command::new(CLIENT).args(["127.0.0.1", old, new, "--port", &port])))
    };
    assert_eq!(ask("0", "5"), "0\n");
    assert_eq!(ask("5", "7"), "5\n");
    assert_eq!(ask("x", "7"), "Bad Syntax\n");
    server.wait_for_log("Connection from  ('127.0.0.1', ");
}

/// The notes' server serves one client at a time and loses no increment.
#[test]
fn stress_finds_no_lost_increment_in_the_original_server() {
    let server = original_server("cas_server_pass1.py");
    let (right, out) = stress(&server, &["hammer", "--clients", "4", "--increments", "50"]);
    assert!(right, "{out}");
    assert!(out.contains("final value 200, expected 200"), "{out}");
}

/// "One request, four answers, all wrong."
#[test]
fn stress_finds_a_line_in_pieces_answered_four_times_by_the_original() {
    let server = original_server("cas_server_pass1.py");
    let (right, out) = stress(&server, &["pieces", "11", "12"]);
    assert!(!right, "{out}");
    assert_eq!(out.matches("answer: Bad Syntax").count(), 4, "{out}");
    assert!(out.contains("verdict: WRONG, 4 answers to 1 line"), "{out}");
}

/// "Two bad lines can make one good request … The original does exactly the same."
#[test]
fn stress_finds_two_lines_read_as_one_request_by_the_original() {
    let server = original_server("cas_server_pass1.py");
    let (right, out) = stress(&server, &["lines", "12", "13"]);
    assert!(!right, "{out}");
    assert!(out.contains("answer: 0\n"), "{out}");
    assert!(out.contains("verdict: WRONG, 1 answer to 2 lines"), "{out}");
}

/// "Pass 1 answers a request that does not exist yet": the original too.
#[test]
fn stress_finds_an_incomplete_line_answered_by_the_original() {
    let server = original_server("cas_server_pass1.py");
    let (right, out) = stress(&server, &["incomplete"]);
    assert!(!right, "{out}");
    assert!(out.contains("verdict: WRONG, a line that never ended was answered"), "{out}");
}

/// The problem of serialization: with no timeout, the original serves nobody
/// else while a client stays connected.
#[test]
fn stress_finds_the_original_serves_nobody_else_while_a_client_stalls() {
    let server = original_server("cas_server_pass1.py");
    let (right, out) = stress(&server, &["stall"]);
    assert!(!right, "{out}");
    assert!(out.contains("verdict: WRONG, client B got no answer in"), "{out}");
}

// What the book says of the original's answers.

/// "The original ends its answers with `\n\r` … the second answer reads `\r5`"
/// to a client that reads line by line.
#[test]
fn the_original_server_ends_its_answers_with_newline_return() {
    let server = original_server("cas_server_pass1.py");
    let mut stream = server.connect();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    stream.write_all(b"0 5\n").unwrap();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "0\n");
    line.clear();
    stream.write_all(b"5 7\n").unwrap();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "\r5\n");
    stream.write_all(b"7 9\n").unwrap();
    let mut rest = [0; 4];
    reader.read_exact(&mut rest).unwrap();
    assert_eq!(&rest, b"\r7\n\r", "every answer ends with \\n\\r");
}

/// The control: the notes' client against the notes' server prints the
/// answer as it came, `\r` included.
#[test]
fn the_original_client_prints_the_original_servers_newline_return() {
    let server = original_server("cas_server_pass1.py");
    assert_eq!(original_client(&server, "cas_client.py", &["0", "5"]), "0\n\r");
    assert_eq!(original_client(&server, "cas_client_raw.py", &["5 7\n"]), "5\n\r");
}
