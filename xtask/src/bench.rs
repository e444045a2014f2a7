//! `cargo xtask bench`: how fast each web server of the workspace answers,
//! beside the servers a student would write first (a thread per connection,
//! the Rust book's pool), the PyCSP original that the steps port, nginx and
//! Python's http.server, and the cas passes under the hammer.
//!
//! Each server runs alone on loopback, started afresh for every load, with
//! its request log off. wrk loads it with `Connection: close` at 1, 8, 16, 64
//! and 256 connections, and with keep-alive at 8 and 64, while its threads,
//! peak memory and CPU time are read from `/proc`; then `perf stat` counts
//! its context switches per request at 64 connections, `Connection: close`.
//! Step 7 also holds 10,000 idle connections while fresh ones are timed.
//! The results are printed as tables and written under `target/bench/` as a
//! CSV, SVG charts, and the tables and quoted figures that the performance
//! chapter includes; `--update-book` copies them into the book.

mod chart;
mod idle;
mod launch;
mod load;
mod quotes;
mod report;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, ensure};
use testkit::TempDir;
use testkit::servers;

use crate::tools::{self, cargo, target_dir};
use launch::{Kind, Launcher};
use load::{Mode, Outcome, Tools, Wrk};

/// How many connections wrk keeps open at once, load after load, with
/// `Connection: close`.
const CONNECTIONS: [u32; 5] = [1, 8, 16, 64, 256];

/// The same with keep-alive: fewer, to keep the run's length in check.
const KEEP_ALIVE_CONNECTIONS: [u32; 2] = [8, TARGET_CONNECTIONS];

/// Every load of a web server: its mode and connections, in the order they run.
fn loads() -> impl Iterator<Item = (Mode, u32)> {
    let close = CONNECTIONS.into_iter().map(|connections| (Mode::Close, connections));
    close
        .chain(KEEP_ALIVE_CONNECTIONS.into_iter().map(|connections| (Mode::KeepAlive, connections)))
}

/// The connection count that the targets and the profile are measured at.
const TARGET_CONNECTIONS: u32 = 64;

/// How many clients hammer the cas server at once, run after run.
const HAMMER_CLIENTS: [u32; 2] = [8, TARGET_CLIENTS];

/// The client count that the cas target is measured at.
const TARGET_CLIENTS: u32 = 32;

/// Increments per hammer client for each second of `--seconds`: at the
/// default 10 seconds, 32 clients take seconds on two cores, not minutes.
const INCREMENTS_PER_SECOND: u64 = 200;

/// The longest profile: it needs enough requests to divide by, not more.
const MAX_PROFILE_SECONDS: u64 = 5;

/// A web server that the benchmark loads.
struct WebServer {
    /// Its name in the tables, the CSV and the charts, and for `--only`.
    name: &'static str,
    /// How to start it.
    kind: Kind,
    /// The path that wrk asks for.
    path: &'static str,
}

/// The peers, after the workspace's web servers: what a student would write
/// first, the original that the steps port, and the fast and the easy way.
const PEERS: [WebServer; 6] = [
    WebServer { name: "naive-threads", kind: Kind::Peer("naive-threads"), path: "/" },
    WebServer { name: "book-pool", kind: Kind::Peer("book-pool"), path: "/" },
    WebServer { name: "pycsp-step1", kind: Kind::PyCsp("step1.py"), path: "/" },
    WebServer { name: "pycsp-step5", kind: Kind::PyCsp("step5.py"), path: "/hello.html" },
    WebServer { name: "nginx", kind: Kind::Nginx, path: "/" },
    WebServer { name: "python", kind: Kind::Python, path: "/" },
];

/// Every web server of the workspace's table, then the peers.
fn web_servers() -> impl Iterator<Item = WebServer> {
    let ours = servers::web_servers().map(|(spec, pages)| WebServer {
        name: spec.binary,
        kind: Kind::Ours(spec),
        path: pages[0].path,
    });
    ours.chain(PEERS)
}

/// What `cargo xtask bench` is told.
pub struct Options {
    /// How long each load lasts.
    pub seconds: u64,
    /// Only these servers, when not empty.
    pub only: Vec<String>,
    /// Whether to write the book's tables, charts and quoted figures too.
    pub update_book: bool,
    /// Words for the caption, such as "while other builds ran".
    pub note: Option<String>,
}

impl Options {
    /// Whether this run measures `server`.
    fn wants(&self, server: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|name| name == server)
    }
}

/// One load of one server, as measured.
pub struct Run {
    /// The server.
    server: &'static str,
    /// What was asked: the path, or `hammer`.
    what: &'static str,
    /// How wrk's connections lived; none for the hammer.
    mode: Option<Mode>,
    /// Connections (wrk) or clients (the hammer) at once.
    connections: u32,
    /// What the load measured.
    outcome: Outcome,
    /// The most threads the server had during the load.
    peak_threads: u64,
    /// Its peak resident memory, in KiB.
    peak_rss_kib: u64,
    /// The CPU time it used during the load, in seconds.
    cpu_seconds: f64,
}

