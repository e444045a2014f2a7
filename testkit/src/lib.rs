//! What the workspace's integration tests and checks share: start a real
//! server binary on a free port, within a deadline, talk to it over TCP on
//! 127.0.0.1, and read what it logged; and [`servers::SERVERS`], the table of
//! every server that the battery, the browser check and the bench start.
//!
//! The checks of every program a student writes are here too, once, in
//! [`suites`]: the steps' tests run them on our programs, and
//! `cargo xtask grade` on a student's.

pub mod cas;
pub mod clock;
pub mod conventions;
pub mod dispatcher;
pub mod exercises;
pub mod keepalive;
pub mod lines;
pub mod originals;
pub mod servers;
pub mod steps;
pub mod suites;

pub use lines::LineClient;
pub use tempfile::TempDir;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
#[cfg(unix)]
use nix::sys::signal::{Signal, kill};
#[cfg(unix)]
use nix::unistd::Pid;
use wait_timeout::ChildExt;

/// How a check's panic message starts when the check cannot run on this
/// system: the suites count it as skipped, with the rest as the reason.
pub const CANNOT_RUN_HERE: &str = "cannot run here: ";

/// Ends a check that cannot run on this system, saying why.
pub fn cannot_run_here(why: &str) -> ! {
    panic!("{CANNOT_RUN_HERE}{why}")
}

/// Why a check that reads `/proc` cannot run on another system.
#[cfg(not(target_os = "linux"))]
const READS_PROC: &str = "it reads Linux's /proc";

/// How long a test waits for any answer before it fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A server process, started for a test or a check; killed when dropped.
pub struct Server {
    /// The running process.
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Every line it has written to stderr so far, unless told to drop them.
    log: Arc<Mutex<Vec<String>>>,
    /// The thread that collects them, done when the server's stderr closes.
    collector: Option<thread::JoinHandle<()>>,
}

/// What becomes of a server's stderr.
#[derive(Clone, Copy, PartialEq)]
pub enum Log {
    /// Kept, for [`Server::log`] and for the message if it fails to start.
    Kept,
    /// Thrown away: a server that logs every request under a load.
    Dropped,
}

impl Server {
    /// Starts `binary --port 0 ARGS…` and waits for its `listening on` line;
    /// panics, with what the server said, if that does not come.
    pub fn start(binary: &str, args: &[&str]) -> Server {
        let mut command = Command::new(binary);
        command.args(["--port", "0"]).args(args);
        Server::launch(&mut command, Log::Kept).unwrap_or_else(|error| panic!("{error:#}"))
    }

    /// Starts `command` and reads where it listens from its first line,
    /// `listening on ADDR`, waiting at most [`PATIENCE`].
    pub fn launch(command: &mut Command, log: Log) -> Result<Server> {
        let (sender, first_line) = crossbeam_channel::bounded(1);
        let mut server = Server::spawn(command, log)?;
        let stdout = server.child.stdout.take().expect("stdout is piped");
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = first_line.recv_timeout(PATIENCE).unwrap_or_default();
        match parse_listening_line(&line) {
            Some(addr) => server.addr = addr,
            None => server.fail(command, &format!("printed {line:?}, not `listening on ADDR`"))?,
        }
        Ok(server)
    }

