//! The register, the protocol and the four server passes, over real TCP:
//! what each pass gets right, and the failures that pass 1 and pass 2 show.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use cas::Register;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use testkit::{LineClient, Server};

const PASS1: &str = env!("CARGO_BIN_EXE_cas-pass1");
const PASS2: &str = env!("CARGO_BIN_EXE_cas-pass2");
const PASS3: &str = env!("CARGO_BIN_EXE_cas-pass3");
const PASS4: &str = env!("CARGO_BIN_EXE_cas-pass4");
const STRESS: &str = env!("CARGO_BIN_EXE_cas-stress");

/// Requests and the answers they get from a fresh register, one after the other.
const CONVERSATION: [(&str, &str); 6] = [
    ("0 5", "0"),
    ("5 7", "5"),
    ("1 2", "7"),
    ("x", "Bad Syntax"),
    ("1", "Bad Syntax"),
    ("7 18446744073709551616", "Bad Syntax"),
];

/// Runs `cas-stress ARGS` against `server`, and returns its success and its output.
fn stress(server: &Server, args: &[&str]) -> (bool, String) {
    let port = server.addr.port().to_string();
    let out = Command::new(STRESS).args(["--port", &port]).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), stdout + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn stdin_driver_answers_each_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cas-stdin"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = CONVERSATION.iter().map(|(request, _)| format!("{request}\n")).collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let answers: Vec<_> = CONVERSATION.iter().map(|(_, answer)| format!("{answer}\n")).collect();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), answers.concat());
}

#[test]
fn every_pass_answers_the_protocol() {
    for binary in [PASS1, PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let mut client = LineClient::new(&server);
        for (request, answer) in CONVERSATION {
            assert_eq!(client.ask(request), answer, "{binary}: {request:?}");
        }
        server.wait_for_log("\"1 2");
        assert!(server.log().iter().any(|line| line.contains(" connected")), "{binary}");
    }
}

#[test]
fn the_simple_client_prints_the_answer() {
    let server = Server::start(PASS3, &[]);
    let port = server.addr.port().to_string();
    let client = |old: &str, new: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cas-client"))
            .args(["127.0.0.1", old, new, "--port", &port])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(client("0", "5"), "0\n");
    assert_eq!(client("5", "7"), "5\n");
    assert_eq!(client("x", "7"), "Bad Syntax\n");
}

#[test]
fn passes_2_to_4_answer_a_line_sent_in_pieces() {
    for binary in [PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let mut client = LineClient::new(&server);
        client.send_in_pieces(&["0", " ", "5", "\n"], Duration::from_millis(100));
        assert_eq!(client.answers_until_quiet(Duration::from_millis(500)), ["0"], "{binary}");
    }
}

#[test]
fn passes_2_to_4_answer_several_lines_in_one_write() {
    for binary in [PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let mut client = LineClient::new(&server);
        client.send("0 5\n5 7\n1 2\nx\n7 9\n");
        let answers: Vec<String> = (0..5).map(|_| client.answer()).collect();
        assert_eq!(answers, ["0", "5", "7", "Bad Syntax", "7"], "{binary}");
    }
}

#[test]
fn passes_2_to_4_accept_blanks_around_and_between() {
    for binary in [PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let mut client = LineClient::new(&server);
        assert_eq!(client.ask("   0 \t  5  "), "0", "{binary}");
        assert_eq!(client.ask("\t5 7\r"), "5", "{binary}");
        assert_eq!(client.ask(" 7  7 8 "), "Bad Syntax", "{binary}");
    }
}

#[test]
fn passes_2_to_4_give_an_unfinished_line_no_answer() {
    for binary in [PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let mut client = LineClient::new(&server);
        client.send("0 5");
        client.finish_sending();
        assert_eq!(client.rest_until_closed(), "", "{binary}");
        server.wait_for_log("closed the connection 3 bytes into a line");
        assert_eq!(
            LineClient::new(&server).ask("0 0"),
            "0",
            "{binary}: the unfinished line swapped"
        );
    }
}