impl Run {
    /// The server's CPU time per request, in microseconds.
    fn cpu_us(&self) -> f64 {
        self.cpu_seconds * 1e6 / self.outcome.requests.max(1) as f64
    }
}

/// What a request costs a server, counted by `perf stat` during a load. perf
/// follows each new thread, which slows down a server that starts one per
/// connection: its CPU time here is more than without perf.
pub struct Profile {
    /// The server.
    server: &'static str,
    /// What wrk measured meanwhile.
    outcome: Outcome,
    /// Context switches per request.
    switches: f64,
    /// CPU time per request, in microseconds.
    cpu_us: f64,
}

/// Everything one benchmark run measured.
#[derive(Default)]
pub struct Results {
    /// The web servers under wrk.
    web: Vec<Run>,
    /// The per-request costs at [`TARGET_CONNECTIONS`].
    profiles: Vec<Profile>,
    /// The cas passes under the hammer.
    hammer: Vec<Run>,
    /// Step 7 with idle connections.
    idle: Option<idle::Idle>,
}

/// Builds the servers, measures every one, and writes the results.
pub fn run(root: &Path, options: &Options) -> Result<()> {
    ensure!(
        !options.update_book || options.only.is_empty(),
        "--update-book needs every server: the book's figures come from one whole run"
    );
    if options.wants(idle::SERVER) {
        idle::check()?;
    }
    let tools = Tools::ready(root)?;
    let packages = testkit::servers::packages().into_iter().chain(["bench-peers"]);
    tools::run(
        Command::new(cargo())
            .current_dir(root)
            .args(["build", "--release"])
            .args(packages.flat_map(|package| ["-p", package])),
    )?;
    let scratch = TempDir::new()?;
    let (wrk, perf) = (Wrk::new(&tools.wrk, scratch.path())?, tools.perf.clone());
    let launcher = Launcher::new(root, target_dir(root).join("release"), scratch.path(), tools)?;
    let caption = report::caption(options)?;
    println!("{caption}");
    println!("the peers answer step 5's /hello.html: {} bytes", launcher.page_bytes()?);
    let mut results = Results::default();
    for server in web_servers().filter(|server| options.wants(server.name)) {
        for (mode, connections) in loads() {
            let run = measure(
                &launcher,
                &server.kind,
                (server.name, server.path, Some(mode), connections),
                |addr| {
                    let url = format!("http://{addr}{}", server.path);
                    wrk.load(&url, connections, options.seconds, mode)
                },
            )?;
            println!("{}", report::progress(&run));
            results.web.push(run);
        }
        if let Some(perf) = &perf {
            let seconds = options.seconds.min(MAX_PROFILE_SECONDS);
            results.profiles.push(profile(&launcher, &wrk, perf, &server, seconds)?);
        }
        if let Kind::Ours(spec) = server.kind
            && spec.binary == idle::SERVER
        {
            let idle = idle::measure(&launcher, spec)?;
            println!("{}", report::idle_progress(&idle));
            results.idle = Some(idle);
        }
    }
    let increments = INCREMENTS_PER_SECOND * options.seconds;
    for pass in servers::cas_passes().filter(|pass| options.wants(pass.binary)) {
        for clients in HAMMER_CLIENTS {
            let stress = launcher.binary("cas-stress");
            let run = measure(
                &launcher,
                &Kind::Ours(pass),
                (pass.binary, "hammer", None, clients),
                |addr| load::hammer(&stress, addr.port(), clients, increments),
            )?;
            println!("{}", report::progress(&run));
            results.hammer.push(run);
        }
    }
    report::write(root, &target_dir(root).join("bench"), &results, &caption, options)
}

/// Starts `kind` afresh, runs `load` against its address, and reads what
/// that cost the server.
fn measure(
    launcher: &Launcher,
    kind: &Kind,
    (server, what, mode, connections): (&'static str, &'static str, Option<Mode>, u32),
    load: impl FnOnce(SocketAddr) -> Result<Outcome>,
) -> Result<Run> {
    let running = launcher.start(kind)?;
    let cpu_before = running.cpu_seconds();
    let (outcome, peak_threads) = running.peak_threads_while(|| load(running.addr()));
    Ok(Run {
        server,
        what,
        mode,
        connections,
        outcome: outcome?,
        peak_threads,
        peak_rss_kib: running.peak_rss_kib(),
        cpu_seconds: running.cpu_seconds() - cpu_before,
    })
}

/// Starts `server` afresh and loads it at [`TARGET_CONNECTIONS`] with
/// `Connection: close` while perf counts.
fn profile(
    launcher: &Launcher,
    wrk: &Wrk,
    perf: &Path,
    server: &WebServer,
    seconds: u64,
) -> Result<Profile> {
    let running = launcher.start(&server.kind)?;
    let url = format!("http://{}{}", running.addr(), server.path);
    let (outcome, counts) = load::counting(perf, &running.pids, seconds, || {
        wrk.load(&url, TARGET_CONNECTIONS, seconds, Mode::Close)
    })?;
    let requests = outcome.requests.max(1) as f64;
    Ok(Profile {
        server: server.name,
        switches: counts.switches / requests,
        cpu_us: counts.cpu_ms * 1e3 / requests,
        outcome,
    })
}
