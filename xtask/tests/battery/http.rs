//! The battery's cases against the workspace's HTTP servers: steps 1 to 7 and
//! clock's two web servers. They all read requests with the same careful
//! library, `http1`, so they must all give the same answers to the same bad input.

use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use libtest_mimic::Trial;
use testkit::servers::{self, Page, Spec};
use testkit::{Server, TempDir};

use super::{Case, Subject, connect, converse, noise};

use http1::{MAX_HEAD, MAX_TARGET};

/// The read timeout the servers run with here, so that idle clients cost little time.
const READ_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a probe waits for an answer or a close before calling the server stuck.
const PATIENCE: Duration = Duration::from_secs(10);

/// The size of the file that clients leave in the middle of: more than the
/// socket buffers of both ends hold, so the server is still sending.
const BIG_FILE: usize = 32 * 1024 * 1024;

/// How many clients leave in the middle of a reply.
const VANISHING: usize = 20;

/// How many connections send nothing while a normal client is served.
const IDLE: usize = 200;

/// How many connections follow each other in the last case.
const IN_A_ROW: usize = 10_000;

/// How many requests follow each other on connections kept alive.
const KEPT: usize = 1_000;

/// How many requests are sent in one write, before any answer.
const PIPELINED: usize = 50;

/// A running HTTP server under test.
struct Http {
    /// The process.
    server: Server,
    /// The page it answers with 200: the normal request.
    page: &'static str,
    /// Whether it serves files under `/files/`, from a directory of big files.
    files: bool,
    /// The size of its pool of workers, if it has one (`--workers N` in its flags).
    workers: Option<u32>,
    /// The directory it serves files from, removed when the server is done.
    _root: Option<TempDir>,
}

impl Subject for Http {
    fn server(&self) -> &Server {
        &self.server
    }

    fn normal_request(&self) -> Result<()> {
        let reply = exchange(self.server.addr, &get(self.page, ""), false, PATIENCE)?;
        ensure!(reply.outcome == Outcome::Status(200), "GET {} got {}", self.page, reply.outcome);
        Ok(())
    }
}

/// Every case, in order; the long ones last.
const CASES: &[Case<Http>] = &[
    Case { name: "garbage bytes", run: garbage },
    Case { name: "NUL bytes", run: nul_bytes },
    Case { name: "request line without its end, then close", run: unended_line },
    Case { name: "GET /\\n (HTTP/0.9 style)", run: http_0_9 },
    Case { name: "head exactly 8 KiB", run: head_at_limit },
    Case { name: "head one byte over 8 KiB", run: head_over_limit },
    Case { name: "a 1 MiB header", run: huge_header },
    Case { name: "1,000 headers", run: many_headers },
    Case { name: "unknown methods", run: unknown_methods },
    Case { name: "absolute-form targets", run: absolute_targets },
    Case { name: "no Host, two Hosts, a bad Host", run: hosts },
    Case { name: "bad percent-encoding", run: bad_percent_encoding },
    Case { name: "very long and non-UTF-8 paths", run: odd_paths },
    Case { name: "a body on GET", run: body_on_get },
    Case { name: "half-closed connection", run: half_closed },
    Case { name: "clients vanish mid-reply", run: vanishing_clients },
    Case { name: "200 idle connections, one normal client", run: idle_connections },
    Case { name: "1,000 requests on kept connections", run: kept_connections },
    Case { name: "50 pipelined requests", run: pipelined },
    Case { name: "10,000 connections in a row", run: connections_in_a_row },
];

/// The battery's trials against the server of `spec`.
pub(super) fn trials(bin: &Path, spec: &'static Spec, pages: &'static [Page]) -> Vec<Trial> {
    let bin = bin.to_path_buf();
    super::cases(spec, CASES, move || start(&bin, spec, pages))
}

