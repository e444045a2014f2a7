//! The clock server and client over real TCP: the time in `ctime` form, and
//! what becomes of questions that are too short, too long, or never come.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::process::Command;
use std::time::{Duration, Instant};

use testkit::Server;

use common::{QUESTION, assert_is_ctime_now};

const SERVER: &str = env!("CARGO_BIN_EXE_clock-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_clock-client");

#[test]
fn a_25_byte_question_gets_the_time_in_ctime_form() {
    let server = Server::start(SERVER, &[]);
    let mut stream = server.connect();
    stream.write_all(QUESTION).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert_eq!(answer.len(), 25, "{answer:?}");
    assert_eq!(answer[24], b' ', "the answer is padded to 25 bytes");
    assert_is_ctime_now(std::str::from_utf8(&answer[..24]).unwrap());
    let port = stream.local_addr().unwrap().port();
    server.wait_for_log(&format!("connected at 127.0.0.1:{port}"));
    server.wait_for_log("read \"What is the time?        \" from client");
    let line = server.wait_for_log("writing \"");
    assert!(
        line.ends_with(&format!(
            "writing \"{}\" to client",
            String::from_utf8_lossy(&answer[..24])
        ))
    );
}

#[test]
fn the_client_prints_that_it_is_connected_and_the_time() {
    let server = Server::start(SERVER, &[]);
    let out =
        Command::new(CLIENT).args(["--port", &server.addr.port().to_string()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0], "client is connected");
    assert_is_ctime_now(lines[1]);
}

#[test]
fn a_short_question_then_close_gets_no_answer_and_the_next_client_is_served() {
    let server = Server::start(SERVER, &[]);
    let mut short = server.connect();
    short.write_all(b"What is t").unwrap();
    short.shutdown(Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    short.read_to_end(&mut answer).unwrap();
    assert!(answer.is_empty(), "{answer:?}");
    server.wait_for_log("client closed the connection after 9 of 25 bytes: \"What is t\"");
    let mut next = server.connect();
    next.write_all(QUESTION).unwrap();
    let mut answer = [0; 25];
    next.read_exact(&mut answer).unwrap();
    assert_is_ctime_now(String::from_utf8_lossy(&answer).trim_end());
}

/// One client at a time: a client that never finishes its question holds the
/// server until the read timeout, and the next client waits that long.
#[test]
fn a_silent_client_holds_the_server_until_the_read_timeout() {
    let server = Server::start(SERVER, &["--read-timeout", "0.5"]);
    let mut silent = server.connect();
    silent.write_all(b"What").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    let mut next = server.connect();
    next.write_all(QUESTION).unwrap();
    let mut answer = [0; 25];
    next.read_exact(&mut answer).unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(400) && waited < Duration::from_secs(5), "{waited:?}");
    server.wait_for_log("client sent only 4 of 25 bytes before the read timeout: \"What\"");
    let mut rest = Vec::new();
    assert_eq!(silent.read_to_end(&mut rest).unwrap(), 0, "the silent client is closed unanswered");
}

#[test]
fn a_client_that_sends_nothing_is_logged() {
    let server = Server::start(SERVER, &["--read-timeout", "0.3"]);
    let _silent = server.connect();
    server.wait_for_log("client sent nothing before the read timeout");
}

/// The server reads 25 bytes, no more: the rest is not part of the question.
/// It is read and dropped before the close, so that the answer is not lost.
#[test]
fn bytes_after_the_25th_are_not_read_as_the_question() {
    let server = Server::start(SERVER, &[]);
    let mut stream = server.connect();
    stream.write_all(b"What is the time? Tell me now, please!").unwrap();
    let mut answer = [0; 25];
    stream.read_exact(&mut answer).unwrap();
    assert_is_ctime_now(String::from_utf8_lossy(&answer).trim_end());
    drop(stream);
    server.wait_for_log("read \"What is the time? Tell me\" from client");
    server.wait_for_log("client sent 13 bytes more than a message; dropped");
}

#[test]
fn control_characters_in_a_question_do_not_reach_the_log_raw() {
    let server = Server::start(SERVER, &[]);
    let mut stream = server.connect();
    stream.write_all(b"\r[01/Jan/2000] fake\n\"\xff   ").unwrap();
    let mut answer = [0; 25];
    stream.read_exact(&mut answer).unwrap();
    server.wait_for_log("read \"\\r[01/Jan/2000] fake\\n\\\"\u{fffd}   \" from client");
}

#[test]
fn the_client_says_so_when_nobody_listens() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = Command::new(CLIENT).args(["--port", &port.to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: cannot connect to 127.0.0.1:{port}: ")),
        "{stderr}"
    );
}

#[test]
fn a_port_in_use_is_one_line_and_exit_status_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(SERVER).args(["--port", &port]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// The lecture's own server answers with the 24 characters of `ctime()`, no
/// padding, and closes: the client takes the close as the end of the answer.
#[test]
fn the_client_takes_an_answer_ended_by_the_close() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let original = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut question = [0; 25];
        stream.read_exact(&mut question).unwrap();
        stream.write_all(b"Sun Apr  4 18:16:14 2010").unwrap();
    });
    let out = Command::new(CLIENT).args(["--port", &port]).output().unwrap();
    original.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout, "client is connected\nSun Apr  4 18:16:14 2010\n");
}
