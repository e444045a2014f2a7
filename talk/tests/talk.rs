//! The real `talk` binary against a server played by the test: a
//! `TcpListener` on 127.0.0.1 that checks what arrives, and how, and
//! answers as each case needs.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// How long a test lets `talk` run before it fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// Plays the server for one connection on a free port: `serve` gets the
/// accepted connection, and what it returns comes back through the handle.
fn server<T: Send + 'static>(
    serve: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (String, JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        serve(stream)
    });
    (address, handle)
}

/// Starts `talk ARGS…`, with nothing on stdin unless `stdin` is piped.
fn start(args: &[&str], stdin: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_talk"))
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `talk` to end by itself, within [`PATIENCE`].
fn finish(mut child: Child) -> Output {
    if child.wait_timeout(PATIENCE).unwrap().is_none() {
        let _ = child.kill();
        panic!("talk did not end within {PATIENCE:?}");
    }
    child.wait_with_output().unwrap()
}

/// Runs `talk ARGS…` to its end, with nothing on stdin.
fn run(args: &[&str]) -> Output {
    finish(start(args, Stdio::null()))
}

/// What `talk` printed on stderr.
fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Reads until the client closes its sending side.
fn read_to_end(mut stream: TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    received
}

#[test]
fn escapes_are_sent_as_the_bytes_they_name() {
    let (address, received) = server(read_to_end);
    let output = run(&["--half-close", &address, r"GET / HTTP/1.0\r\n\t\\\0\x41\xff"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(received.join().unwrap(), b"GET / HTTP/1.0\r\n\t\\\0A\xff");
}

#[test]
fn an_unknown_escape_is_refused_before_connecting() {
    let output = run(&["127.0.0.1:9", r"GET \q"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(r"unknown escape `\q`"), "{}", stderr(&output));
}

#[test]
fn pieces_arrive_as_separate_writes_the_pause_apart() {
    let (address, reads) = server(|mut stream| {
        let mut reads = Vec::new();
        let mut buffer = [0; 64];
        let mut at = Instant::now();
        loop {
            let n = stream.read(&mut buffer).unwrap();
            if n == 0 {
                return reads;
            }
            reads.push((buffer[..n].to_vec(), at.elapsed()));
            at = Instant::now();
        }
    });
    let output = run(&["--pause", "0.4", "--half-close", &address, "one", "two"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let reads = reads.join().unwrap();
    assert_eq!(reads.len(), 2, "{reads:?}");
    assert_eq!((reads[0].0.as_slice(), reads[1].0.as_slice()), (&b"one"[..], &b"two"[..]));
    // Less than the pause: the first read may have returned a little late.
    assert!(
        reads[1].1 >= Duration::from_millis(200),
        "the second piece came after {:?}",
        reads[1].1
    );
}

#[test]
fn with_no_text_it_sends_its_stdin() {
    let (address, received) = server(read_to_end);
    let mut child = start(&["--half-close", &address], Stdio::piped());
    child.stdin.take().unwrap().write_all(b"0 5\n5 7\n").unwrap();
    let output = finish(child);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(received.join().unwrap(), b"0 5\n5 7\n");
}

#[test]
fn the_answer_is_printed_byte_for_byte_and_the_servers_close_ends_it() {
    let answer = b"HTTP/1.0 200 OK\r\n\r\n\0\xff\xfe line\n\rno end";
    let (address, served) = server(|mut stream| {
        let mut request = [0; 64];
        let n = stream.read(&mut request).unwrap();
        stream.write_all(answer).unwrap();
        request[..n].to_vec()
        // The stream is dropped here: the server closes.
    });
    let started = Instant::now();
    let output = run(&[&address, r"GET / HTTP/1.0\r\n\r\n"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "talk ended only after {:?}",
        started.elapsed()
    );
    assert_eq!(served.join().unwrap(), b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(output.stdout, answer);
    assert_eq!(stderr(&output), "");
}

#[test]
fn without_half_close_the_server_sees_no_end() {
    let (address, what_the_server_saw) = server(|mut stream| {
        let mut buffer = [0; 64];
        let n = stream.read(&mut buffer).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
        let after = stream.read(&mut buffer).map_err(|error| error.kind());
        (buffer[..n].to_vec(), after)
        // The server closes, which ends talk.
    });
    let output = run(&[&address, "hello"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (first, after) = what_the_server_saw.join().unwrap();
    assert_eq!(first, b"hello");
    // A read that waits out its timeout, not the end of the stream (`Ok(0)`).
    assert!(matches!(after, Err(ErrorKind::WouldBlock | ErrorKind::TimedOut)), "{after:?}");
}

#[test]
fn the_silence_timeout_ends_it_while_the_server_keeps_the_connection() {
    let (address, server_done) = server(|mut stream| {
        stream.write_all(b"hi\n").unwrap();
        // Keep the connection, silent, until talk closes it.
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
    });
    let started = Instant::now();
    let output = run(&["--wait", "0.5", &address, "x"]);
    let took = started.elapsed();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, b"hi\n");
    assert!(took >= Duration::from_millis(500) && took < Duration::from_secs(5), "took {took:?}");
    server_done.join().unwrap();
}

#[test]
fn the_silence_is_counted_from_the_last_piece_sent() {
    let (address, server_done) = server(|mut stream| {
        // Answers only once both pieces are here, long after `--wait`.
        let mut request = [0; 2];
        stream.read_exact(&mut request).unwrap();
        stream.write_all(b"answer").unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
    });
    let output = run(&["--pause", "0.8", "--wait", "0.3", &address, "a", "b"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, b"answer");
    server_done.join().unwrap();
}

#[test]
fn a_reader_that_stops_reading_ends_it_quietly() {
    let (address, server_done) = server(|mut stream| {
        stream.write_all(b"first\n").unwrap();
        thread::sleep(Duration::from_millis(300));
        // By now nobody reads talk's stdout: printing this fails.
        let _ = stream.write_all(b"second\n");
        thread::sleep(Duration::from_millis(300));
    });
    let mut child = start(&[&address, "x"], Stdio::null());
    let mut first = [0; 6];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(&first, b"first\n");
    let output = finish(child);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    server_done.join().unwrap();
}

#[test]
fn a_refused_connection_exits_1_with_an_error() {
    // A port that was free a moment ago, with nobody listening on it now.
    let address = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let output = run(&[&address, "hello"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(&format!("error: cannot connect to {address}: ")),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
}