/// Starts the server of `spec` with a short read timeout, and with a
/// directory of big files if it serves files.
fn start(bin: &Path, spec: &Spec, pages: &'static [Page]) -> Result<Http> {
    let files = servers::serves_files(pages);
    let root = files.then(big_file_root).transpose()?;
    let timeout = READ_TIMEOUT.as_secs().to_string();
    let mut args = vec!["--read-timeout", &timeout];
    if let Some(root) = &root {
        args.extend(["--root", root.path().to_str().context("a UTF-8 path")?]);
    }
    let workers = spec.args.iter().skip_while(|arg| **arg != "--workers").nth(1);
    let workers = workers.map(|workers| workers.parse()).transpose()?;
    let server = spec.start(bin, &args)?;
    Ok(Http { server, page: pages[0].path, files, workers, _root: root })
}

/// A directory holding `big.bin`, [`BIG_FILE`] bytes.
fn big_file_root() -> Result<TempDir> {
    let root = TempDir::new()?;
    std::fs::write(root.path().join("big.bin"), vec![b'x'; BIG_FILE]).context("write big.bin")?;
    Ok(root)
}

// The cases. Each sends its probes and says what came back.

/// Random bytes: a short burst that ends in a blank line, and one longer than a head may be.
fn garbage(http: &Http) -> Result<String> {
    let short = [noise(300, 1), b"\r\n\r\n".to_vec()].concat();
    probes(http, &[Probe::new(&short, &[400]), Probe::new(&noise(16 * 1024, 2), &[400, 431])])
}

/// NUL bytes alone, in the target, and in a header.
fn nul_bytes(http: &Http) -> Result<String> {
    let nuls = [vec![0; 1024], b"\r\n\r\n".to_vec()].concat();
    probes(
        http,
        &[
            Probe::new(&nuls, &[400]),
            Probe::new(b"GET /\0 HTTP/1.1\r\n\r\n", &[400]),
            Probe::new(b"GET / HTTP/1.1\r\nX-Nul: a\0b\r\n\r\n", &[400]),
        ],
    )
}

/// A request line with no line end, after which the client shuts its side.
fn unended_line(http: &Http) -> Result<String> {
    probes(http, &[Probe::new(b"GET / HTTP/1.1", &[400]).half_closed()])
}

/// An HTTP/0.9 request: no version, no blank line; the server waits for the
/// rest until its read timeout. With a blank line, it is a bad request line.
fn http_0_9(http: &Http) -> Result<String> {
    probes(http, &[Probe::new(b"GET /\n", &[408]), Probe::new(b"GET /\r\n\r\n", &[400])])
}

/// A head of exactly the size limit is read and answered.
fn head_at_limit(http: &Http) -> Result<String> {
    probes(http, &[Probe::new(&head_of_size(MAX_HEAD), &[200])])
}

/// A head one byte larger is refused.
fn head_over_limit(http: &Http) -> Result<String> {
    probes(http, &[Probe::new(&head_of_size(MAX_HEAD + 1), &[431])])
}

/// One header of 1 MiB.
fn huge_header(http: &Http) -> Result<String> {
    let head = get("/", &format!("X-Big: {}\r\n", "a".repeat(1024 * 1024)));
    probes(http, &[Probe::new(&head, &[431])])
}

/// 1,000 headers: too large together, and then small enough to fit the limit.
fn many_headers(http: &Http) -> Result<String> {
    let large: String = (0..1000).map(|n| format!("X-Header-{n}: value\r\n")).collect();
    let small = "a:b\r\n".repeat(1000);
    probes(http, &[Probe::new(&get("/", &large), &[431]), Probe::new(&get("/", &small), &[200])])
}

/// Methods HTTP defines that the servers do not answer (405), words that
/// HTTP does not define as methods (501), and ones that are not words (400).
fn unknown_methods(http: &Http) -> Result<String> {
    let with = |method: &str| format!("{method} / HTTP/1.1\r\nHost: battery\r\n\r\n").into_bytes();
    probes(
        http,
        &[
            Probe::new(&with("DELETE"), &[405]),
            Probe::new(&with("CONNECT"), &[405]),
            Probe::new(&with("BREW"), &[501]),
            Probe::new(&with("PROPFIND"), &[501]),
            Probe::new(&with("get"), &[501]),
            Probe::new(&with("G(T"), &[400]),
            Probe::new(&with("\u{e9}T\u{e9}"), &[400]),
        ],
    )
}

