//! The lectures' own programs, ported to Python 3 with their bugs in
//! `fixtures/originals/`: how the tests start one, and run a client to its end.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::{Log, PATIENCE, Server};

/// `python3 -B -u fixtures/originals/SCRIPT`: no `__pycache__` left in the
/// fixtures, and every print written at once, so that the log is complete.
pub fn python(script: &str) -> Command {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/originals/");
    let mut command = Command::new("python3");
    command.args(["-B", "-u", &format!("{path}{script}")]);
    command
}

/// Starts an original server on a free port of 127.0.0.1.
pub fn original_server(script: &str) -> Server {
    Server::launch(python(script).args(["0", "127.0.0.1"]), Log::Kept)
        .unwrap_or_else(|error| panic!("{error:#}"))
}

/// Runs a client to its end, at most [`PATIENCE`], and returns what it did;
/// a client that does not end is killed, and the test fails.
pub fn run_to_end(command: &mut Command) -> Output {
    run_within(command, PATIENCE)
}

/// [`run_to_end`], for a client that may take up to `limit`.
pub fn run_within(command: &mut Command, limit: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
    if child.wait_timeout(limit).expect("wait for the client").is_none() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{command:?} did not end within {limit:?}");
    }
    child.wait_with_output().expect("read what the client printed")
}
