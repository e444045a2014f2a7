//! The forking clock server over real TCP: a process per client, reaped when
//! it ends, killed and reaped on Ctrl-C. Linux: the tests look under `/proc`.

use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{PATIENCE, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_clock-fork-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_clock-fork-client");

/// Asks the time on `stream` and returns the answer, without its padding.
fn ask(stream: &mut TcpStream) -> String {
    stream.write_all(b"What is the time?        ").unwrap();
    let mut answer = [0; 25];
    stream.read_exact(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).trim_end().to_string();
    assert_eq!(answer.len(), 24, "{answer:?} is not in ctime form");
    answer
}

/// The process that serves `client`, read from the parent's log line
/// `appending PID 4242 for 127.0.0.1:49142`.
fn pid_serving(server: &Server, client: &TcpStream) -> u32 {
    let needle = format!(" for {}", client.local_addr().unwrap());
    let line = server.wait_for_log(&needle);
    let pid = line.split("appending PID ").nth(1).and_then(|rest| rest.split(' ').next());
    pid.and_then(|pid| pid.parse().ok()).unwrap_or_else(|| panic!("no PID in {line:?}"))
}

/// The state letter (`S` sleeping, `R` running, `Z` zombie) and the parent PID
/// of process `pid`, from `/proc/PID/stat`; `None` once the process is gone.
fn state_and_parent(pid: u32) -> Option<(char, u32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `PID (NAME) STATE PPID …`; the name may hold spaces, so start after its `)`.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    Some((state, fields.next()?.parse().ok()?))
}

/// Waits until process `pid` is gone from `/proc`: ended *and* reaped.
fn wait_until_gone(pid: u32) {
    let deadline = Instant::now() + PATIENCE;
    while let Some((state, _)) = state_and_parent(pid) {
        assert!(Instant::now() < deadline, "process {pid} is still there, state {state}");
        thread::sleep(Duration::from_millis(20));
    }
}

/// Stops the server as Ctrl-C would and checks that it exits with 0, having
/// killed and reaped its processes. (A server killed outright would orphan
/// them, and an init that does not reap orphans keeps them as zombies.)
fn stop(mut server: Server) {
    server.interrupt();
    let status = server.wait_for_exit(PATIENCE);
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn three_clients_three_processes_all_killed_and_reaped_on_ctrl_c() {
    let mut server = Server::start(SERVER, &["--block", "0"]);
    let mut clients: Vec<TcpStream> = (0..3).map(|_| server.connect()).collect();
    for client in &mut clients {
        ask(client);
    }
    let pids: Vec<u32> = clients.iter().map(|client| pid_serving(&server, client)).collect();
    let mut distinct = pids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "three processes, not {pids:?}");
    for &pid in &pids {
        let (state, parent) = state_and_parent(pid).expect("the process is alive");
        assert_eq!(parent, server.pid(), "process {pid} is a child of the server");
        assert!(state == 'S' || state == 'R', "process {pid} is in state {state}");
    }
    for client in &mut clients {
        ask(client);
    }

    server.interrupt();
    let status = server.wait_for_exit(PATIENCE);
    assert_eq!(status.code(), Some(0), "{status}");
    for &pid in &pids {
        server.wait_for_log(&format!("-> killing process {pid}"));
        assert_eq!(state_and_parent(pid), None, "process {pid} was killed and reaped");
    }
    server.wait_for_log("exiting; the listening socket closes with the process");
    for client in &mut clients {
        let mut rest = Vec::new();
        assert!(client.read_to_end(&mut rest).map_or(true, |read| read == 0), "{rest:?}");
    }
    TcpListener::bind(server.addr).expect("the port is free again");
}

#[test]
fn a_process_whose_client_closes_exits_and_is_reaped() {
    let server = Server::start(SERVER, &["--block", "0"]);
    let mut client = server.connect();
    ask(&mut client);
    let pid = pid_serving(&server, &client);
    assert!(matches!(state_and_parent(pid), Some(('S' | 'R', _))));
    drop(client);
    wait_until_gone(pid);
    server.wait_for_log(&format!("[process {pid}] closing client socket, exiting child process"));
    server.wait_for_log(&format!("process {pid} ended (exit status: 0)"));
    stop(server);
}

#[test]
fn a_question_cut_short_ends_the_process() {
    let server = Server::start(SERVER, &["--block", "0"]);
    let mut client = server.connect();
    ask(&mut client);
    let pid = pid_serving(&server, &client);
    client.write_all(b"What").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    server.wait_for_log(&format!("[process {pid}] client closed the connection after 4 of 25"));
    wait_until_gone(pid);
    stop(server);
}

/// Each process keeps its client waiting for `--block` seconds, but the three
/// wait side by side: three processes, not one after the other.
#[test]
fn blocked_clients_wait_side_by_side_then_are_answered_at_once() {
    let server = Server::start(SERVER, &["--block", "1.5"]);
    let started = Instant::now();
    let waits: Vec<Duration> = thread::scope(|scope| {
        let clients: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    let mut client = server.connect();
                    ask(&mut client);
                    let first = started.elapsed();
                    let again = Instant::now();
                    ask(&mut client);
                    assert!(again.elapsed() < Duration::from_secs(1), "{:?}", again.elapsed());
                    first
                })
            })
            .collect();
        clients.into_iter().map(|client| client.join().unwrap()).collect()
    });
    for wait in waits {
        assert!(wait >= Duration::from_millis(1400), "answered after {wait:?}, before the block");
        assert!(wait < Duration::from_secs(4), "waited {wait:?}: the clients were served in turn");
    }
    stop(server);
}

