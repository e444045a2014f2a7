//! The lecture's own programs, ported to Python 3 with their bugs, in
//! `fixtures/originals/`, against ours: our clients against the original
//! servers, the original clients against our servers, and what the book says
//! of the originals. These tests need `python3`, so `cargo test --workspace`
//! leaves them out; run them with `cargo test -p clock --test originals`.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::Duration;

use testkit::originals::{original_server, python, run_to_end, run_within};
use testkit::{PATIENCE, Server};

use common::{QUESTION, assert_is_ctime_now};

const SERVER: &str = env!("CARGO_BIN_EXE_clock-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_clock-client");
const FORK_SERVER: &str = env!("CARGO_BIN_EXE_clock-fork-server");
const FORK_CLIENT: &str = env!("CARGO_BIN_EXE_clock-fork-client");

/// How long the original forking server blocks each client before it answers.
const ORIGINAL_BLOCK: Duration = Duration::from_secs(10);

/// The lines a client printed, once it ended well.
fn printed(output: &Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}: {stderr}", output.status);
    String::from_utf8(output.stdout.clone()).unwrap().lines().map(String::from).collect()
}

/// Reads until the server closes.
fn read_to_close(stream: &mut impl Read) -> String {
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).unwrap()
}

// Our clients against the lecture's servers.

/// The original answers the 24 characters of `ctime`, unpadded, and closes;
/// our client takes an answer ended by the close (the book, "The client").
#[test]
fn our_client_gets_the_time_from_the_original_server() {
    let server = original_server("clockserver.py");
    let output = run_to_end(Command::new(CLIENT).args(["--port", &server.addr.port().to_string()]));
    let lines = printed(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "client is connected");
    assert_is_ctime_now(&lines[1]);
    server.wait_for_log("read \"What is the time?        \" from client");
    server.wait_for_log(&format!("writing \"{}\" to client", lines[1]));
}

/// The original forking server blocks each client ten seconds, then answers
/// every question with the 24 characters of `ctime` and keeps the connection;
/// our forking client takes each for a whole answer (the book, "Where our
/// port differs from the original").
#[test]
fn our_fork_client_gets_the_time_twice_from_the_original_fork_server() {
    let server = original_server("clockforkserver.py");
    let port = server.addr.port().to_string();
    let mut client = Command::new(FORK_CLIENT);
    client.args(["--port", &port, "--count", "2", "--min", "0", "--max", "0"]);
    let output = run_within(&mut client, ORIGINAL_BLOCK + PATIENCE);
    let lines = printed(&output);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0], "client is connected");
    assert_eq!(lines[2], "client sleeps for 0.0 seconds");
    for answer in [&lines[1], &lines[3]] {
        assert_is_ctime_now(answer);
        server.wait_for_log(&format!("sending \"{answer}\" to client"));
    }
    server.wait_for_log("closing client socket, exiting child process");
}

// The lecture's clients against our servers.

/// The original client reads one `recv(25)` and prints it: our answer, padded
/// to 25 bytes, shows its space of padding.
#[test]
fn the_original_client_gets_the_time_from_our_server() {
    let server = Server::start(SERVER, &[]);
    let output = run_to_end(python("clockclient.py").arg(server.addr.port().to_string()));
    let lines = printed(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "client is connected");
    let time = lines[1].strip_suffix(' ').expect("the answer ends with its padding");
    assert_is_ctime_now(time);
    server.wait_for_log("read \"What is the time?        \" from client");
}

