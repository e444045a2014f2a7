//! Starting the servers that the benchmark loads, each afresh, and reading
//! from `/proc` how many threads and how much memory they took.

use std::fs;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use procfs::process::{Process, all_processes};
use testkit::servers::{Kind as Protocol, Spec};
use testkit::{Log, Server};

use super::load::Tools;

/// How long nginx may take to stop once told to.
const NGINX_STOP: Duration = Duration::from_secs(5);

/// How often the thread count is read while a load runs.
const SAMPLE_EVERY: Duration = Duration::from_millis(10);

/// nginx's configuration, with `DIR`, `PORT` and `BODY` to fill in.
const NGINX_CONF: &str = include_str!("nginx.conf");

/// The Python peer: `python3 peer.py PAGE_FILE`.
const PYTHON_PEER: &str = include_str!("peer.py");

/// Where PyCSP's original programs are, in the workspace.
const PYCSP_DIR: &str = "xtask/peers/pycsp";

/// How to start a server.
pub enum Kind {
    /// A server of the workspace's table; a web server runs `--quiet`.
    Ours(&'static Spec),
    /// A Rust peer of `bench-peers`, answering the fixed page: its binary.
    Peer(&'static str),
    /// Python's `ThreadingHTTPServer`, answering the fixed page.
    Python,
    /// One of PyCSP's original steps, as the tutorial wrote it: its script.
    PyCsp(&'static str),
    /// nginx, answering the fixed page.
    Nginx,
}

/// Starts servers: knows where the binaries, the peers and their files are.
pub struct Launcher {
    /// The workspace's release binaries.
    bin: PathBuf,
    /// The workspace's top directory, where PyCSP's programs are.
    root: PathBuf,
    /// The temporary directory that holds the peers' files.
    scratch: PathBuf,
    /// The programs beyond ours.
    tools: Tools,
    /// The fixed page, as a string in nginx's configuration.
    nginx_page: String,
}

impl Launcher {
    /// Takes step 5's `/hello.html` as the page the peers answer, writes their
    /// files into `scratch`, and checks that each answers exactly that page.
    pub fn new(root: &Path, bin: PathBuf, scratch: &Path, tools: Tools) -> Result<Launcher> {
        let step5 = testkit::servers::SERVERS.iter().find(|spec| spec.binary == "step5-pool");
        let mut launcher = Launcher {
            bin,
            root: root.to_path_buf(),
            scratch: scratch.to_path_buf(),
            tools,
            nginx_page: String::new(),
        };
        let page =
            fetch(launcher.start(&Kind::Ours(step5.context("step 5")?))?.addr(), "/hello.html")?;
        fs::write(scratch.join("page.html"), &page)?;
        fs::write(scratch.join("peer.py"), PYTHON_PEER)?;
        launcher.nginx_page = nginx_string(&page)?;
        let peers =
            [Kind::Peer("naive-threads"), Kind::Peer("book-pool"), Kind::Nginx, Kind::Python];
        for peer in peers {
            let answer = fetch(launcher.start(&peer)?.addr(), "/")?;
            ensure!(answer == page, "a peer answers another page than step 5's /hello.html");
        }
        Ok(launcher)
    }

    /// The size of the page the peers answer.
    pub fn page_bytes(&self) -> Result<u64> {
        Ok(fs::metadata(self.scratch.join("page.html"))?.len())
    }

    /// The path of one of the workspace's binaries.
    pub fn binary(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// Starts a server, and waits until it listens.
    pub fn start(&self, kind: &Kind) -> Result<Running> {
        self.start_with(kind, &[])
    }

    /// Starts a server with `extra` flags after its own (ours only), and
    /// waits until it listens.
    pub fn start_with(&self, kind: &Kind, extra: &[&str]) -> Result<Running> {
        ensure!(
            extra.is_empty() || matches!(kind, Kind::Ours(_)),
            "only the workspace's servers take extra flags"
        );
        let page = self.scratch.join("page.html");
        let python = || Command::new(&self.tools.python);
        let (mut command, log) = match kind {
            Kind::Ours(spec) => {
                let mut ours = Command::new(self.bin.join(spec.binary));
                ours.args(["--port", "0"]).args(spec.args).args(extra);
                match spec.kind {
                    Protocol::Web(_) => (with(ours, ["--quiet"]), Log::Kept),
                    // A cas pass logs every request; nobody reads that under a load.
                    Protocol::Cas => (ours, Log::Dropped),
                }
            }
            Kind::Peer(binary) => (with(Command::new(self.bin.join(binary)), [page]), Log::Kept),
            Kind::Python => (with(python(), [self.scratch.join("peer.py"), page]), Log::Kept),
            Kind::PyCsp(script) => {
                let mut pycsp = with(python(), [self.root.join(PYCSP_DIR).join(script)]);
                pycsp.env("PYTHONPATH", &self.tools.pycsp).arg("0");
                (pycsp, Log::Kept)
            }
            Kind::Nginx => return self.start_nginx(),
        };
        let server = Server::launch(&mut command, log)?;
        Ok(Running { pids: vec![server.pid()], server, nginx: false })
    }

    /// Starts nginx in the foreground on a free port, with our configuration,
    /// and waits for its workers.
    fn start_nginx(&self) -> Result<Running> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let conf = NGINX_CONF
            .replace("DIR", &self.scratch.display().to_string())
            .replace("PORT", &port.to_string())
            .replace("BODY", &self.nginx_page);
        let conf_path = self.scratch.join("nginx.conf");
        fs::write(&conf_path, conf)?;
        let mut nginx = Command::new(&self.tools.nginx);
        nginx.arg("-p").arg(&self.scratch).arg("-e").arg(self.scratch.join("error.log"));
        let server =
            Server::launch_at(nginx.arg("-c").arg(&conf_path), ([127, 0, 0, 1], port).into())?;
        let pids = [vec![server.pid()], workers_of(server.pid())?].concat();
        Ok(Running { server, pids, nginx: true })
    }
}

/// A server that runs for one load; stopped when dropped.
pub struct Running {
    /// The process we started.
    server: Server,
    /// The processes that serve: the one we started, and nginx's workers.
    pub pids: Vec<u32>,
    /// Whether it is nginx, whose workers would outlive a kill of their master.
    nginx: bool,
}

impl Running {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// The most threads its processes had together, sampled while `work` runs.
    pub fn peak_threads_while<T>(&self, work: impl FnOnce() -> T) -> (T, u64) {
        let done = AtomicBool::new(false);
        thread::scope(|scope| {
            let sampler = scope.spawn(|| {
                let mut peak = 0;
                while !done.load(Ordering::Relaxed) {
                    peak = peak.max(self.sum(|status| Some(status.threads)));
                    thread::sleep(SAMPLE_EVERY);
                }
                peak
            });
            let result = work();
            done.store(true, Ordering::Relaxed);
            (result, sampler.join().expect("the sampler does not panic"))
        })
    }

    /// The peak resident memory of its processes (`VmHWM`) added up, in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.sum(|status| status.vmhwm)
    }

    /// The resident memory of its processes now (`VmRSS`) added up, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.sum(|status| status.vmrss)
    }

    /// The threads of its processes now, added up.
    pub fn threads(&self) -> u64 {
        self.sum(|status| Some(status.threads))
    }

    /// The CPU time its processes have used so far, threads that ended
    /// included, in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        let stats = self.processes().filter_map(|process| process.stat().ok());
        let ticks: u64 = stats.map(|stat| stat.utime + stat.stime).sum();
        ticks as f64 / procfs::ticks_per_second() as f64
    }