#[test]
fn passes_2_to_4_refuse_an_endless_line_and_go_on() {
    for binary in [PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let mut client = LineClient::new(&server);
        let blanks = " ".repeat(64 * 1024);
        // The server may close while we are still sending: that is the point.
        let _ = client.try_send(&blanks);
        let rest = client.rest_until_closed();
        assert!(rest.is_empty() || rest == "Bad Syntax\n", "{binary}: {rest:?}");
        server.wait_for_log("sent a line longer than 1024 bytes");
        assert_eq!(LineClient::new(&server).ask("0 5"), "0", "{binary}");
    }
}

#[test]
fn passes_2_to_4_hang_up_on_a_silent_client() {
    for binary in [PASS2, PASS3, PASS4] {
        let server = Server::start(binary, &["--read-timeout", "0.3"]);
        let mut client = LineClient::new(&server);
        assert_eq!(client.ask("0 5"), "0");
        let started = Instant::now();
        assert_eq!(client.rest_until_closed(), "", "{binary}");
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "{binary}: {:?}",
            started.elapsed()
        );
        server.wait_for_log("sent no complete line in time");
    }
}

#[test]
fn a_zero_read_timeout_is_refused() {
    let out = Command::new(PASS4).args(["--port", "0", "--read-timeout", "0"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a timeout must be more than 0 seconds"), "{stderr}");
}

#[test]
fn passes_3_and_4_lose_no_increment_under_the_hammer() {
    for binary in [PASS3, PASS4] {
        let server = Server::start(binary, &[]);
        let (ok, out) = stress(&server, &["hammer", "--clients", "8", "--increments", "500"]);
        assert!(ok, "{binary}: {out}");
        assert!(out.contains("final value 4000, expected 4000"), "{binary}: {out}");
        assert_eq!(LineClient::new(&server).ask("0 0"), "4000", "{binary}");
    }
}

#[test]
fn passes_3_and_4_serve_others_while_a_client_stalls_mid_line() {
    for binary in [PASS3, PASS4] {
        let server = Server::start(binary, &["--read-timeout", "60"]);
        let mut staller = LineClient::new(&server);
        staller.send("0 ");
        server.wait_for_log(" connected");
        let started = Instant::now();
        let mut other = LineClient::new(&server);
        assert_eq!(other.ask("0 5"), "0", "{binary}");
        assert_eq!(other.ask("5 7"), "5", "{binary}");
        assert!(started.elapsed() < Duration::from_secs(2), "{binary}: {:?}", started.elapsed());
        staller.send("9\n");
        assert_eq!(staller.answer(), "7", "{binary}: the staller's line, finished");
    }
}

#[test]
fn pass_2_makes_others_wait_for_a_stalled_client_until_its_timeout() {
    let server = Server::start(PASS2, &["--read-timeout", "1"]);
    let mut staller = LineClient::new(&server);
    staller.send("0 ");
    server.wait_for_log(" connected");
    let started = Instant::now();
    assert_eq!(LineClient::new(&server).ask("0 5"), "0");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(800), "served after {waited:?}, before the timeout");
    server.wait_for_log("sent no complete line in time");
}

#[test]
fn pass_1_serves_nobody_else_while_a_client_stays_connected() {
    let server = Server::start(PASS1, &["--read-timeout", "60"]);
    let mut first = LineClient::new(&server);
    assert_eq!(first.ask("0 5"), "0");
    let mut second = LineClient::new(&server);
    second.send("5 7\n");
    assert_eq!(second.answers_until_quiet(Duration::from_secs(1)), Vec::<String>::new());
    drop(first);
    assert_eq!(second.answer(), "5", "served once the first client left");
}

#[test]
fn pass_1_takes_a_line_in_pieces_for_several_bad_requests() {
    let server = Server::start(PASS1, &[]);
    let mut client = LineClient::new(&server);
    client.send_in_pieces(&["0", " ", "5", "\n"], Duration::from_millis(200));
    let answers = client.answers_until_quiet(Duration::from_millis(500));
    assert!(answers.len() > 1, "{answers:?}");
    assert!(answers.iter().all(|answer| answer == "Bad Syntax"), "{answers:?}");
    assert_eq!(LineClient::new(&server).ask("0 0"), "0", "the line was never swapped");
}

#[test]
fn pass_1_takes_several_lines_in_one_read_for_one_request() {
    let server = Server::start(PASS1, &[]);
    let mut client = LineClient::new(&server);
    client.send("0 5\n5 7\n");
    assert_eq!(client.answers_until_quiet(Duration::from_millis(500)), ["Bad Syntax"]);
}

#[test]
fn stress_verdicts_tell_pass_1_from_pass_4() {
    let pass1 = Server::start(PASS1, &[]);
    let pass4 = Server::start(PASS4, &[]);
    for mode in [&["incomplete"][..], &["pieces", "0", "5"], &["lines", "5 7", "7 9"]] {
        let args: Vec<&str> = ["--wait", "0.5"].iter().chain(mode).copied().collect();
        let (ok, out) = stress(&pass1, &args);
        assert!(!ok && out.contains("verdict: WRONG"), "pass 1, {mode:?}: {out}");
        let (ok, out) = stress(&pass4, &args);
        assert!(ok && out.contains("verdict: right"), "pass 4, {mode:?}: {out}");
    }
}

/// A request line with random blanks around and between its two small numbers.
fn padded_line() -> impl Strategy<Value = String> {
    let blanks = || prop::sample::select(vec!["", " ", "\t", "  ", " \t "]);
    let between = prop::sample::select(vec![" ", "\t", "   "]);
    (blanks(), 0..4u64, between, 0..4u64, blanks()).prop_map(
        |(before, old, between, new, after)| format!("{before}{old}{between}{new}{after}"),
    )
}

/// Sends `0 0` and then `lines`, cut into segments at `cuts`, and checks each
/// answer against a register that starts where the server's was.
fn any_split_gives_the_same_answers(binary: &str) {
    let server = Server::start(binary, &[]);
    let config = Config { cases: 32, failure_persistence: None, ..Config::default() };
    let strategy = (vec(padded_line(), 1..8), vec(any::<Index>(), 0..6));
    TestRunner::new(config)
        .run(&strategy, |(lines, cuts)| {
            let stream: String =
                ["0 0".to_string()].iter().chain(&lines).map(|l| l.clone() + "\n").collect();
            let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(stream.len())).collect();
            cuts.extend([0, stream.len()]);
            cuts.sort();
            cuts.dedup();
            let pieces: Vec<&str> = cuts.windows(2).map(|at| &stream[at[0]..at[1]]).collect();
            let mut client = LineClient::new(&server);
            client.send_in_pieces(&pieces, Duration::from_millis(2));
            let start: u64 = client.answer().parse().unwrap();
            let mut register = Register::new();
            register.compare_and_swap(0, start);
            for line in &lines {
                let expected = cas::protocol::answer(&mut register, line.as_bytes());
                prop_assert_eq!(client.answer(), expected, "{:?} cut into {:?}", line, pieces);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn pass_2_answers_the_same_however_the_stream_is_cut() {
    any_split_gives_the_same_answers(PASS2);
}

#[test]
fn pass_3_answers_the_same_however_the_stream_is_cut() {
    any_split_gives_the_same_answers(PASS3);
}

#[test]
fn pass_4_answers_the_same_however_the_stream_is_cut() {
    any_split_gives_the_same_answers(PASS4);
}

/// The lecture's pass-1 server ends each answer with `\n\r`: cas-stress reads
/// the `\r` as a blank before the next answer, not as part of it.
#[test]
fn stress_judges_a_server_that_ends_its_lines_with_newline_return() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    thread::spawn(move || {
        let mut register = Register::default();
        for stream in listener.incoming().map_while(Result::ok) {
            let mut writer = stream.try_clone().unwrap();
            for line in BufReader::new(stream).split(b'\n').map_while(Result::ok) {
                let answer = cas::protocol::answer(&mut register, &line);
                let _ = write!(writer, "{answer}\n\r");
            }
        }
    });
    let out = Command::new(STRESS)
        .args(["--port", &port, "hammer", "--clients", "1", "--increments", "5"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("verdict: right"), "{stdout}");
}
