//! The reliability battery: every server of the workspace, started for real
//! on loopback, takes the bad input and bad manners of the outside world, and
//! must still answer afterwards.
//!
//! Each case does one nasty thing to a server and says what the server
//! answered. After each case the server must answer a normal request, its
//! thread count and resident memory must come back near where they started
//! (lingering connections are waited for, up to a bound), and it must not
//! have logged a panic. The cases are libtest trials, run one at a time:
//! `cargo xtask battery -- --list` lists them, `cargo xtask battery step5`
//! runs those whose name holds `step5`, and the run ends with libtest's
//! summary line. `cargo xtask battery` runs this test target, which plain
//! `cargo test` leaves out: it takes minutes.

mod cas;
mod http;

use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use libtest_mimic::{Arguments, Trial};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use testkit::Server;
use testkit::servers::{self, Kind, Spec};

/// How long a server may take to drop its lingering connections after a case
/// (read timeouts of 1 s, and the 2 s the HTTP servers give a client to stop
/// sending), with room for a loaded machine.
const SETTLE: Duration = Duration::from_secs(15);

/// How much resident memory a server may keep above its start, in KiB: the C
/// library keeps freed memory and the stacks of ended threads for reuse, so a
/// server that ran 200 threads at once keeps a MiB or two; a leak of a KiB per
/// connection over 10,000 connections would show above this.
const RSS_SLACK_KIB: u64 = 8 * 1024;

/// A server under test, as the battery runner sees it.
trait Subject: Send + Sync + 'static {
    /// The running process.
    fn server(&self) -> &Server;
    /// Sends one ordinary request, and fails unless it is answered as it should be.
    fn normal_request(&self) -> Result<()>;
}

/// One case: what it does to the server, and what the server answered.
struct Case<S> {
    /// What the case does: the trial's name after the server's.
    name: &'static str,
    /// Runs the case; says what the server answered, or why that was wrong.
    run: fn(&S) -> Result<String>,
}

/// Builds the servers and runs the cases that libtest's flags and filter
/// select, one at a time.
fn main() -> Result<()> {
    let mut arguments = Arguments::from_args();
    // One at a time: a case reads the server's threads and memory, and loads the machine.
    arguments.test_threads = Some(1);
    let binaries = build_servers()?;
    let own = || http::own_helpers().map_err(|error| format!("{error:#}").into());
    let mut trials = vec![Trial::test("the battery's own helpers", own)];
    for spec in servers::SERVERS {
        trials.extend(match spec.kind {
            Kind::Web(pages) => http::trials(&binaries, spec, pages),
            Kind::Cas => cas::trials(&binaries, spec),
        });
    }
    let conclusion = libtest_mimic::run(&arguments, trials);
    ensure!(!conclusion.has_failed(), "{} cases of the battery failed", conclusion.num_failed);
    Ok(())
}

/// Builds every server of the table, as the cargo that runs us would, and
/// says where the binaries are: beside the directory of this test's binary.
fn build_servers() -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let packages = servers::packages().into_iter().flat_map(|package| ["-p", package]);
    let status = Command::new(cargo).args(["build", "--quiet"]).args(packages).status()?;
    ensure!(status.success(), "cargo build failed: {status}");
    let me = std::env::current_exe()?;
    Ok(me.parent().and_then(Path::parent).context("tests run from target/PROFILE/deps")?.into())
}

/// A server started by the first of its cases that runs, and stopped when
/// the last of them is done with it.
struct Shared<S> {
    /// Starts it.
    start: Box<dyn Fn() -> Result<S> + Send + Sync>,
    /// The server and what it held at rest, or why it did not start.
    running: OnceLock<Result<(S, Vitals), String>>,
}

/// The trials of `cases` against one server, named `BINARY: CASE`.
fn cases<S: Subject>(
    spec: &Spec,
    cases: &'static [Case<S>],
    start: impl Fn() -> Result<S> + Send + Sync + 'static,
) -> Vec<Trial> {
    let shared = Arc::new(Shared { start: Box::new(start), running: OnceLock::new() });
    let trial = |case: &'static Case<S>| {
        let shared = Arc::clone(&shared);
        Trial::test(format!("{}: {}", spec.binary, case.name), move || {
            let said = shared.run(case).map_err(|error| format!("{error:#}"))?;
            print!("{said} ");
            Ok(())
        })
    };
    cases.iter().map(trial).collect()
}

impl<S: Subject> Shared<S> {
    /// Runs `case`, then checks that the server answers and lets go of
    /// what the case cost it; says what it answered and where it came back to.
    fn run(&self, case: &Case<S>) -> Result<String> {
        let running = self.running.get_or_init(|| {
            let ready = (self.start)().and_then(|subject| {
                subject.normal_request().context("it is not ready")?;
                let rest = Vitals::settled(subject.server())?;
                Ok((subject, rest))
            });
            ready.map_err(|error| format!("{error:#}"))
        });
        let (subject, rest) = running.as_ref().map_err(|why| anyhow!("no server: {why}"))?;
        ensure!(is_alive(subject.server().pid()), "the server died in an earlier case");
        let logged = subject.server().log().len();
        let began = Instant::now();
        let answered = (case.run)(subject)?;
        let took = began.elapsed().as_secs_f64();
        let after = check_after(subject, rest, logged)?;
        Ok(format!("{answered} in {took:.2} s; {after}"))
    }
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
fn check_after(subject: &impl Subject, start: &Vitals, logged: usize) -> Result<String> {
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
        let status = server.status();
        Vitals { threads: status.threads, rss_kib: status.vmrss.unwrap_or_default() }
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
    let stat = procfs::process::Process::new(pid as i32).and_then(|process| process.stat());
    stat.is_ok_and(|stat| stat.state != 'Z')
}

/// KiB as MiB, for people.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// `length` bytes that look random, the same on every run for a given `seed`.
fn noise(length: usize, seed: u64) -> Vec<u8> {
    let mut bytes = vec![0; length];
    StdRng::seed_from_u64(seed).fill_bytes(&mut bytes);
    bytes
}
