//! The loads and the counters: wrk for the web servers, the cas stress
//! client's hammer for cas, `perf stat` for what a request costs; and the
//! tools they need, installed with apt-get when missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::tools;

/// wrk's script: it ends the run with one line of figures that we read.
const WRK_SCRIPT: &str = include_str!("report.lua");

/// How long `perf stat` gets to attach before the load starts.
const PERF_ATTACH: Duration = Duration::from_millis(300);

/// The programs the benchmark runs beyond the workspace's own.
pub struct Tools {
    /// The load generator.
    pub wrk: PathBuf,
    /// The event-loop peer.
    pub nginx: PathBuf,
    /// The interpreter of the Python peers.
    pub python: PathBuf,
    /// Where PyCSP is installed, for `PYTHONPATH`.
    pub pycsp: PathBuf,
    /// Counts context switches and CPU time; without it there is no profile.
    pub perf: Option<PathBuf>,
}

impl Tools {
    /// Finds wrk, nginx and python3, installing with apt-get those that are
    /// missing, PyCSP with pip under `target/tools`, and perf if it is there
    /// and allowed to count.
    pub fn ready(root: &Path) -> Result<Tools> {
        let missing: Vec<&str> =
            ["wrk", "nginx", "python3"].into_iter().filter(|name| locate(name).is_none()).collect();
        if !missing.is_empty() {
            install(&missing)?;
        }
        let installed = |name| locate(name).with_context(|| format!("{name} is still missing"));
        let perf = locate("perf").filter(|perf| perf_counts(perf));
        if perf.is_none() {
            println!(
                "perf is missing or may not count here: no profile (apt-get install linux-perf)"
            );
        }
        let python = installed("python3")?;
        let pycsp = tools::target_dir(root).join("tools/pycsp");
        if !pycsp.join("pycsp").is_dir() {
            println!("installing PyCSP with pip into {}", pycsp.display());
            let requirements = root.join("xtask/peers/pycsp/requirements.txt");
            tools::run(
                Command::new(&python)
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
                    .arg("--target")
                    .arg(&pycsp)
                    .arg("-r")
                    .arg(requirements),
            )?;
        }
        Ok(Tools { wrk: installed("wrk")?, nginx: installed("nginx")?, python, pycsp, perf })
    }
}

/// Where a program is: on the PATH, or in /usr/sbin, where Debian puts nginx.
fn locate(name: &str) -> Option<PathBuf> {
    let sbin = Path::new("/usr/sbin").join(name);
    tools::find(name, "").ok().or_else(|| sbin.is_file().then_some(sbin))
}

/// Installs Debian packages, saying so.
fn install(packages: &[&str]) -> Result<()> {
    println!("installing {} with apt-get: not found on this machine", packages.join(" and "));
    let hint = || format!("install {} yourself, or run as root", packages.join(", "));
    tools::run(Command::new("apt-get").args(["update", "-qq"])).with_context(hint)?;
    tools::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .with_context(hint)
}

/// Whether perf can count context switches here (a kernel setting may forbid it).
fn perf_counts(perf: &Path) -> bool {
    Command::new(perf)
        .args(["stat", "-e", "context-switches", "--", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// What one load measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Requests answered.
    pub requests: u64,
    /// How long the load ran, in seconds.
    pub seconds: f64,
    /// Median latency in milliseconds (wrk only).
    pub p50_ms: Option<f64>,
    /// 99th percentile latency in milliseconds (wrk only).
    pub p99_ms: Option<f64>,
    /// wrk: socket errors and answers other than 2xx or 3xx; the hammer: increments lost.
    pub errors: u64,
}

impl Outcome {
    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// How wrk's connections live: the mode of a load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// Each connection closed after one request: wrk sends `Connection: close`.
    Close,
    /// HTTP/1.1's persistent connections: wrk sends the next request on the
    /// same connection, until the server closes it.
    KeepAlive,
}

impl Mode {
    /// Its name in the tables and the CSV.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Close => "close",
            Mode::KeepAlive => "keep-alive",
        }
    }
}

/// wrk, with our script.
pub struct Wrk {
    /// The wrk program.
    program: PathBuf,
    /// Our script, written to the temporary directory.
    script: PathBuf,
}

impl Wrk {
    /// Writes the script into `scratch`.
    pub fn new(program: &Path, scratch: &Path) -> Result<Wrk> {
        let script = scratch.join("report.lua");
        fs::write(&script, WRK_SCRIPT)?;
        Ok(Wrk { program: program.to_path_buf(), script })
    }

    /// Loads `url` for `seconds` over `connections` connections, from up to
    /// two threads; in [`Mode::Close`], each connection is closed after one
    /// request.
    pub fn load(&self, url: &str, connections: u32, seconds: u64, mode: Mode) -> Result<Outcome> {
        let mut wrk = Command::new(&self.program);
        wrk.arg(format!("-t{}", connections.min(2)))
            .arg(format!("-c{connections}"))
            .arg(format!("-d{seconds}s"))
            .arg("--latency");
        if mode == Mode::Close {
            wrk.args(["-H", "Connection: close"]);
        }
        let out = wrk
            .arg("-s")
            .arg(&self.script)
            .arg(url)
            .stdin(Stdio::null())
            .output()
            .context("cannot run wrk")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        ensure!(out.status.success(), "wrk failed: {}", String::from_utf8_lossy(&out.stderr));
        parse_wrk(&stdout).with_context(|| format!("wrk printed:\n{stdout}"))
    }
}

