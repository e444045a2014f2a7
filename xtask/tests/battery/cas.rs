//! The battery's cases against the compare-and-swap servers, passes 2 to 4
//! (pass 1 is the one that is meant to break): garbage, a line far past the
//! limit, and many clients incrementing at once.

use std::io::{BufRead, BufReader, ErrorKind};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use libtest_mimic::Trial;
use testkit::Server;
use testkit::servers::Spec;

use super::{Case, Subject, noise};

/// How long a client waits for an answer or a close before calling the server stuck.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the servers answer to anything that is not a request.
const BAD_SYNTAX: &str = "Bad Syntax";

/// The hammer: this many clients at once, each incrementing this many times.
const HAMMER: (u32, u32) = (8, 500);

/// A running pass under test.
struct Cas {
    /// The process.
    server: Server,
    /// The stress client, whose hammer mode checks that no increment is lost.
    stress: PathBuf,
}

impl Subject for Cas {
    fn server(&self) -> &Server {
        &self.server
    }

    fn normal_request(&self) -> Result<()> {
        let (answers, _) = converse(self, b"0 0\n", true)?;
        let first = answers.first().map(String::as_str);
        ensure!(first.is_some_and(|answer| answer.parse::<u64>().is_ok()), "\"0 0\" got {first:?}");
        Ok(())
    }
}

/// Every case, in order.
const CASES: &[Case<Cas>] = &[
    Case { name: "garbage", run: garbage },
    Case { name: "a 1 MiB line with no newline", run: endless_line },
    Case { name: "the hammer loses nothing", run: hammer },
];

/// The battery's trials against the server of `spec`.
pub(super) fn trials(bin: &Path, spec: &'static Spec) -> Vec<Trial> {
    let bin = bin.to_path_buf();
    super::cases(spec, CASES, move || start(&bin, spec))
}

/// Starts the pass of `spec` with a short read timeout.
fn start(bin: &Path, spec: &Spec) -> Result<Cas> {
    let server = spec.start(bin, &["--read-timeout", "1"])?;
    Ok(Cas { server, stress: bin.join("cas-stress") })
}

/// 16 KiB of random bytes, then the end of the stream: every line that came
/// whole is answered `Bad Syntax`, and the connection ends.
fn garbage(cas: &Cas) -> Result<String> {
    let (answers, end) = converse(cas, &noise(16 * 1024, 3), true)?;
    let wrong = answers.iter().find(|answer| *answer != BAD_SYNTAX);
    ensure!(wrong.is_none(), "garbage got {wrong:?}");
    Ok(format!("{BAD_SYNTAX} ×{}, then {end}", answers.len()))
}

/// A line that never ends: refused with `Bad Syntax`, and the connection closed.
fn endless_line(cas: &Cas) -> Result<String> {
    let (answers, end) = converse(cas, &vec![b'1'; 1024 * 1024], false)?;
    ensure!(answers == [BAD_SYNTAX], "the endless line got {answers:?}, then {end}");
    ensure!(end != "no close", "the server kept the connection open");
    Ok(format!("{BAD_SYNTAX}, then {end}"))
}

/// `cas-stress hammer`: the register must end up incremented by every client.
fn hammer(cas: &Cas) -> Result<String> {
    let (clients, increments) = HAMMER;
    let out = Command::new(&cas.stress)
        .args(["--port", &cas.server.addr.port().to_string(), "hammer"])
        .args(["--clients", &clients.to_string(), "--increments", &increments.to_string()])
        .args(["--timeout", &PATIENCE.as_secs().to_string()])
        .output()
        .context("run cas-stress")?;
    let said = String::from_utf8_lossy(&out.stdout);
    ensure!(out.status.success() && said.contains("verdict: right"), "cas-stress said:\n{said}");
    let requests = said.lines().find(|line| line.contains("requests/s")).unwrap_or_default();
    Ok(format!("{clients}×{increments}, none lost: {requests}"))
}

/// Sends `request` and reads the answers until the server closes; says them
/// and how it ended. With `half_close` the client shuts its sending side
/// after the request; without, it waits for the server to close.
fn converse(cas: &Cas, request: &[u8], half_close: bool) -> Result<(Vec<String>, String)> {
    super::converse(cas.server.addr, request, half_close, PATIENCE, read_lines)?
}

/// Reads answer lines until the stream ends, or stays silent for
/// [`PATIENCE`]; says them and how it ended.
fn read_lines(stream: &TcpStream) -> Result<(Vec<String>, String)> {
    let mut reader = BufReader::new(stream);
    let mut answers = Vec::new();
    loop {
        let mut line = Vec::new();
        let end = match reader.read_until(b'\n', &mut line) {
            Ok(0) => "closed",
            Ok(_) if line.ends_with(b"\n") => {
                answers.push(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned());
                continue;
            }
            Ok(_) => "closed mid-line",
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                "no close"
            }
            Err(error) if error.kind() == ErrorKind::ConnectionReset => "reset",
            Err(error) => return Err(error).context("read the answers"),
        };
        return Ok((answers, end.to_string()));
    }
}
