//! Idle connections: step 7 holds 10,000 kept-alive connections that said
//! one request each and went quiet, while fresh connections are timed and
//! its memory read. A thread per connection could not afford that many; a
//! task per connection should.
//!
//! The bench's own process needs a descriptor per connection: it raises its
//! own soft limit (`RLIMIT_NOFILE`) up to the hard one for the measurement,
//! and the server, started meanwhile, inherits it. Nothing system-wide
//! changes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit, setrlimit};
use testkit::servers::Spec;

use super::launch::{Kind, Launcher};

/// The server measured.
pub const SERVER: &str = "step7-async";

/// How many idle connections it holds.
pub const CONNECTIONS: usize = 10_000;

/// Its flags: no connection closed for being idle during the measurement.
const FLAGS: [&str; 4] = ["--keep-alive", "600", "--read-timeout", "600"];

/// How many requests on fresh connections are timed, one after the other.
pub const TIMED: usize = 20;

/// How many threads open the idle connections.
const OPENERS: usize = 8;

/// How long opening them all may take.
const OPEN_WITHIN: Duration = Duration::from_secs(60);

/// How long the server gets to settle once they are open, before it is measured.
const SETTLE: Duration = Duration::from_millis(500);

/// Descriptors beyond the connections, for everything else a process holds.
const SPARE_DESCRIPTORS: u64 = 256;

/// What the measurement found.
#[derive(Debug, Clone, PartialEq)]
pub struct Idle {
    /// The idle connections opened, each after one request answered.
    pub connections: usize,
    /// How long opening them took, in seconds.
    pub open_seconds: f64,
    /// How many were still open after the timed requests.
    pub still_open: usize,
    /// How long each timed request took on a fresh connection, connecting
    /// included, in milliseconds, in the order they ran.
    pub request_ms: Vec<f64>,
    /// The server's resident memory with the connections open (`VmRSS`), in KiB.
    pub rss_kib: u64,
    /// Its peak resident memory so far (`VmHWM`), in KiB.
    pub peak_kib: u64,
    /// Its threads.
    pub threads: u64,
}

impl Idle {
    /// The median time of a timed request, in milliseconds.
    pub fn median_ms(&self) -> f64 {
        let mut sorted = self.request_ms.clone();
        sorted.sort_by(f64::total_cmp);
        match sorted.len() {
            0 => f64::NAN,
            len if len % 2 == 1 => sorted[len / 2],
            len => (sorted[len / 2 - 1] + sorted[len / 2]) / 2.0,
        }
    }

    /// The longest time of a timed request, in milliseconds.
    pub fn max_ms(&self) -> f64 {
        self.request_ms.iter().copied().fold(f64::NAN, f64::max)
    }
}

/// How many descriptors each process needs: the bench for its end of every
/// connection, the server for its own.
fn needed() -> u64 {
    CONNECTIONS as u64 + TIMED as u64 + SPARE_DESCRIPTORS
}

/// Fails, before the long loads, if this machine cannot hold the idle
/// connections: a hard descriptor limit too low, or too few local ports.
pub fn check() -> Result<()> {
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    let need = needed();
    ensure!(
        hard == RLIM_INFINITY || hard >= need,
        "{CONNECTIONS} idle connections to {SERVER} need {need} open files in the bench and in \
         the server, and the hard limit here is {hard} (ulimit -Hn): raise it for this shell, \
         or leave {SERVER} out with --only"
    );
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")?;
    let ports: Vec<u64> = range.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
    if let [low, high] = ports[..] {
        ensure!(
            high + 1 - low >= need,
            "{CONNECTIONS} idle connections to {SERVER} need {need} local ports, and \
             net.ipv4.ip_local_port_range has {}",
            high + 1 - low
        );
    }
    Ok(())
}

/// Starts `spec` (step 7) with long timeouts, opens the idle connections,
/// times requests on fresh ones and reads the server's memory; then closes
/// everything.
pub fn measure(launcher: &Launcher, spec: &'static Spec) -> Result<Idle> {
    check()?;
    let _raised = RaisedLimit::to(needed())?;
    let running = launcher.start_with(&Kind::Ours(spec), &FLAGS)?;
    let addr = running.addr();
    let began = Instant::now();
    let idle = open(addr, CONNECTIONS, began + OPEN_WITHIN)?;
    let open_seconds = began.elapsed().as_secs_f64();
    thread::sleep(SETTLE);
    let mut request_ms = Vec::with_capacity(TIMED);
    for _ in 0..TIMED {
        let began = Instant::now();
        let mut stream = TcpStream::connect(addr)?;
        ask(&mut stream, addr, true)?;
        request_ms.push(began.elapsed().as_secs_f64() * 1e3);
    }
    let (rss_kib, peak_kib, threads) =
        (running.rss_kib(), running.peak_rss_kib(), running.threads());
    let still_open = still_open(&idle);
    // The connections close first, then the server.
    drop(idle);
    drop(running);
    Ok(Idle {
        connections: CONNECTIONS,
        open_seconds,
        still_open,
        request_ms,
        rss_kib,
        peak_kib,
        threads,
    })
}