/// Absolute-form targets: http and https become their path; anything else is refused.
fn absolute_targets(http: &Http) -> Result<String> {
    let addr = http.server.addr;
    probes(
        http,
        &[
            Probe::new(&get(&format!("http://{addr}/"), ""), &[200]),
            Probe::new(&get("HTTPS://example.com", ""), &[200]),
            Probe::new(&get("ftp://example.com/", ""), &[400]),
            Probe::new(&get("*", ""), &[400]),
            Probe::new(&get("example.com:80", ""), &[400]),
        ],
    )
}

/// An HTTP/1.1 request must name its Host once, and a host name is not any text.
fn hosts(http: &Http) -> Result<String> {
    probes(
        http,
        &[
            Probe::new(b"GET / HTTP/1.1\r\n\r\n", &[400]),
            Probe::new(b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", &[400]),
            Probe::new(b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", &[400]),
            Probe::new(b"GET / HTTP/1.0\r\n\r\n", &[200]),
        ],
    )
}

/// Percent signs that do not encode a byte, or encode bytes that are not
/// UTF-8, or `..`; whatever the answer, no file from outside the root.
fn bad_percent_encoding(http: &Http) -> Result<String> {
    let targets = [
        "/%",
        "/%zz",
        "/%C3%28",
        "/files/%",
        "/files/%zz",
        "/files/%C3%28",
        "/files/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/files/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ];
    let answers: &[u16] = if http.files { &[400, 403, 404] } else { &[200, 404] };
    let sent: Vec<Probe> = targets.iter().map(|t| Probe::new(&get(t, ""), answers)).collect();
    probes(http, &sent)
}

/// A path as long as a target may be, one far longer, and paths of bytes that are not UTF-8.
fn odd_paths(http: &Http) -> Result<String> {
    let long = format!("/{}", "a".repeat(MAX_TARGET - 1));
    let longer = format!("/{}", "a".repeat(100_000));
    let raw = b"GET /\xff\xfe\xc0\xaf HTTP/1.1\r\nHost: battery\r\n\r\n";
    probes(
        http,
        &[
            Probe::new(&get(&long, ""), &[200, 404]),
            Probe::new(&get(&longer, ""), &[414]),
            Probe::new(raw, &[400]),
            Probe::new(&get("/%ff%fe%c0%af", ""), &[200, 400, 404]),
        ],
    )
}

/// A GET with a body, small and large: answered, and the body read away.
fn body_on_get(http: &Http) -> Result<String> {
    let with_body =
        |body: Vec<u8>| [get("/", &format!("Content-Length: {}\r\n", body.len())), body].concat();
    probes(
        http,
        &[
            Probe::new(&with_body(b"hello world".to_vec()), &[200]),
            Probe::new(&with_body(vec![b'b'; 256 * 1024]), &[200]),
        ],
    )
}

/// The client shuts its side right after the request, as `nc -N` does.
fn half_closed(http: &Http) -> Result<String> {
    probes(http, &[Probe::new(&get("/", ""), &[200]).half_closed()])
}

/// Clients leave after the first few bytes of the reply: 4 KiB of a big file
/// where the server has one, else the status line of its usual page.
fn vanishing_clients(http: &Http) -> Result<String> {
    let (target, taken) = if http.files { ("/files/big.bin", 4096) } else { ("/", 12) };
    let went_away = || http.server.log().iter().filter(|l| l.contains("client went away")).count();
    let before = went_away();
    for _ in 0..VANISHING {
        let mut stream = connect(http.server.addr, PATIENCE)?;
        stream.write_all(&get(target, ""))?;
        let mut first = vec![0; taken];
        stream.read_exact(&mut first).context("the start of the reply")?;
        ensure!(
            first.starts_with(b"HTTP/1.0 200") || first.starts_with(b"HTTP/1.1 200"),
            "{target} got {}",
            Outcome::of(&first, None)
        );
    }
    if !http.files {
        return Ok(format!("200, left after {taken} bytes ×{VANISHING}"));
    }
    // The server notices when its next write fails; it must say so.
    let deadline = Instant::now() + PATIENCE;
    while went_away() - before < VANISHING && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
    }
    let noticed = went_away() - before;
    ensure!(noticed == VANISHING, "only {noticed} of {VANISHING} departures were logged");
    let size = BIG_FILE >> 20;
    Ok(format!("200, left after {taken} bytes of {size} MiB ×{VANISHING}; all logged"))
}

/// [`IDLE`] connections that send nothing, then a normal client. A server
/// with a thread or a task per connection answers it at once. A pool's workers are each
/// held by an idle connection until its read timeout, so the normal client,
/// queued behind all of them, waits about IDLE / workers × the read timeout:
/// that is step 5's lesson, and the bound says so.
fn idle_connections(http: &Http) -> Result<String> {
    let addr = http.server.addr;
    let (bound, why) = match http.workers {
        Some(workers) => {
            let rounds = IDLE.div_ceil(workers as usize) as u32;
            (
                READ_TIMEOUT * rounds + PATIENCE,
                format!("{IDLE} idle / {workers} workers × {READ_TIMEOUT:?} + {PATIENCE:?}"),
            )
        }
        None => (PATIENCE, "a thread or a task each".to_string()),
    };
    // Beyond the pool and the kernel's accept queue (128), a connect waits for
    // a slot, retrying its SYN: give it the whole bound.
    let idle: Vec<TcpStream> = (0..IDLE).map(|_| connect(addr, bound)).collect::<Result<_>>()?;
    let began = Instant::now();
    let reply = exchange(addr, &get("/", ""), false, bound)?;
    let waited = began.elapsed();
    drop(idle);
    ensure!(reply.outcome == Outcome::Status(200), "the normal client got {}", reply.outcome);
    ensure!(waited <= bound, "the normal client waited {waited:.1?}, over {bound:?} ({why})");
    Ok(format!("200 after {:.1} s (bound {} s: {why})", waited.as_secs_f64(), bound.as_secs()))
}

/// [`IN_A_ROW`] ordinary requests, one connection after the other.
fn connections_in_a_row(http: &Http) -> Result<String> {
    let began = Instant::now();
    for n in 0..IN_A_ROW {
        let reply = exchange(http.server.addr, &get("/", ""), false, PATIENCE)?;
        ensure!(reply.outcome == Outcome::Status(200), "connection {n} got {}", reply.outcome);
    }
    let seconds = began.elapsed().as_secs_f64();
    Ok(format!("{IN_A_ROW} × 200 in {seconds:.1} s ({:.0}/s)", IN_A_ROW as f64 / seconds))
}

/// [`KEPT`] requests, each sent once the answer to the one before has come,
/// on a connection for as long as the server keeps it: one for each request
/// where the server closes after each answer.
fn kept_connections(http: &Http) -> Result<String> {
    let (mut answered, mut connections) = (0, 0);
    while answered < KEPT {
        let mut replies = Replies::open(http.server.addr)?;
        connections += 1;
        loop {
            replies.stream.write_all(&get_kept(http.page))?;
            let (status, kept) = replies.next()?.context("closed without an answer")?;
            ensure!(status == 200, "request {answered} got {status}");
            answered += 1;
            if !kept || answered == KEPT {
                break;
            }
        }
    }
    Ok(format!("{KEPT} × 200 on {connections} connection(s)"))
}

/// [`PIPELINED`] requests in one write: a server that keeps connections
/// answers them all, in order; one that does not answers the first and closes.
fn pipelined(http: &Http) -> Result<String> {
    let mut replies = Replies::open(http.server.addr)?;
    let requests: Vec<u8> = (0..PIPELINED).flat_map(|_| get_kept(http.page)).collect();
    replies.stream.write_all(&requests)?;
    let (mut answered, mut kept) = (0, true);
    while kept && answered < PIPELINED {
        let (status, keeps) = replies.next()?.context("closed without an answer")?;
        ensure!(status == 200, "request {answered} got {status}");
        (answered, kept) = (answered + 1, keeps);
    }
    if answered == 1 {
        ensure!(replies.next()?.is_none(), "more came after an answer that closes");
        return Ok("200, then a close: one request per connection".into());
    }
    ensure!(answered == PIPELINED, "{answered} answers to {PIPELINED} requests");
    Ok(format!("{PIPELINED} × 200"))
}

// Requests.

/// A GET of `target` with a Host header and `headers` (each ending in CRLF),
/// that asks the server to close once it has answered.
fn get(target: &str, headers: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: battery\r\nConnection: close\r\n{headers}\r\n")
        .into_bytes()
}

/// A GET of `target` that leaves the connection open, if the server keeps it.
fn get_kept(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: battery\r\n\r\n").into_bytes()
}

/// A GET of `/` whose head, blank line included, is `size` bytes.
fn head_of_size(size: usize) -> Vec<u8> {
    let bare = get("/", "X-Pad: \r\n").len();
    let head = get("/", &format!("X-Pad: {}\r\n", "p".repeat(size - bare)));
    assert_eq!(head.len(), size);
    head
}

// The client side.

/// One request of a case, and the statuses it may get.
struct Probe {
    /// The bytes sent.
    request: Vec<u8>,
    /// Whether the client shuts its sending side after them.
    half_close: bool,
    /// The answers that are right.
    accept: &'static [u16],
}

impl Probe {
    /// Sends `request` and expects one of `accept`.
    fn new(request: &[u8], accept: &'static [u16]) -> Probe {
        Probe { request: request.to_vec(), half_close: false, accept }
    }

    /// Shuts the client's sending side after the request.
    fn half_closed(self) -> Probe {
        Probe { half_close: true, ..self }
    }
}

/// Sends each probe on a connection of its own, and checks its answer; says the answers.
fn probes(http: &Http, probes: &[Probe]) -> Result<String> {
    let mut answers = Vec::new();
    for probe in probes {
        let reply = exchange(http.server.addr, &probe.request, probe.half_close, PATIENCE)?;
        let sent = String::from_utf8_lossy(&probe.request[..probe.request.len().min(40)]);
        ensure!(
            matches!(reply.outcome, Outcome::Status(status) if probe.accept.contains(&status)),
            "{sent:?}… got {}, expected {:?}",
            reply.outcome,
            probe.accept
        );
        ensure!(!contains(&reply.bytes, b"root:x:0:0"), "{sent:?}… got /etc/passwd");
        answers.push(reply.outcome.to_string());
    }
    Ok(answers.join(" "))
}

/// What a server did with a request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    /// It answered with this status.
    Status(u16),
    /// It sent bytes that are not an HTTP answer.
    NotHttp,
    /// It closed the connection without a word.
    Closed,
    /// It reset the connection without a word.
    Reset,
    /// It neither answered nor closed in time.
    Silent,
}

impl Outcome {
    /// Reads the outcome from what came back and how the reading ended.
    fn of(bytes: &[u8], end: Option<ErrorKind>) -> Outcome {
        if bytes.is_empty() {
            return match end {
                None => Outcome::Closed,
                Some(ErrorKind::WouldBlock | ErrorKind::TimedOut) => Outcome::Silent,
                Some(_) => Outcome::Reset,
            };
        }
        let status = bytes.strip_prefix(b"HTTP/1.").and_then(|rest| rest.get(2..5));
        let status = status.and_then(|digits| std::str::from_utf8(digits).ok()?.parse().ok());
        status.map_or(Outcome::NotHttp, Outcome::Status)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Status(status) => write!(f, "{status}"),
            Outcome::NotHttp => write!(f, "an answer that is not HTTP"),
            Outcome::Closed => write!(f, "closed"),
            Outcome::Reset => write!(f, "reset"),
            Outcome::Silent => write!(f, "no answer in time"),
        }
    }
}

