//! The reliability battery: every server of the workspace, started for real
//! on loopback, takes the bad input and bad manners of the outside world, and
//! must still answer afterwards.
//!
//! Each case does one nasty thing to a server and records what the server
//! answered. After each case the server must answer a normal request, its
//! thread count and resident memory must come back near where they started
//! (lingering connections are waited for, up to a bound), and it must not
//! have logged a panic. The battery prints one line per server and case, and
//! a summary; it fails if any case failed.

mod cas;
mod http;

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use testkit::Server;

use crate::tools;

/// How long a server may take to drop its lingering connections after a case
/// (read timeouts of 1 s, and the 2 s the HTTP servers give a client to stop
/// sending), with room for a loaded machine.
const SETTLE: Duration = Duration::from_secs(15);

/// How much resident memory a server may keep above its start, in KiB: the C
/// library keeps freed memory and the stacks of ended threads for reuse, so a
/// server that ran 200 threads at once keeps a MiB or two; a leak of a KiB per
/// connection over 10,000 connections would show above this.
const RSS_SLACK_KIB: u64 = 8 * 1024;

/// The packages whose servers the battery starts.
const PACKAGES: &[&str] = &[
    "step1-hello",
    "step2-service",
    "step3-multi",
    "step4-dispatcher",
    "step5-pool",
    "clock",
    "cas",
];

/// A server under test, as the battery runner sees it.
trait Subject {
    /// The server's name in the report.
    fn name(&self) -> &str;
    /// The running process.
    fn server(&self) -> &Server;
    /// Sends one ordinary request, and fails unless it is answered as it should be.
    fn normal_request(&self) -> Result<()>;
}

/// One case: what it does to the server, and what the server answered.
struct Case<S> {
    /// What the case does, for the report.
    name: &'static str,
    /// Runs the case; says what the server answered, or why that was wrong.
    run: fn(&S) -> Result<String>,
}

/// What the battery found, case by case.
#[derive(Default)]
struct Report {
    /// Every case run, in order.
    rows: Vec<Row>,
}

/// One case run against one server.
struct Row {
    /// The server's name.
    server: String,
    /// The case's name.
    case: &'static str,
    /// What the server answered and how it came back, or why the case failed.
    outcome: Result<String, String>,
}

/// Builds the servers, runs every case against each, prints the summary.
pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let binaries = tools::build_debug(root, PACKAGES.iter().copied())?;
    let mut report = Report::default();
    http::run(&binaries, &mut report)?;
    cas::run(&binaries, &mut report)?;
    report.summarize(started.elapsed())
}

/// Runs `cases` against `subject` one after the other, checking the server
/// after each, and prints a line for each.
fn run_cases<S: Subject>(subject: &S, cases: &[Case<S>], report: &mut Report) -> Result<()> {
    subject.normal_request().with_context(|| format!("{} is not ready", subject.name()))?;
    let start = Vitals::settled(subject.server())?;
    println!(
        "\n{} at rest: Threads {}, VmRSS {}",
        subject.name(),
        start.threads,
        mib(start.rss_kib)
    );
    for case in cases {
        let logged = subject.server().log().len();
        let began = Instant::now();
        let outcome = (case.run)(subject).and_then(|answered| {
            let took = began.elapsed().as_secs_f64();
            let after = check_after(subject, &start, logged)?;
            Ok(format!("{answered:<34} {took:>6.2} s  {after}"))
        });
        let outcome = outcome.map_err(|error| format!("{error:#}"));
        match &outcome {
            Ok(line) => println!("  {:<16} {:<40} {line}", subject.name(), case.name),
            Err(why) => println!("  {:<16} {:<40} FAILED: {why}", subject.name(), case.name),
        }
        report.rows.push(Row { server: subject.name().into(), case: case.name, outcome });
        if !is_alive(subject.server().pid()) {
            println!("  {}: died; its other cases are not run", subject.name());
            break;
        }
    }
    Ok(())
}

/// Connects, waiting at most `patience`, with reads and writes bounded by it too.
fn connect(addr: SocketAddr, patience: Duration) -> Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, patience).context("connect")?;
    stream.set_read_timeout(Some(patience))?;
    stream.set_write_timeout(Some(patience))?;
    Ok(stream)
}

/// Connects and sends `request` from a thread of its own while `read` reads
/// what comes back, so that an answer sent before the server has read
/// everything is heard at once. With `half_close` the client shuts its
/// sending side after the request. Once `read` is done, a writer still
/// blocked on a server that stopped reading gives up.
fn converse<T>(
    addr: SocketAddr,
    request: &[u8],
    half_close: bool,
    patience: Duration,
    read: impl FnOnce(&TcpStream) -> T,
) -> Result<T> {
    let stream = connect(addr, patience)?;
    let writer = stream.try_clone()?;
    Ok(thread::scope(|scope| {
        scope.spawn(|| {
            if (&writer).write_all(request).is_ok() && half_close {
                let _ = writer.shutdown(Shutdown::Write);
            }
        });
        let heard = read(&stream);
        let _ = stream.shutdown(Shutdown::Both);
        heard
    }))
}

