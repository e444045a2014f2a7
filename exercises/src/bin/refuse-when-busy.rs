//! The exercise "Refuse instead of wait" of step 5: when no worker is idle,
//! the Entry does not wait in `send`; after a moment, it hands the
//! connection to a Refuser, which answers 503. Only the Entry differs from step 5's, and the
//! Refuser is new; the rest is step 5's, copied.

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Sender, select};
use http1::{Request, Response};
use step5_pool::Config;
use step5_pool::dispatcher::{self, Registration};
use step5_pool::services::{self, ServiceRequest};

/// How long the Entry waits for an idle worker before it refuses: a worker
/// that has just closed a connection needs a moment to ask for the next,
/// and the workers start after the server says it is listening.
const IDLE_GRACE: Duration = Duration::from_millis(100);

/// How many refused connections may wait for the Refuser; more are closed.
const REFUSALS: usize = 64;

fn main() -> ExitCode {
    let config = Config::parse();
    let listening = http1::listen(&config.host, config.port);
    serverkit::exit_code(listening.map(|listener| run(listener, config)))
}

/// The Entry process: starts the Dispatcher, the services, the pool of
/// HTTPsocket workers and the Refuser, then accepts connections and hands
/// each to an idle worker, or to the Refuser when none is idle, until Ctrl-C. Then it stops accepting, lets the workers finish
/// what they hold, and returns.
fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http1::quiet();
    }
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    let (register_writer, register_reader) = crossbeam_channel::bounded(0);
    thread::spawn(move || dispatcher::dispatcher(register_reader, request_reader));
    start_services(&config, register_writer);
    let stop = stop_on_ctrl_c(&listener);
    let (socket_writer, socket_reader) = crossbeam_channel::bounded(0);
    let (refusals, refused) = crossbeam_channel::bounded(REFUSALS);
    thread::spawn(move || refuse(refused, config.read_timeout));
    thread::scope(|scope| {
        for _ in 0..config.workers {
            let socket_reader = socket_reader.clone();
            let request_writer = request_writer.clone();
            let spawned =
                thread::Builder::new().name("HTTPsocket".into()).spawn_scoped(scope, move || {
                    http_socket(socket_reader, request_writer, config.read_timeout)
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
                    // No worker became idle in a moment: the Refuser answers
                    // 503, or, busy too, the connection is closed unanswered.
                    default(IDLE_GRACE) => drop(refusals.try_send(stream)),
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
        // With the writer gone, each worker ends once its connection is answered.
        drop(socket_writer);
    });
}

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

/// The Refuser: reads each refused client's request, so that the answer is
/// not lost to an unread one, and answers 503. The Entry never waits for it.
fn refuse(refused: Receiver<TcpStream>, read_timeout: Duration) {
    for stream in refused {
        http1::serve(stream, read_timeout, |_| {
            http1::error_page(503, "Every worker is busy: try again in a moment.")
        });
    }
}

/// An HTTPsocket worker of the pool: takes a connection, answers one request
/// on it, closes it, and takes the next, until the Entry lets go of the channel.
fn http_socket(
    sockets: Receiver<TcpStream>,
    request_writer: Sender<ServiceRequest>,
    read_timeout: Duration,
) {
    for stream in sockets {
        http1::serve(stream, read_timeout, |request| ask(&request_writer, request));
    }
}

/// Sends the target on with a fresh reply channel, and waits for the answer.
fn ask(request_writer: &Sender<ServiceRequest>, request: &Request) -> Response {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    let answer = match request_writer.send((request.target.clone(), reply_writer)) {
        Ok(()) => reply_reader.recv().ok(),
        Err(_) => None,
    };
    answer.unwrap_or_else(|| http1::error_page(503, "No service answered."))
}

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
