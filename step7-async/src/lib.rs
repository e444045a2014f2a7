//! Step 7 of the scalable web server: the network of step 6, the Entry, the
//! HTTPsocket, the Dispatcher and the services, as tokio tasks instead of
//! threads. A task that waits holds no thread, so an idle client costs a few
//! KiB, not a worker.

pub mod dispatcher;
pub mod services;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use http1::asynchronous::Connection;
use http1::{KeepAlive, Request, Response};
use serverkit::{parse_seconds, parse_timeout};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::sync::{oneshot, watch};

use dispatcher::Registration;
use services::ServiceRequest;

/// What the server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version, about = "Step 7: the network of step 6 as tokio tasks.")]
pub struct Config {
    /// Address to listen on; 0.0.0.0 lets other machines connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the system pick a free one.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Seconds a client may take to send its request.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    pub read_timeout: Duration,
    /// Log no requests: for load tests, where writing the log costs more than answering.
    #[arg(long)]
    pub quiet: bool,
    /// How many Sleep services to start.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub sleepers: usize,
    /// Seconds a Sleep service sleeps when the target has no query, such as `?2`.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_seconds)]
    pub sleep: Duration,
    /// The directory whose files are served under /files/.
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/www"), value_parser = http1::files::parse_root)]
    pub root: PathBuf,
    /// How many threads run the tasks; by default, one per core.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Seconds an open connection may wait for its next request.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_timeout)]
    pub keep_alive: Duration,
    /// The most requests one connection carries before it closes.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_requests: u32,
    /// Sleep with `std::thread::sleep`, which holds the thread: the mistake
    /// that the chapter shows.
    #[arg(long)]
    pub blocking_sleep: bool,
}

impl Config {
    /// How long, and for how many requests, a connection stays open.
    fn keep_alive(&self) -> KeepAlive {
        KeepAlive { idle: self.keep_alive, max_requests: self.max_requests }
    }
}

// ANCHOR: entry
/// The Entry task: starts the Dispatcher and the services, then accepts
/// connections and starts an HTTPsocket task for each, until `stop` comes
/// (Ctrl-C, in `main`). Then it stops accepting, tells the connections that
/// wait for a request to close, waits for those with a request in flight,
/// and returns.
pub async fn run(listener: TcpListener, config: Config, stop: impl Future) {
    if config.quiet {
        http1::quiet();
    }
    let (request_writer, request_reader) = mpsc::unbounded_channel();
    let (register_writer, register_reader) = mpsc::unbounded_channel();
    tokio::spawn(dispatcher::dispatcher(register_reader, request_reader));
    start_services(&config, register_writer);
    let (stopping_writer, stopping) = watch::channel(false);
    let (in_flight, mut all_done) = mpsc::channel::<()>(1);
    let keep_alive = config.keep_alive();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let socket = HttpSocket {
                        requests: request_writer.clone(),
                        stopping: stopping.clone(),
                        _in_flight: in_flight.clone(),
                    };
                    tokio::spawn(socket.serve(stream, config.read_timeout, keep_alive));
                }
                Err(error) => http1::asynchronous::accept_failed(error).await,
            },
            _ = &mut stop => break,
        }
    }
    eprintln!("stopping: the connections finish what they hold");
    // Refuse new clients now, rather than keep them waiting for nothing.
    drop(listener);
    let _ = stopping_writer.send(true);
    // Each HTTPsocket holds a clone of `in_flight`: once the last has ended, `recv` gives `None`.
    drop(in_flight);
    let _ = all_done.recv().await;
}
// ANCHOR_END: entry

// ANCHOR: start_services
/// Starts every service. Each registers itself with the Dispatcher before its
/// tasks start, so that no request comes first.
fn start_services(config: &Config, register: UnboundedSender<Registration>) {
    let sleepers = services::register_for(&register, &["/sleep.html"]);
    for id in 0..config.sleepers {
        let blocking = config.blocking_sleep;
        tokio::spawn(services::sleep(id, config.sleep, blocking, sleepers.clone()));
    }
    let (indexes, times) = (
        services::register_for(&register, &["/", "/index.html"]),
        services::register_for(&register, &["/time.html"]),
    );
    for id in 0..2 {
        tokio::spawn(services::index(id, indexes.clone()));
        tokio::spawn(services::time(id, times.clone()));
    }
    tokio::spawn(services::hello_world(services::register_for(&register, &["/hello.html"])));
    let files = services::register_for(&register, &["/files"]);
    tokio::spawn(services::files(config.root.clone(), files));
}
// ANCHOR_END: start_services

// ANCHOR: http_socket
/// What an HTTPsocket task holds besides its connection.
struct HttpSocket {
    /// Where requests go: to the Dispatcher.
    requests: UnboundedSender<ServiceRequest>,
    /// Becomes `true` when the server stops.
    stopping: watch::Receiver<bool>,
    /// Held, never used: the Entry knows that every HTTPsocket has ended
    /// when the last clone of it is gone.
    _in_flight: mpsc::Sender<()>,
}

impl HttpSocket {
    /// An HTTPsocket task: answers request after request on its connection
    /// until it closes, or until the server stops while it waits for one.
    async fn serve(mut self, stream: TcpStream, read_timeout: Duration, keep_alive: KeepAlive) {
        let mut connection = Connection::new(stream, read_timeout, keep_alive);
        loop {
            let next = tokio::select! {
                request = connection.next_request() => request,
                _ = self.stopping.changed() => None,
            };
            let Some(request) = next else { return };
            let response = ask(&self.requests, &request).await;
            connection.answer(&request, response).await;
        }
    }
}
// ANCHOR_END: http_socket

// ANCHOR: ask
/// Sends the target on with a fresh reply channel, and waits for the answer.
async fn ask(request_writer: &UnboundedSender<ServiceRequest>, request: &Request) -> Response {
    let (reply_writer, reply_reader) = oneshot::channel();
    let answer = match request_writer.send((request.target.clone(), reply_writer)) {
        Ok(()) => reply_reader.await.ok(),
        Err(_) => None,
    };
    answer.unwrap_or_else(|| http1::error_page(503, "No service answered."))
}
// ANCHOR_END: ask

// ANCHOR: stop
/// Completes at the first Ctrl-C. From then on a second one ends the process at once.
pub async fn ctrl_c() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("Ctrl-C will not stop the server cleanly: {error}");
        std::future::pending::<()>().await;
    }
    tokio::spawn(async {
        let _ = tokio::signal::ctrl_c().await;
        std::process::exit(130);
    });
}
// ANCHOR_END: stop
