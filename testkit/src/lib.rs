//! What the workspace's integration tests share: start a real server binary on
//! a free port, talk to it over TCP on 127.0.0.1, and read what it logged.
//!
//! The HTTP conventions that every step follows are checked once, here, and
//! each step runs them with [`http_conventions!`].

pub mod conventions;
pub mod dispatcher;
pub mod lines;

pub use lines::LineClient;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How long a test waits for any answer before it fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A server binary running for one test; killed when dropped.
pub struct Server {
    /// The running process.
    child: Child,
    /// Where it listens, read from its `listening on` line.
    pub addr: SocketAddr,
    /// Every line it has written to stderr so far.
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `binary --port 0 ARGS…` and waits for its `listening on` line.
    pub fn start(binary: &str, args: &[&str]) -> Server {
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
        let lines = Arc::clone(&log);
        thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout is piped"))
            .read_line(&mut first)
            .expect("read the listening line");
        let addr = parse_listening_line(&first)
            .unwrap_or_else(|| panic!("{binary} printed {first:?}, not `listening on ADDR`"));
        Server { child, addr, log }
    }

    /// The lines the server has logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to [`PATIENCE`] for a log line containing `needle`, and returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            if let Some(line) = self.log().into_iter().find(|line| line.contains(needle)) {
                return line;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no log line with {needle:?} in {:?}",
                self.log()
            );
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

    /// A number from the server's `/proc/PID/status`, such as `VmHWM` (peak
    /// resident memory, in KiB) or `Threads`.
    pub fn status(&self, field: &str) -> u64 {
        proc_status(self.pid(), field).expect("the server's /proc/PID/status has the field")
    }

    /// Sends SIGINT, as Ctrl-C in a terminal would.
    pub fn interrupt(&self) {
        let sent = Command::new("kill").args(["-INT", &self.pid().to_string()]).status();
        assert!(sent.is_ok_and(|status| status.success()), "kill -INT failed");
    }

    /// Waits up to `limit` for the server to exit, and returns its status.
    pub fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not exit within {limit:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
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

/// A number from `/proc/PID/status`, such as `VmHWM` (KiB) or `Threads`.
pub fn proc_status(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let value = status.lines().find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?;
    value.split_whitespace().next()?.parse().ok()
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// Makes `$TMPDIR/NAME-PID-N`, empty.
    pub fn new(name: &str) -> TempDir {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("{name}-{}-{made}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("make a temporary directory");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads until the server closes, then splits the reply into status, head and body.
pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    if let Err(error) = stream.read_to_end(&mut raw) {
        assert!(!raw.is_empty(), "no reply: {error}");
    }
    let split = raw.windows(4).position(|window| window == b"\r\n\r\n");
    let (head, body) = match split {
        Some(at) => (&raw[..at], raw[at + 4..].to_vec()),
        None => (&raw[..], Vec::new()),
    };
    let head = String::from_utf8_lossy(head).into_owned();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    Reply { raw, status, head, body }
}
