//! Starting the servers that the benchmark loads, each afresh, and reading
//! from `/proc` how many threads and how much memory they took.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use super::load::Tools;

/// How long a server may take to start listening.
const STARTUP: Duration = Duration::from_secs(10);

/// How long nginx may take to stop once told to.
const NGINX_STOP: Duration = Duration::from_secs(5);

/// How often the thread count is read while a load runs.
const SAMPLE_EVERY: Duration = Duration::from_millis(10);

/// nginx's configuration, with `DIR`, `PORT` and `BODY` to fill in.
const NGINX_CONF: &str = include_str!("nginx.conf");

/// The Python peer: `python3 peer.py PAGE_FILE`.
const PYTHON_PEER: &str = include_str!("peer.py");

/// How to start a server.
pub enum Kind {
    /// A web server of the workspace: its binary, and its flags beyond `--port 0 --quiet`.
    Ours(&'static str, &'static [&'static str]),
    /// A cas server pass, which logs every request: its log goes nowhere.
    Cas(&'static str),
    /// A Rust peer of `bench-peers`, answering the fixed page: its binary.
    Peer(&'static str),
    /// nginx, answering the fixed page.
    Nginx,
    /// Python's `ThreadingHTTPServer`, answering the fixed page.
    Python,
}

/// Starts servers: knows where the binaries, the peers and their files are.
pub struct Launcher {
    /// The workspace's release binaries.
    bin: PathBuf,
    /// The temporary directory that holds the peers' files.
    scratch: PathBuf,
    /// The nginx program.
    nginx: PathBuf,
    /// The python3 program.
    python: PathBuf,
    /// The fixed page, as a string in nginx's configuration.
    nginx_page: String,
}

impl Launcher {
    /// Takes step 5's `/hello.html` as the page the peers answer, writes their
    /// files into `scratch`, and checks that both answer exactly that page.
    pub fn new(bin: PathBuf, scratch: &Path, tools: &Tools) -> Result<Launcher> {
        let step5 = start_listening(ours(&bin, "step5-pool").arg("--quiet"), Stdio::inherit())?;
        let page = fetch(step5.addr, "/hello.html")?;
        drop(step5);
        fs::write(scratch.join("page.html"), &page)?;
        fs::write(scratch.join("peer.py"), PYTHON_PEER)?;
        let launcher = Launcher {
            bin,
            scratch: scratch.to_path_buf(),
            nginx: tools.nginx.clone(),
            python: tools.python.clone(),
            nginx_page: nginx_string(&page)?,
        };
        let peers = [
            ("naive-threads", Kind::Peer("naive-threads")),
            ("book-pool", Kind::Peer("book-pool")),
            ("nginx", Kind::Nginx),
            ("python", Kind::Python),
        ];
        for (peer, kind) in peers {
            let answer = fetch(launcher.start(&kind)?.addr, "/")?;
            ensure!(answer == page, "{peer} answers another page than step 5's /hello.html");
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
        match kind {
            Kind::Ours(binary, args) => start_listening(
                ours(&self.bin, binary).arg("--quiet").args(*args),
                Stdio::inherit(),
            ),
            Kind::Cas(binary) => start_listening(&mut ours(&self.bin, binary), Stdio::null()),
            Kind::Peer(binary) => start_listening(
                Command::new(self.bin.join(binary)).arg(self.scratch.join("page.html")),
                Stdio::null(),
            ),
            Kind::Python => {
                let mut python = Command::new(&self.python);
                let script = python.arg(self.scratch.join("peer.py"));
                start_listening(script.arg(self.scratch.join("page.html")), Stdio::null())
            }
            Kind::Nginx => self.start_nginx(),
        }
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
        let child = Command::new(&self.nginx)
            .arg("-p")
            .arg(&self.scratch)
            .arg("-e")
            .arg(self.scratch.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", self.nginx.display()))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut nginx = Running { pids: vec![child.id()], child, addr, gently: true };
        nginx.wait_until_connectable()?;
        nginx.pids.extend(workers_of(nginx.child.id())?);
        Ok(nginx)
    }
}

/// A server that runs for one load; stopped when dropped.
pub struct Running {
    /// The process we started.
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The processes that serve: the one we started, and nginx's workers.
    pub pids: Vec<u32>,
    /// Whether to ask it to stop first: nginx's workers would outlive a kill of their master.
    gently: bool,
}

impl Running {
    /// The most threads its processes had together, sampled while `work` runs.
    pub fn peak_threads_while<T>(&self, work: impl FnOnce() -> T) -> (T, u64) {
        let done = AtomicBool::new(false);
        thread::scope(|scope| {
            let sampler = scope.spawn(|| {
                let mut peak = 0;
                while !done.load(Ordering::Relaxed) {
                    peak = peak.max(self.sum_of("Threads"));
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
        self.sum_of("VmHWM")
    }

    /// The CPU time its processes have used so far, threads that ended
    /// included, in seconds (`utime` and `stime` of `/proc/PID/stat`).
    pub fn cpu_seconds(&self) -> f64 {
        // The kernel counts them in USER_HZ ticks, 100 a second on Linux.
        self.pids.iter().filter_map(|&pid| cpu_ticks(pid)).sum::<u64>() as f64 / 100.0
    }

    /// A number from `/proc/PID/status` of each of its processes, added up.
    fn sum_of(&self, field: &str) -> u64 {
        self.pids.iter().filter_map(|&pid| testkit::proc_status(pid, field)).sum()
    }

    /// Waits until a connection succeeds, or the process ended, or [`STARTUP`] passed.
    fn wait_until_connectable(&mut self) -> Result<()> {
        let deadline = Instant::now() + STARTUP;
        while TcpStream::connect(self.addr).is_err() {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited with {status} before it listened on {}", self.addr);
            }
            ensure!(
                Instant::now() < deadline,
                "nothing listens on {} after {STARTUP:?}",
                self.addr
            );
            thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.gently {
            signal("TERM", &self.pids[..1]);
            let deadline = Instant::now() + NGINX_STOP;
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
            if matches!(self.child.try_wait(), Ok(None)) {
                signal("KILL", &self.pids[1..]);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `BIN/NAME --port 0`.
fn ours(bin: &Path, name: &str) -> Command {
    let mut command = Command::new(bin.join(name));
    command.args(["--port", "0"]);
    command
}

/// Starts `command`, and reads where it listens from its `listening on ADDR` line.
fn start_listening(command: &mut Command, stderr: Stdio) -> Result<Running> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("cannot start {command:?}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let unknown = SocketAddr::from(([0, 0, 0, 0], 0));
    let mut server = Running { pids: vec![child.id()], child, addr: unknown, gently: false };
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    server.addr = line
        .trim()
        .strip_prefix("listening on ")
        .map(|addr| addr.trim_start_matches("http://").trim_end_matches('/'))
        .and_then(|addr| addr.parse().ok())
        .with_context(|| format!("{command:?} printed {line:?}, not `listening on ADDR`"))?;
    Ok(server)
}

/// GETs `path` and returns the body of a 200 answer.
fn fetch(addr: SocketAddr, path: &str) -> Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(STARTUP))?;
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
    let deadline = Instant::now() + STARTUP;
    let mut workers = Vec::new();
    loop {
        let found = children_of(master)?;
        // Started workers stay; no new one for a moment means all have started.
        if !found.is_empty() && found.len() == workers.len() {
            return Ok(found);
        }
        ensure!(Instant::now() < deadline, "nginx started no worker in {STARTUP:?}");
        workers = found;
        thread::sleep(Duration::from_millis(100));
    }
}

/// The processes whose parent is `parent`.
fn children_of(parent: u32) -> Result<Vec<u32>> {
    let mut children = Vec::new();
    for entry in fs::read_dir("/proc")? {
        let Ok(pid) = entry?.file_name().to_string_lossy().parse::<u32>() else { continue };
        if stat_field(pid, 4) == Some(u64::from(parent)) {
            children.push(pid);
        }
    }
    Ok(children)
}

/// The user and system CPU ticks of a process.
fn cpu_ticks(pid: u32) -> Option<u64> {
    Some(stat_field(pid, 14)? + stat_field(pid, 15)?)
}

/// Field `number` (counted from 1, as in `man proc`) of `/proc/PID/stat`, if it is a number.
fn stat_field(pid: u32, number: usize) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `PID (COMMAND) STATE PPID …`, where COMMAND may hold spaces and parentheses.
    let (_, after_command) = stat.rsplit_once(')')?;
    after_command.split_whitespace().nth(number.checked_sub(3)?)?.parse().ok()
}

/// Sends a signal to processes we started, with `kill`.
fn signal(name: &str, pids: &[u32]) {
    if !pids.is_empty() {
        let pids = pids.iter().map(u32::to_string);
        let _ = Command::new("kill").arg(format!("-{name}")).args(pids).status();
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

    #[test]
    fn status_fields_are_read_from_proc() {
        let me = std::process::id();
        assert!(testkit::proc_status(me, "Threads").is_some_and(|threads| threads >= 1));
        assert!(testkit::proc_status(me, "VmHWM").is_some_and(|kib| kib > 0));
        assert_eq!(testkit::proc_status(me, "NoSuchField"), None);
        assert!(stat_field(me, 4).is_some_and(|parent| parent > 0));
        assert!(cpu_ticks(me).is_some());
    }
}