/// What came back for a request.
struct Reply {
    /// What the server did.
    outcome: Outcome,
    /// Everything it sent.
    bytes: Vec<u8>,
}

/// Sends `request` and reads until the server closes, or `patience` runs out.
fn exchange(
    addr: SocketAddr,
    request: &[u8],
    half_close: bool,
    patience: Duration,
) -> Result<Reply> {
    let deadline = Instant::now() + patience;
    converse(addr, request, half_close, patience, |stream| read_until_closed(stream, deadline))
}

/// Reads until the end of the stream, an error, or `deadline`.
fn read_until_closed(mut stream: &TcpStream, deadline: Instant) -> Reply {
    let mut bytes = Vec::new();
    let mut chunk = [0; 16 * 1024];
    let end = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break Some(ErrorKind::TimedOut);
        }
        match stream.read(&mut chunk) {
            Ok(0) => break None,
            Ok(read) => bytes.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => break Some(error.kind()),
        }
    };
    Reply { outcome: Outcome::of(&bytes, end), bytes }
}

/// The replies that come on one connection, read one at a time: each is
/// framed by its head and its `Content-Length`.
struct Replies {
    /// The connection.
    stream: TcpStream,
    /// What came and is not read yet.
    received: Vec<u8>,
}

impl Replies {
    /// Connects to `addr`.
    fn open(addr: SocketAddr) -> Result<Replies> {
        let stream = connect(addr, PATIENCE)?;
        stream.set_read_timeout(Some(PATIENCE))?;
        Ok(Replies { stream, received: Vec::new() })
    }

