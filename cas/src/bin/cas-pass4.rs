//! Pass 4: one thread waits on every socket at once, and serves whichever is ready.
//!
//! No thread per client: a single loop asks the operating system (through
//! `mio`, which uses epoll on Linux and kqueue on BSD and macOS) which
//! sockets have something to read or room to write, and does a little work
//! for each. Nothing in the loop may block, so every socket is non-blocking,
//! and each connection keeps its own half-read line and its unsent answers.
//! The register needs no lock: only this thread touches it.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cas::lines::{self, CHUNK, End, LineBuffer};
use cas::server::Config;
use cas::{Register, log, protocol};
use mio::event::Event;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

fn main() -> ExitCode {
    cas::server::main("Pass 4: one thread waits on all sockets with poll.", run)
}

/// The listening socket's token; clients get 1, 2, 3…
const LISTENER: Token = Token(0);

/// How many reads one client gets before the others have their turn.
const READS_PER_TURN: usize = 4;

/// How many answers' bytes a client may leave unread before we stop reading its requests.
const MAX_UNSENT: usize = 64 * 1024;

// ANCHOR: run
/// Waits for any socket to be ready, serves it, and closes the connections
/// that ended or ran out of time.
fn run(listener: TcpListener, config: Config) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = mio::net::TcpListener::from_std(listener);
    let mut poll = Poll::new()?;
    poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut register = Register::new();
    let mut clients: HashMap<Token, Client> = HashMap::new();
    let mut next_token = LISTENER.0;
    let mut events = Events::with_capacity(256);
    let mut unfinished: Vec<Token> = Vec::new();
    loop {
        match poll.poll(&mut events, how_long_to_wait(&clients, &unfinished)) {
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            result => result?,
        }
        let ready: Vec<Token> =
            events.iter().map(Event::token).chain(unfinished.drain(..)).collect();
        for token in ready {
            if token == LISTENER {
                accept_all(&listener, &poll, &mut clients, &mut next_token, config.read_timeout);
            } else if let Some(client) = clients.get_mut(&token) {
                match client.serve(&mut register, config.read_timeout) {
                    Ok(Turn::Waiting) => {}
                    Ok(Turn::Unfinished) => unfinished.push(token),
                    Err(end) => hang_up(&poll, &mut clients, token, end),
                }
            }
        }
        hang_up_late(&poll, &mut clients);
    }
}
// ANCHOR_END: run

/// How long the poll may wait: not at all if a client's turn was unfinished,
/// else until the first deadline, or for ever if nobody is connected.
fn how_long_to_wait(clients: &HashMap<Token, Client>, unfinished: &[Token]) -> Option<Duration> {
    if !unfinished.is_empty() {
        return Some(Duration::ZERO);
    }
    let first_deadline = clients.values().map(|client| client.deadline).min();
    first_deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()))
}

/// Accepts every connection that is waiting, and registers each with the poll.
fn accept_all(
    listener: &mio::net::TcpListener,
    poll: &Poll,
    clients: &mut HashMap<Token, Client>,
    next_token: &mut usize,
    timeout: Duration,
) {
    loop {
        let (mut stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) if error.kind() == ErrorKind::WouldBlock => return,
            Err(error) => return log::accept_failed(error),
        };
        *next_token += 1;
        let token = Token(*next_token);
        let interest = Interest::READABLE | Interest::WRITABLE;
        if let Err(error) = poll.registry().register(&mut stream, token, interest) {
            log::event(peer, format_args!("cannot watch the connection: {error}"));
            continue;
        }
        log::event(peer, "connected");
        let client = Client {
            stream,
            peer,
            lines: LineBuffer::default(),
            unsent: Vec::new(),
            deadline: Instant::now() + timeout,
        };
        clients.insert(token, client);
    }
}

/// Hangs up on every client whose deadline has passed.
fn hang_up_late(poll: &Poll, clients: &mut HashMap<Token, Client>) {
    let now = Instant::now();
    let late: Vec<Token> = clients
        .iter()
        .filter(|(_, client)| client.deadline <= now)
        .map(|(&token, _)| token)
        .collect();
    for token in late {
        hang_up(poll, clients, token, End::TimedOut);
    }
}

/// Forgets a client: stops watching its socket, logs why, and closes it.
fn hang_up(poll: &Poll, clients: &mut HashMap<Token, Client>, token: Token, end: End) {
    if let Some(mut client) = clients.remove(&token) {
        let _ = poll.registry().deregister(&mut client.stream);
        lines::finish(&client.stream, client.peer, end);
    }
}

// ANCHOR: client
/// One connection, and where its conversation stands.
struct Client {
    /// The client's socket, non-blocking.
    stream: TcpStream,
    /// Who the client is, for the log.
    peer: SocketAddr,
    /// What it sent that is not a whole line yet.
    lines: LineBuffer,
    /// Answers it has not taken yet, because its socket was full.
    unsent: Vec<u8>,
    /// When it must have sent its next line; it is cut off after that.
    deadline: Instant,
}

/// How a client's turn ended.
enum Turn {
    /// All that could be done is done; the poll says when there is more.
    Waiting,
    /// The turn ran out with more to read: serve it again after the others.
    Unfinished,
}

impl Client {
    /// Does the work there is for this client now, without waiting: sends
    /// what is unsent, reads what has come, answers every whole line.
    fn serve(&mut self, register: &mut Register, timeout: Duration) -> Result<Turn, End> {
        for _ in 0..READS_PER_TURN {
            self.send_unsent()?;
            if self.unsent.len() > MAX_UNSENT {
                return Ok(Turn::Waiting);
            }
            let mut chunk = [0; CHUNK];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(self.lines.closed()),
                Ok(read) => self.lines.extend(&chunk[..read]),
                Err(error) if error.kind() == ErrorKind::WouldBlock => return Ok(Turn::Waiting),
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => return Err(End::Broken(error)),
            }
            while let Some(request) = self.lines.next_line()? {
                let answer = protocol::answer(register, &request);
                log::request(self.peer, &request, &answer);
                self.unsent.extend(lines::frame(&answer));
                self.deadline = Instant::now() + timeout;
            }
        }
        self.send_unsent()?;
        Ok(Turn::Unfinished)
    }

    /// Writes as much of the unsent answers as the socket takes now.
    fn send_unsent(&mut self) -> Result<(), End> {
        while !self.unsent.is_empty() {
            match self.stream.write(&self.unsent) {
                Ok(0) => return Err(End::Broken(ErrorKind::WriteZero.into())),
                Ok(written) => drop(self.unsent.drain(..written)),
                Err(error) if error.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => return Err(End::Broken(error)),
            }
        }
        Ok(())
    }
}
// ANCHOR_END: client
