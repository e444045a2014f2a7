//! Step 6 of the scalable web server: step 5's pool of HTTPsocket workers,
//! each serving request after request on the connection it holds, as
//! HTTP/1.1's persistent connections allow.

pub mod dispatcher;
pub mod services;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, select};
use http1::{Connection, KeepAlive, Request, Response, Rules};
use serverkit::{parse_seconds, parse_timeout};

use dispatcher::Registration;
use services::ServiceRequest;

/// What the server is told on its command line.
#[derive(Debug, Clone, Parser)]
#[command(version, about = "Step 6: the pool of step 5, with persistent HTTP/1.1 connections.")]
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
    /// How many HTTPsocket workers serve connections, one at a time each.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: u16,
    /// Seconds an open connection may wait for its next request.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_timeout)]
    pub keep_alive: Duration,
    /// The most requests one connection carries before it closes.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_requests: u32,
}

impl Config {
    /// How long, and for how many requests, a connection stays open.
    fn keep_alive(&self) -> KeepAlive {
        KeepAlive { idle: self.keep_alive, max_requests: self.max_requests }
    }
}

// ANCHOR: entry
/// The Entry process: starts the Dispatcher, the services and the pool of
/// HTTPsocket workers, then accepts connections and hands each to an idle
/// worker, until Ctrl-C. Then it stops accepting, lets the workers finish
/// the connections they hold, and returns.
pub fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http1::quiet();
    }
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    let (register_writer, register_reader) = crossbeam_channel::bounded(0);
    thread::spawn(move || dispatcher::dispatcher(register_reader, request_reader));
    start_services(&config, register_writer);
    let stop = stop_on_ctrl_c(&listener);
    let (socket_writer, socket_reader) = crossbeam_channel::bounded(0);
    let keep_alive = config.keep_alive();
    thread::scope(|scope| {
        for _ in 0..config.workers {
            let socket_reader = socket_reader.clone();
            let request_writer = request_writer.clone();
            let spawned =
                thread::Builder::new().name("HTTPsocket".into()).spawn_scoped(scope, move || {
                    http_socket(socket_reader, request_writer, config.read_timeout, keep_alive)
                });
            if let Err(error) = spawned {
                eprintln!("cannot start a thread: {error}");
            }
        }
        for connection in listener.incoming() {
            match connection {
                // Accepted means in flight: it is served, even when Ctrl-C came first.
                Ok(stream) => select! {
                    send(socket_writer, stream) -> _ => {}
                    recv(stop) -> _ => {
                        let _ = socket_writer.send(stream);
                        break;
                    }
                },
                Err(error) => http1::accept_failed(error),
            }
            if stop.try_recv().is_ok() {
                break;
            }
        }
        eprintln!("stopping: the workers finish what they hold");
        // Refuse new clients now, rather than keep them waiting for nothing.
        drop(listener);
        // With the writer gone, each worker ends once its connection closes.
        drop(socket_writer);
    });
}
// ANCHOR_END: entry

// ANCHOR: start_services
/// Starts every service. Each registers itself with the Dispatcher before its
/// thread starts, so that no request comes first.
fn start_services(config: &Config, register: Sender<Registration>) {
    for id in 0..config.sleepers {
        thread::spawn(services::sleep(id, config.sleep, &register));
    }
    for id in 0..2 {
        thread::spawn(services::index(id, &register));
        thread::spawn(services::time(id, &register));
    }
    thread::spawn(services::hello_world(&register));
    thread::spawn(services::files(config.root.clone(), &register));
}
// ANCHOR_END: start_services

// ANCHOR: http_socket
/// An HTTPsocket worker of the pool: takes a connection and answers request
/// after request on it until it closes, then takes the next, until the
/// Entry lets go of the channel. An idle client holds its worker.
fn http_socket(
    sockets: Receiver<TcpStream>,
    request_writer: Sender<ServiceRequest>,
    read_timeout: Duration,
    keep_alive: KeepAlive,
) {
    let rules = Rules::get_and_head(read_timeout);
    for stream in sockets {
        let mut connection = Connection::new(stream, rules, keep_alive);
        while let Some(request) = connection.next_request() {
            let response = ask(&request_writer, &request);
            connection.answer(&request, response);
        }
    }
}
// ANCHOR_END: http_socket

// ANCHOR: ask
/// Sends the target on with a fresh reply channel, and waits for the answer.
fn ask(request_writer: &Sender<ServiceRequest>, request: &Request) -> Response {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    let answer = match request_writer.send((request.target.clone(), reply_writer)) {
        Ok(()) => reply_reader.recv().ok(),
        Err(_) => None,
    };
    answer.unwrap_or_else(|| http1::error_page(503, "No service answered."))
}
// ANCHOR_END: ask

// ANCHOR: stop
/// A channel that gets a message when Ctrl-C is pressed. The Entry may be
/// waiting in `accept`, so the handler also wakes it with a connection of its
/// own. A second Ctrl-C ends the process at once.
fn stop_on_ctrl_c(listener: &TcpListener) -> Receiver<()> {
    let (stop_writer, stop_reader) = crossbeam_channel::bounded(1);
    // Connecting to 0.0.0.0 or [::] reaches this machine too.
    let wake = listener.local_addr();
    let pressed = AtomicBool::new(false);
    let handler = ctrlc::set_handler(move || {
        if pressed.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = stop_writer.try_send(());
        if let Ok(addr) = wake {
            let _ = TcpStream::connect(addr);
        }
    });
    if let Err(error) = handler {
        eprintln!("Ctrl-C will not stop the server cleanly: {error}");
    }
    stop_reader
}
// ANCHOR_END: stop