    /// The next reply's status, and whether the server keeps the connection
    /// after it; `None` when the server closed instead.
    fn next(&mut self) -> Result<Option<(u16, bool)>> {
        let mut chunk = [0; 16 * 1024];
        loop {
            if let Some(reply) = self.take_reply() {
                return Ok(Some(reply));
            }
            match self.stream.read(&mut chunk) {
                Ok(0) if self.received.is_empty() => return Ok(None),
                Ok(0) => anyhow::bail!("closed in the middle of a reply"),
                Ok(read) => self.received.extend_from_slice(&chunk[..read]),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) if error.kind() == ErrorKind::ConnectionReset => return Ok(None),
                Err(error) => return Err(error).context("no whole reply in time"),
            }
        }
    }

    /// Takes a whole reply off what came, if there is one: its status, and
    /// whether it keeps the connection.
    fn take_reply(&mut self) -> Option<(u16, bool)> {
        let length = testkit::reply_length(&self.received)?;
        let reply = testkit::Reply::parse(self.received.drain(..length).collect());
        let kept =
            reply.head.starts_with("HTTP/1.1") && reply.header("Connection") != Some("close");
        Some((reply.status, kept))
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// The battery's own helpers, checked before any server: a head of the size
/// a case asks for, and outcomes read from what came back.
pub(super) fn own_helpers() -> Result<()> {
    let head = head_of_size(MAX_HEAD);
    ensure!(head.len() == MAX_HEAD && head.ends_with(b"\r\n\r\n"), "head_of_size");
    let outcomes = [
        (Outcome::of(b"HTTP/1.0 431 Request Header", None), Outcome::Status(431)),
        (Outcome::of(b"hello", None), Outcome::NotHttp),
        (Outcome::of(b"", None), Outcome::Closed),
        (Outcome::of(b"", Some(ErrorKind::ConnectionReset)), Outcome::Reset),
        (Outcome::of(b"", Some(ErrorKind::WouldBlock)), Outcome::Silent),
    ];
    for (read, expected) in outcomes {
        ensure!(read == expected, "read {read}, expected {expected}");
    }
    Ok(())
}