/// Opens `count` connections to `addr` from [`OPENERS`] threads, each after
/// one request answered, by `deadline`.
fn open(addr: SocketAddr, count: usize, deadline: Instant) -> Result<Vec<TcpStream>> {
    let shares = (0..OPENERS).map(|opener| count / OPENERS + usize::from(opener < count % OPENERS));
    let opened: Vec<Result<Vec<TcpStream>>> = thread::scope(|scope| {
        let openers: Vec<_> = shares
            .map(|share| {
                scope.spawn(move || {
                    let mut streams = Vec::with_capacity(share);
                    for _ in 0..share {
                        if Instant::now() > deadline {
                            bail!(
                                "{} idle connections were not open within {} s",
                                count,
                                OPEN_WITHIN.as_secs()
                            );
                        }
                        let mut stream = TcpStream::connect(addr).with_context(|| {
                            format!("cannot open idle connection {}", streams.len() + 1)
                        })?;
                        ask(&mut stream, addr, false)?;
                        streams.push(stream);
                    }
                    Ok(streams)
                })
            })
            .collect();
        openers.into_iter().map(|opener| opener.join().expect("an opener does not panic")).collect()
    });
    // Every opener's connections, or the first failure (the others close on the way out).
    let mut streams = Vec::with_capacity(count);
    for share in opened {
        streams.extend(share?);
    }
    Ok(streams)
}

/// Sends `GET /hello.html` over HTTP/1.1 on `stream` and reads the whole
/// answer, which must be a 200; with `close`, asks the server to close.
fn ask(stream: &mut TcpStream, addr: SocketAddr, close: bool) -> Result<()> {
    stream.set_read_timeout(Some(testkit::PATIENCE))?;
    let connection = if close { "Connection: close\r\n" } else { "" };
    stream.write_all(
        format!("GET /hello.html HTTP/1.1\r\nHost: {addr}\r\n{connection}\r\n").as_bytes(),
    )?;
    let head = read_answer(stream)?;
    let status = head.split(' ').nth(1);
    ensure!(status == Some("200"), "GET /hello.html answered {head:?}");
    Ok(())
}

/// Reads one answer with a `Content-Length`, no byte further, and returns its head.
fn read_answer(stream: &mut impl Read) -> Result<String> {
    let mut raw = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        if let Some((head, end)) = head_and_end(&raw)?
            && raw.len() >= end
        {
            return Ok(head);
        }
        match stream.read(&mut chunk).context("reading an answer")? {
            0 => bail!("the server closed the connection before its whole answer"),
            read => raw.extend_from_slice(&chunk[..read]),
        }
    }
}

/// The head of `raw` and where the answer ends, by its `Content-Length`,
/// once the head is whole.
fn head_and_end(raw: &[u8]) -> Result<Option<(String, usize)>> {
    let Some(at) = raw.windows(4).position(|window| window == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let length = head.lines().skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("Content-Length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    let length = length.with_context(|| format!("an answer without Content-Length: {head:?}"))?;
    Ok(Some((head, at + 4 + length)))
}

/// How many of `streams` the server has not closed: a read that would wait
/// means open, an end of file or anything read means not idle any more.
fn still_open(streams: &[TcpStream]) -> usize {
    let mut byte = [0];
    let mut open = |mut stream: &TcpStream| {
        let read = stream.set_nonblocking(true).and_then(|()| stream.read(&mut byte));
        matches!(read, Err(error) if error.kind() == std::io::ErrorKind::WouldBlock)
    };
    streams.iter().filter(|stream| open(stream)).count()
}

/// The bench's own soft limit of open files, raised up to its hard limit;
/// put back when dropped.
struct RaisedLimit {
    /// The soft limit before.
    soft: u64,
    /// The hard limit, unchanged.
    hard: u64,
}

impl RaisedLimit {
    /// Raises the soft limit to the hard one if it is below `need`.
    fn to(need: u64) -> Result<RaisedLimit> {
        let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
        if soft < need {
            // An unlimited hard limit cannot be the soft one: the kernel caps files.
            let raised = if hard == RLIM_INFINITY { need } else { hard };
            setrlimit(Resource::RLIMIT_NOFILE, raised, hard)
                .with_context(|| format!("cannot raise the open-files limit to {raised}"))?;
        }
        Ok(RaisedLimit { soft, hard })
    }
}

impl Drop for RaisedLimit {
    fn drop(&mut self) {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, self.soft, self.hard);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server said, given a piece at a time.
    struct Pieces(Vec<Vec<u8>>);

    impl Pieces {
        fn of(pieces: &[&str]) -> Pieces {
            Pieces(pieces.iter().map(|piece| piece.as_bytes().to_vec()).collect())
        }
    }

    impl Read for Pieces {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let piece = self.0.remove(0);
            buffer[..piece.len()].copy_from_slice(&piece);
            Ok(piece.len())
        }
    }

    #[test]
    fn an_answer_is_read_to_its_length_and_no_further() {
        let mut answer =
            Pieces::of(&["HTTP/1.1 200 OK\r\nContent-", "Length: 5\r\n\r\nhel", "lo", "NEXT"]);
        assert_eq!(read_answer(&mut answer).unwrap(), "HTTP/1.1 200 OK\r\nContent-Length: 5");
        assert_eq!(answer.0, [b"NEXT"]);
        let mut cut = Pieces::of(&["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"]);
        assert!(read_answer(&mut cut).is_err());
        let mut no_length = Pieces::of(&["HTTP/1.0 200 OK\r\n\r\nhello"]);
        assert!(read_answer(&mut no_length).is_err());
    }

    #[test]
    fn the_median_and_the_max_of_the_timed_requests() {
        let idle = |request_ms: Vec<f64>| Idle {
            connections: CONNECTIONS,
            open_seconds: 1.0,
            still_open: CONNECTIONS,
            request_ms,
            rss_kib: 0,
            peak_kib: 0,
            threads: 3,
        };
        let odd = idle(vec![3.0, 1.0, 9.0]);
        assert_eq!((odd.median_ms(), odd.max_ms()), (3.0, 9.0));
        let even = idle(vec![4.0, 1.0, 2.0, 8.0]);
        assert_eq!((even.median_ms(), even.max_ms()), (3.0, 8.0));
        assert!(idle(Vec::new()).max_ms().is_nan());
    }
}