/// A client process, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The original forking client asks, prints the answer, and sleeps 3 to 10
/// seconds before it asks again; our forking server answers its first question.
#[test]
fn the_original_fork_client_gets_the_time_from_our_fork_server() {
    let mut server = Server::start(FORK_SERVER, &["--block", "0"]);
    let child = python("clockforkclient.py")
        .arg(server.addr.port().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start python3");
    let mut client = Running(child);
    let (sender, lines) = crossbeam_channel::unbounded();
    let stdout = client.0.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let next = || lines.recv_timeout(PATIENCE).expect("a line from the original client");
    assert_eq!(next(), "client is connected");
    let answer = next();
    assert_is_ctime_now(answer.strip_suffix(' ').expect("the answer ends with its padding"));
    let sleeps = next();
    let seconds: u64 = sleeps
        .strip_prefix("client sleeps for ")
        .and_then(|rest| rest.strip_suffix(" seconds"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{sleeps:?}"));
    assert!((3..=10).contains(&seconds), "{sleeps:?}");
    server.wait_for_log("received \"What is the time?        \" from client");
    drop(client);
    server.wait_for_log("closing client socket, exiting child process");
    server.interrupt();
    assert!(server.wait_for_exit(PATIENCE).success());
}

/// The control: the original client against the original server prints the
/// 24 characters it got.
#[test]
fn the_original_client_gets_the_time_from_the_original_server() {
    let server = original_server("clockserver.py");
    let output = run_to_end(python("clockclient.py").arg(server.addr.port().to_string()));
    let lines = printed(&output);
    assert_eq!(lines[0], "client is connected");
    assert_is_ctime_now(&lines[1]);
}

// What the book says of the original server.

/// "The lecture's own server sends the 24 characters of the time, with no
/// padding, and closes."
#[test]
fn the_original_server_answers_24_bytes_then_closes() {
    let server = original_server("clockserver.py");
    let mut stream = server.connect();
    stream.write_all(QUESTION).unwrap();
    assert_is_ctime_now(&read_to_close(&mut stream));
}

/// "When a client closes after fewer than 25 bytes, Python's `rfile.read(25)`
/// returns the short text and the original answers it."
#[test]
fn the_original_server_answers_a_short_question_ended_by_the_close() {
    let server = original_server("clockserver.py");
    let mut stream = server.connect();
    stream.write_all(b"What is t").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    assert_is_ctime_now(&read_to_close(&mut stream));
    server.wait_for_log("read \"What is t\" from client");
}

/// "One client that forgot its padding stops the server for everybody, until
/// it closes": a second client, asking properly, gets nothing meanwhile.
#[test]
fn a_client_without_padding_stops_the_original_server_for_everybody() {
    let server = original_server("clockserver.py");
    let mut unpadded = server.connect();
    unpadded.write_all(b"What is the time?").unwrap();
    server.wait_for_log("connected at");
    let mut next = server.connect();
    next.write_all(QUESTION).unwrap();
    next.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut byte = [0; 1];
    let error = next.read(&mut byte).expect_err("no answer while the first client waits");
    assert!(matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{error}");
    unpadded.shutdown(Shutdown::Write).unwrap();
    assert_is_ctime_now(&read_to_close(&mut unpadded));
    next.set_read_timeout(Some(PATIENCE)).unwrap();
    assert_is_ctime_now(&read_to_close(&mut next));
}

// The lecture's web server, and what the web server chapter says of it.

const WEB: &str = env!("CARGO_BIN_EXE_clock-web");

/// Sends `request` on a connection of its own, and reads until the close.
fn ask(server: &Server, request: &[u8]) -> String {
    let mut stream = server.connect();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// `/` gets the "hello client" page; any other path gets "PATH not found"
/// alone, with no status line: HTTP/0.9 (the book, "Where our port differs").
#[test]
fn the_original_web_server_answers_other_paths_without_a_status_line() {
    let server = original_server("ourwebserver.py");
    let page = ask(&server, b"GET / HTTP/1.0\r\n\r\n");
    assert!(page.starts_with("HTTP/1.0 200 OK\r\n"), "{page}");
    assert!(page.contains("<TITLE>My Home Page</TITLE>") && page.contains("hello client"));
    assert_eq!(ask(&server, b"GET /test HTTP/1.0\r\n\r\n"), "/test not found");
    let ours = Server::start(WEB, &[]);
    assert!(ask(&ours, b"GET /test HTTP/1.0\r\n\r\n").starts_with("HTTP/1.0 404 Not Found\r\n"));
}

/// "The original answers 501 to both": a method HTTP defines but the server
/// does not serve, and a word that is no HTTP method.
#[test]
fn the_original_web_server_answers_501_to_any_other_method() {
    let server = original_server("ourwebserver.py");
    for method in ["POST", "BREW"] {
        let answer = ask(&server, format!("{method} / HTTP/1.0\r\n\r\n").as_bytes());
        assert!(answer.starts_with("HTTP/1.0 501 "), "{method}: {answer}");
    }
}

/// "A client that connects and sends nothing stops it for everybody": with a
/// silent connection open, the original answers nobody, and ours answers.
#[test]
fn a_silent_connection_stops_the_original_web_server_but_not_ours() {
    let original = original_server("ourwebserver.py");
    let ours = Server::start(WEB, &[]);
    for (server, answers) in [(&original, false), (&ours, true)] {
        let _silent = server.connect();
        thread::sleep(Duration::from_millis(100));
        let mut asking = server.connect();
        asking.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        asking.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        let mut byte = [0; 1];
        assert_eq!(asking.read(&mut byte).is_ok(), answers, "{}", server.addr);
    }
}