    /// A figure of `/proc/PID/status` of each of its processes, added up.
    fn sum(&self, figure: impl Fn(procfs::process::Status) -> Option<u64>) -> u64 {
        self.processes().filter_map(|process| figure(process.status().ok()?)).sum()
    }

    /// Its processes that still run.
    fn processes(&self) -> impl Iterator<Item = Process> {
        self.pids.iter().filter_map(|&pid| Process::new(pid as i32).ok())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.nginx {
            self.server.signal(Signal::SIGTERM);
            if self.server.exited_within(NGINX_STOP).is_none() {
                for &worker in &self.pids[1..] {
                    let _ = kill(Pid::from_raw(worker as i32), Signal::SIGKILL);
                }
            }
        }
    }
}

/// `command` with `args` added.
fn with<S: AsRef<std::ffi::OsStr>>(
    mut command: Command,
    args: impl IntoIterator<Item = S>,
) -> Command {
    command.args(args);
    command
}

/// GETs `path` and returns the body of a 200 answer.
fn fetch(addr: SocketAddr, path: &str) -> Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(testkit::PATIENCE))?;
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())?;
    let reply = testkit::read_reply(&mut stream);
    ensure!(reply.status == 200, "GET {path} from {addr} answered {}", reply.head);
    Ok(reply.body)
}

/// The page as a quoted string of nginx's configuration, which reads `\"`,
/// `\\` and `\n` as escapes and `$` as the start of a variable.
fn nginx_string(page: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(page).context("the page is not UTF-8")?;
    ensure!(!text.contains('$'), "the page holds a `$`, which nginx would read as a variable");
    Ok(text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

/// The processes whose parent is `master`: nginx's workers, once all have started.
fn workers_of(master: u32) -> Result<Vec<u32>> {
    let deadline = Instant::now() + testkit::PATIENCE;
    let mut workers = Vec::new();
    loop {
        let found: Vec<u32> = all_processes()?
            .filter_map(|process| process.ok()?.stat().ok())
            .filter(|stat| stat.ppid == master as i32)
            .map(|stat| stat.pid as u32)
            .collect();
        // Started workers stay; no new one for a moment means all have started.
        if !found.is_empty() && found.len() == workers.len() {
            return Ok(found);
        }
        ensure!(Instant::now() < deadline, "nginx started no worker in time");
        workers = found;
        thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_becomes_an_nginx_string() {
        let page = b"<p class=\"x\">a\\b</p>\n";
        assert_eq!(nginx_string(page).unwrap(), r#"<p class=\"x\">a\\b</p>\n"#);
        assert!(nginx_string(b"costs $5").is_err());
    }
}