#[test]
fn the_client_asks_count_times_with_sleeps_between() {
    let server = Server::start(SERVER, &["--block", "0"]);
    let port = server.addr.port().to_string();
    let out = Command::new(CLIENT)
        .args(["--port", &port, "--count", "3", "--min", "0", "--max", "0.1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert_eq!(lines[0], "client is connected");
    for answer in [lines[1], lines[3], lines[5]] {
        assert_eq!(answer.len(), 24, "{answer:?} is not in ctime form");
    }
    for sleep in [lines[2], lines[4]] {
        let seconds =
            sleep.strip_prefix("client sleeps for ").and_then(|s| s.strip_suffix(" seconds"));
        assert!(seconds.is_some_and(|s| s.parse::<f64>().is_ok_and(|s| s <= 0.1)), "{sleep:?}");
    }
    server.wait_for_log("closing client socket, exiting child process");
    let questions = server.log().iter().filter(|line| line.contains("received \"What")).count();
    assert_eq!(questions, 3);
    stop(server);
}

/// The lecture's forking server answers each question with the 24
/// characters of `ctime`, unpadded, and keeps the connection: the client
/// takes 24 bytes and a moment of silence for a whole answer.
#[test]
fn the_client_takes_unpadded_answers_on_a_connection_kept_open() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let original = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut question = [0; 25];
        for time in ["Sun Apr  4 18:16:14 2010", "Sun Apr  4 18:16:15 2010"] {
            stream.read_exact(&mut question).unwrap();
            stream.write_all(time.as_bytes()).unwrap();
        }
        // Keeps the connection until the client closes it.
        stream.read(&mut question).unwrap()
    });
    let out = Command::new(CLIENT)
        .args(["--port", &port, "--count", "2", "--min", "0", "--max", "0"])
        .output()
        .unwrap();
    assert_eq!(original.join().unwrap(), 0, "the client closed after its answers");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let expected = "client is connected\nSun Apr  4 18:16:14 2010\nclient sleeps for 0.0 seconds\n\
                    Sun Apr  4 18:16:15 2010\n";
    assert_eq!(stdout, expected);
}

#[test]
fn a_min_above_the_max_is_refused() {
    let out = Command::new(CLIENT).args(["--min", "5", "--max", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--min must not be more than --max"));
}

#[test]
fn serving_a_client_needs_a_socket_on_stdin() {
    let out = Command::new(SERVER).arg("--serve-client").stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: --serve-client needs a connected socket"), "{stderr}");
}