/// Reads our script's line: `bench: REQUESTS MICROS P50 P99 CONNECT READ WRITE STATUS TIMEOUT`.
fn parse_wrk(stdout: &str) -> Result<Outcome> {
    let line =
        stdout.lines().find_map(|line| line.strip_prefix("bench: ")).context("no figures")?;
    let numbers: Vec<u64> = line.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
    let [requests, micros, p50, p99, ref errors @ ..] = numbers[..] else {
        bail!("too few figures")
    };
    ensure!(errors.len() == 5, "five kinds of errors expected");
    Ok(Outcome {
        requests,
        seconds: micros as f64 / 1e6,
        p50_ms: Some(p50 as f64 / 1e3),
        p99_ms: Some(p99 as f64 / 1e3),
        errors: errors.iter().sum(),
    })
}

/// What `perf stat` counted in the server's processes during a load.
#[derive(Debug, PartialEq)]
pub struct Counts {
    /// Context switches: each time a thread stopped running and another took the core.
    pub switches: f64,
    /// CPU time, in milliseconds.
    pub cpu_ms: f64,
}

/// Runs `load` while `perf stat` counts the context switches and CPU time of `pids`.
pub fn counting<T>(
    perf: &Path,
    pids: &[u32],
    seconds: u64,
    load: impl FnOnce() -> Result<T>,
) -> Result<(T, Counts)> {
    let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
    let counter = Command::new(perf)
        .args(["stat", "-x,", "-e", "context-switches,cpu-clock", "-p", &pids.join(",")])
        .args(["--", "sleep", &(seconds + 1).to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run perf")?;
    thread::sleep(PERF_ATTACH);
    let loaded = load();
    let out = counter.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "perf stat failed: {stderr}");
    Ok((loaded?, parse_perf(&stderr).with_context(|| format!("perf stat printed:\n{stderr}"))?))
}

/// Reads `perf stat -x,` lines: `VALUE,UNIT,EVENT,…`.
fn parse_perf(stderr: &str) -> Result<Counts> {
    let value = |event: &str| {
        stderr
            .lines()
            .map(|line| line.split(',').collect::<Vec<_>>())
            .find(|fields| fields.get(2).is_some_and(|name| name.starts_with(event)))
            .and_then(|fields| fields[0].parse::<f64>().ok())
            .with_context(|| format!("no count of {event}"))
    };
    Ok(Counts { switches: value("context-switches")?, cpu_ms: value("cpu-clock")? })
}

/// Runs cas-stress's hammer: `clients` clients add 1 by compare-and-swap,
/// `increments` times each. The time is the whole run's, connections included.
pub fn hammer(stress: &Path, port: u16, clients: u32, increments: u64) -> Result<Outcome> {
    let began = Instant::now();
    let out = Command::new(stress)
        .args(["--port", &port.to_string(), "hammer"])
        .args(["--clients", &clients.to_string(), "--increments", &increments.to_string()])
        .stdin(Stdio::null())
        .output()
        .context("cannot run cas-stress")?;
    let seconds = began.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    parse_hammer(&stdout, seconds).with_context(|| {
        format!("cas-stress printed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr))
    })
}

/// Reads the hammer's `N requests (R retries) in TIME: RATE requests/s` and
/// its verdict, `right` or `WRONG, N increments lost`.
fn parse_hammer(stdout: &str, seconds: f64) -> Result<Outcome> {
    let figures =
        stdout.lines().find(|line| line.contains(" retries) in ")).context("no figures")?;
    let requests = figures.split(' ').next().unwrap_or_default().parse()?;
    let verdict =
        stdout.lines().find_map(|line| line.strip_prefix("verdict: ")).context("no verdict")?;
    let lost = match verdict.strip_prefix("WRONG, ") {
        None => 0,
        Some(wrong) => wrong.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(1),
    };
    Ok(Outcome { requests, seconds, p50_ms: None, p99_ms: None, errors: lost })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_figures_are_read() {
        let stdout = "Running 2s test @ http://127.0.0.1:1/\n...\nbench: 24000 2001000 2500 9100 0 3 0 2 0\nRequests/sec: 1\n";
        let outcome = parse_wrk(stdout).unwrap();
        assert_eq!(outcome.requests, 24000);
        assert_eq!((outcome.p50_ms, outcome.p99_ms, outcome.errors), (Some(2.5), Some(9.1), 5));
        assert!((outcome.rate() - 24000.0 / 2.001).abs() < 1e-6);
        assert!(parse_wrk("Requests/sec: 1\n").is_err());
        assert!(parse_wrk("bench: 1 2 3\n").is_err());
    }

    #[test]
    fn perf_counts_are_read() {
        let stderr = "\n4321,,context-switches,4000000000,100.00,,\n2034.50,msec,cpu-clock,2034500000,100.00,0.51,CPUs utilized\n";
        assert_eq!(parse_perf(stderr).unwrap(), Counts { switches: 4321.0, cpu_ms: 2034.5 });
        assert!(parse_perf("<not counted>,,context-switches,0,0.00,,\n").is_err());
    }

    #[test]
    fn hammer_figures_are_read() {
        let right = "8 clients x 500 increments, from 0\nfinal value 4000, expected 4000\n\
                     15541 requests (11541 retries) in 244.96ms: 63444 requests/s\nverdict: right\n";
        let outcome = parse_hammer(right, 0.25).unwrap();
        assert_eq!((outcome.requests, outcome.errors, outcome.seconds), (15541, 0, 0.25));
        let wrong = right.replace("verdict: right", "verdict: WRONG, 7 increments lost");
        assert_eq!(parse_hammer(&wrong, 0.25).unwrap().errors, 7);
    }
}