    /// Starts `command`, which says nothing when ready, and waits at most
    /// [`PATIENCE`] until `addr` takes connections.
    pub fn launch_at(command: &mut Command, addr: SocketAddr) -> Result<Server> {
        let mut server = Server::spawn(command, Log::Kept)?;
        server.addr = addr;
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(addr).is_err() {
            if Instant::now() > deadline || server.child.try_wait()?.is_some() {
                server.fail(command, &format!("does not listen on {addr}"))?;
            }
            thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    /// Spawns the process, its stderr collected by a thread of its own.
    fn spawn(command: &mut Command, log: Log) -> Result<Server> {
        let stderr = if log == Log::Kept { Stdio::piped() } else { Stdio::null() };
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("cannot start {command:?}"))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let collector = child.stderr.take().map(|stderr| {
            let lines = Arc::clone(&log);
            thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            })
        });
        Ok(Server { child, addr: SocketAddr::from(([0, 0, 0, 0], 0)), log, collector })
    }

    /// Stops a server that did not start right, and says why, with its stderr.
    fn fail(&mut self, command: &Command, why: &str) -> Result<()> {
        let _ = self.child.kill();
        let status = self.child.wait()?;
        if let Some(collector) = self.collector.take() {
            let _ = collector.join();
        }
        bail!("{command:?} {why} ({status}); its stderr:\n{}", self.log().join("\n"))
    }

    /// The lines the server has logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to [`PATIENCE`] for a log line containing `needle`, and returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(line) = self.log().into_iter().find(|line| line.contains(needle)) {
                return line;
            }
            assert!(Instant::now() < deadline, "no log line with {needle:?} in {:?}", self.log());
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a GET for `path` as curl would, and reads the reply.
    pub fn get(&self, path: &str) -> Reply {
        self.exchange(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    /// Sends `request` in one write and reads the reply.
    pub fn exchange(&self, request: &[u8]) -> Reply {
        self.exchange_in_pieces(&[request], Duration::ZERO)
    }

    /// Sends `pieces` as separate TCP segments with `pause` between them, and reads the reply.
    pub fn exchange_in_pieces(&self, pieces: &[&[u8]], pause: Duration) -> Reply {
        let mut stream = self.connect();
        stream.set_nodelay(true).expect("set TCP_NODELAY");
        for (index, piece) in pieces.iter().enumerate() {
            if index > 0 {
                thread::sleep(pause);
            }
            // A server may answer and close before it has read everything, as it
            // does for an oversized head; the answer is what the test looks at.
            if stream.write_all(piece).is_err() {
                break;
            }
        }
        read_reply(&mut stream)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's process in Linux's `/proc`: the checks that need it
    /// cannot run elsewhere ([`READS_PROC`]).
    #[cfg(target_os = "linux")]
    fn process(&self) -> procfs::process::Process {
        procfs::process::Process::new(self.pid() as i32).expect("the server's /proc")
    }

    /// What the kernel says of the server now, from `/proc/PID/status`.
    #[cfg(target_os = "linux")]
    pub fn status(&self) -> procfs::process::Status {
        self.process().status().expect("the server's /proc/PID/status")
    }

    /// The most memory the server has held at once so far, in KiB
    /// (`VmHWM` in `/proc/PID/status`).
    pub fn peak_memory_kib(&self) -> u64 {
        #[cfg(not(target_os = "linux"))]
        cannot_run_here(READS_PROC);
        #[cfg(target_os = "linux")]
        self.process().status().expect("the server's /proc/PID/status").vmhwm.expect("VmHWM")
    }

    /// The processes the server has started and not yet reaped, by any of
    /// its threads, from `/proc/PID/task/*/children`.
    pub fn children(&self) -> Vec<u32> {
        #[cfg(not(target_os = "linux"))]
        cannot_run_here(READS_PROC);
        #[cfg(target_os = "linux")]
        {
            let tasks = self.process().tasks().expect("the server's threads");
            tasks.flatten().flat_map(|task| task.children().unwrap_or_default()).collect()
        }
    }

    /// The state of the server's main thread, from `/proc/PID/stat`: `R`
    /// running or ready to run, `S` asleep until something happens, …
    pub fn state(&self) -> char {
        #[cfg(not(target_os = "linux"))]
        cannot_run_here(READS_PROC);
        #[cfg(target_os = "linux")]
        self.process().stat().expect("the server's /proc/PID/stat").state
    }

    /// Sends `signal` to the server.
    #[cfg(unix)]
    pub fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.pid() as i32), signal).expect("signal the server");
    }

    /// Sends SIGINT, as Ctrl-C in a terminal would.
    #[cfg(unix)]
    pub fn interrupt(&self) {
        self.signal(Signal::SIGINT);
    }

    /// Ctrl-C's signal, SIGINT, is Unix's: a check that sends it cannot run here.
    #[cfg(not(unix))]
    pub fn interrupt(&self) {
        cannot_run_here("it sends SIGINT, Ctrl-C's signal on Unix")
    }

    /// Waits up to `limit` for the server to exit, and returns its status, if it did.
    pub fn exited_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        self.child.wait_timeout(limit).expect("wait for the server")
    }

    /// Waits up to `limit` for the server to exit, and returns its status.
    pub fn wait_for_exit(&mut self, limit: Duration) -> ExitStatus {
        self.exited_within(limit)
            .unwrap_or_else(|| panic!("the server did not exit within {limit:?}"))
    }

    /// Opens a connection, with reads bounded by [`PATIENCE`].
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect to the server");
        stream.set_read_timeout(Some(PATIENCE)).expect("set a read timeout");
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in `listening on http://127.0.0.1:PORT/` or `listening on 127.0.0.1:PORT`.
fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    let addr = line.trim().strip_prefix("listening on ")?;
    let addr = addr.strip_prefix("http://").unwrap_or(addr);
    addr.trim_end_matches('/').parse().ok()
}

