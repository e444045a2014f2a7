//! What every server of the workspace needs around its lesson: seconds on
//! the command line, a listening socket that says where it is, a read that
//! waits no later than a deadline, and the exit status of `main`.
//!
//! The steps, cas and clock all use it, and so does the HTTP library,
//! `http1`, so that none of them keeps a copy of its own.

use std::io::{self, ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

/// Reads a number of seconds such as `10` or `0.5`.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("`{text}` is not a number of seconds"))
}

/// Reads a timeout: seconds above zero, since a zero timeout would give up at once.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = parse_seconds(text)?;
    if timeout.is_zero() {
        Err("a timeout must be more than 0 seconds".into())
    } else {
        Ok(timeout)
    }
}

/// Binds `host:port`; a failure says which address could not be had.
pub fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port)).with_context(|| format!("cannot listen on {host}:{port}"))
}

/// Binds `host:port` and says where on stdout: `listening on 127.0.0.1:22222`.
pub fn listen(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    let listener = bind(host, port)?;
    println!("listening on {}", listener.local_addr()?);
    Ok(listener)
}

// ANCHOR: read_before
/// Reads once, waiting no later than `deadline`: a peer cannot stretch the
/// wait by sending a byte at a time.
pub fn read_before(
    mut stream: &TcpStream,
    deadline: Instant,
    buffer: &mut [u8],
) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    stream.read(buffer)
}

/// Whether a read ended because its timeout ran out (Unix says `WouldBlock`).
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
// ANCHOR_END: read_before

/// What `main` returns: success, or the error as one line on stderr and exit status 1.
pub fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The `main` of a program that starts a process per client, on a system
/// that is not Unix: it says why it cannot run, rather than not build.
pub fn needs_unix(program: &str) -> ExitCode {
    eprintln!(
        "error: {program} starts a process per client as Unix does: run it on Linux, macOS or WSL"
    );
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_may_be_fractions_and_a_timeout_is_not_zero() {
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_seconds("0"), Ok(Duration::ZERO));
        for bad in ["", "x", "-1", "nan", "inf"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
        assert!(parse_timeout("0").is_err());
        assert_eq!(parse_timeout("2"), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn a_read_past_its_deadline_times_out_without_waiting() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let error = read_before(&stream, Instant::now(), &mut [0; 8]).unwrap_err();
        assert!(is_timeout(&error));
        let started = Instant::now();
        let error =
            read_before(&stream, started + Duration::from_millis(100), &mut [0; 8]).unwrap_err();
        assert!(is_timeout(&error) && started.elapsed() >= Duration::from_millis(90));
    }
}