/// After a case: the server answers, lets go of what the case cost it, and
/// logged no panic after its first `logged` lines. Says where its threads and
/// memory came back to.
fn check_after<S: Subject>(subject: &S, start: &Vitals, logged: usize) -> Result<String> {
    let server = subject.server();
    ensure!(is_alive(server.pid()), "the server died");
    subject.normal_request().context("a normal request after the case")?;
    let now = Vitals::back_to(server, start)?;
    if let Some(panic) = server.log()[logged..].iter().find(|line| line.contains("panicked")) {
        bail!("the server logged a panic: {panic}");
    }
    Ok(format!(
        "threads {}→{}, VmRSS {}→{}",
        start.threads,
        now.threads,
        mib(start.rss_kib),
        mib(now.rss_kib)
    ))
}

/// What a server holds: its threads and its resident memory.
#[derive(Clone, Copy)]
struct Vitals {
    /// `Threads` in `/proc/PID/status`.
    threads: u64,
    /// `VmRSS` in `/proc/PID/status`, in KiB.
    rss_kib: u64,
}

impl Vitals {
    /// Reads them now, from `/proc/PID/status`.
    fn of(server: &Server) -> Vitals {
        Vitals { threads: server.status("Threads"), rss_kib: server.status("VmRSS") }
    }

    /// Waits until the thread count has stayed the same for a few readings,
    /// so that a connection that has just been answered is gone.
    fn settled(server: &Server) -> Result<Vitals> {
        let deadline = Instant::now() + SETTLE;
        let mut last = Vitals::of(server);
        let mut unchanged = 0;
        while unchanged < 5 {
            ensure!(Instant::now() < deadline, "the thread count never settled");
            thread::sleep(Duration::from_millis(50));
            let now = Vitals::of(server);
            unchanged = if now.threads == last.threads { unchanged + 1 } else { 0 };
            last = now;
        }
        Ok(last)
    }

    /// Waits, up to [`SETTLE`], until the threads are back to `start` and the
    /// memory near it.
    fn back_to(server: &Server, start: &Vitals) -> Result<Vitals> {
        let deadline = Instant::now() + SETTLE;
        loop {
            let now = Vitals::of(server);
            if now.threads <= start.threads && now.rss_kib <= start.rss_kib + RSS_SLACK_KIB {
                return Ok(now);
            }
            if Instant::now() >= deadline {
                bail!(
                    "after {SETTLE:?} the server still holds {} threads (started with {}) and {} (started with {}, {} allowed above)",
                    now.threads,
                    start.threads,
                    mib(now.rss_kib),
                    mib(start.rss_kib),
                    mib(RSS_SLACK_KIB)
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Whether the process still runs (and is not a zombie waiting to be reaped).
fn is_alive(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let state = status.lines().find_map(|line| line.strip_prefix("State:"));
    state.is_some_and(|state| !state.trim_start().starts_with('Z'))
}

/// KiB as MiB, for people.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

impl Report {
    /// Prints how each server fared and the closing count; fails if any case failed.
    fn summarize(&self, elapsed: Duration) -> Result<()> {
        println!("\nsummary ({:.0} s):", elapsed.as_secs_f64());
        let mut servers: Vec<&str> = self.rows.iter().map(|row| row.server.as_str()).collect();
        servers.dedup();
        for server in servers {
            let rows = self.rows.iter().filter(|row| row.server == server);
            let failed: Vec<&str> =
                rows.clone().filter(|row| row.outcome.is_err()).map(|row| row.case).collect();
            let verdict = if failed.is_empty() {
                "all passed".into()
            } else {
                format!("FAILED: {}", failed.join(", "))
            };
            println!("  {server:<16} {:>2} cases  {verdict}", rows.count());
        }
        let failed = self.rows.iter().filter(|row| row.outcome.is_err()).count();
        println!("battery: {} passed, {failed} failed", self.rows.len() - failed);
        ensure!(failed == 0, "{failed} cases of the battery failed");
        Ok(())
    }
}

/// `length` bytes that look random, the same on every run for a given `seed`.
fn noise(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..length)
        .map(|_| {
            // xorshift64: plenty for bytes that mean nothing.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_the_same_for_a_seed_and_differs_between_seeds() {
        assert_eq!(noise(64, 1), noise(64, 1));
        assert_ne!(noise(64, 1), noise(64, 2));
    }
}