/// An HTTP reply as a test sees it.
#[derive(Debug)]
pub struct Reply {
    /// Everything that came back, byte for byte.
    pub raw: Vec<u8>,
    /// The status code; 0 when nothing came back.
    pub status: u16,
    /// The head up to its blank line, as text.
    pub head: String,
    /// What follows the head.
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// Splits what came back into status, head and body.
    pub fn parse(raw: Vec<u8>) -> Reply {
        let split = raw.windows(4).position(|window| window == b"\r\n\r\n");
        let (head, body) = match split {
            Some(at) => (&raw[..at], raw[at + 4..].to_vec()),
            None => (&raw[..], Vec::new()),
        };
        let head = String::from_utf8_lossy(head).into_owned();
        let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        Reply { raw, status, head, body }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one reply: its head, then as many bytes as its `Content-Length`
/// says, or without one everything until the server closes. A server that
/// keeps the connection open may send the next reply on it.
pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    let mut chunk = [0; 8192];
    while reply_length(&raw).is_none() {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => raw.extend_from_slice(&chunk[..read]),
            // A child that exits interrupts a read: wait-timeout catches SIGCHLD.
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => {
                assert!(!raw.is_empty(), "no reply: {error}");
                break;
            }
        }
    }
    Reply::parse(raw)
}

/// How many bytes of `raw` its first reply takes: the head, and as many
/// bytes after it as its `Content-Length` says. `None` until they have all
/// come, or when the head says no length.
pub fn reply_length(raw: &[u8]) -> Option<usize> {
    let at = raw.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..at]);
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("Content-Length").then(|| value.trim().parse::<usize>().ok())?
    })?;
    (raw.len() >= at + 4 + length).then_some(at + 4 + length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_does_not_listen_fails_with_its_stderr() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'cannot bind' >&2; echo hello; exit 3"]);
        let error = Server::launch(&mut command, Log::Kept).err().expect("no listening line");
        let message = format!("{error:#}");
        assert!(message.contains("printed \"hello\\n\", not `listening on ADDR`"), "{message}");
        assert!(message.contains("cannot bind"), "{message}");
    }

    #[test]
    fn the_listening_line_gives_the_address() {
        let addr = Some(SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(parse_listening_line("listening on http://127.0.0.1:8080/\n"), addr);
        assert_eq!(parse_listening_line("listening on 127.0.0.1:8080"), addr);
        assert_eq!(parse_listening_line("listening soon"), None);
    }
}
