//! The exercise "Bound the queues" of step 4: step 4, whose Dispatcher lets
//! at most ten requests wait for each service and answers 503 at once to
//! the eleventh. Only `route` differs from step 4's; the rest is step 4's,
//! copied, since a step's Entry and Dispatcher are its own.

use std::collections::{HashMap, VecDeque};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam_channel::{Receiver, Select, Sender, never};
use http1::{Request, Response};
use step4_dispatcher::Config;
use step4_dispatcher::dispatcher::Registration;
use step4_dispatcher::services::{self, ServiceRequest};

/// How many requests may wait for one service; the next gets 503.
const MAX_WAITING: usize = 10;

fn main() -> ExitCode {
    let config = Config::parse();
    let listening = http1::listen(&config.host, config.port);
    serverkit::exit_code(listening.map(|listener| run(listener, config)))
}

/// The Entry process: starts the Dispatcher and services, then accepts connections and
/// starts an HTTPsocket thread for each, holding a writer to the request channel.
fn run(listener: TcpListener, config: Config) {
    if config.quiet {
        http1::quiet();
    }
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    let (register_writer, register_reader) = crossbeam_channel::bounded(0);
    thread::spawn(move || dispatcher(register_reader, request_reader));
    start_services(&config, register_writer);
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                http1::accept_failed(error);
                continue;
            }
        };
        let read_timeout = config.read_timeout;
        let request_writer = request_writer.clone();
        let spawned = thread::Builder::new()
            .name("HTTPsocket".into())
            .spawn(move || http_socket(stream, request_writer, read_timeout));
        if let Err(error) = spawned {
            eprintln!("cannot start a thread: {error}");
        }
    }
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

/// The HTTPsocket process: answers one request on its connection, then closes it.
fn http_socket(stream: TcpStream, request_writer: Sender<ServiceRequest>, read_timeout: Duration) {
    http1::serve(stream, read_timeout, |request| ask(&request_writer, request));
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

/// A service as the Dispatcher knows it.
#[derive(Default)]
struct Service {
    /// The writer end of each instance's request channel.
    instances: Vec<Sender<ServiceRequest>>,
    /// Requests that came while every instance was busy, oldest first.
    waiting: VecDeque<ServiceRequest>,
}

/// The Dispatcher process: one Alt over registrations, requests, and the idle
/// instances of the services that have requests waiting. No service holds up another.
fn dispatcher(mut register: Receiver<Registration>, requests: Receiver<ServiceRequest>) {
    let mut services: HashMap<String, Service> = HashMap::new();
    loop {
        let offers = offers(&services);
        let mut alt = Select::new();
        alt.recv(&register);
        alt.recv(&requests);
        for (_, instance) in &offers {
            alt.send(instance);
        }
        let operation = alt.select();
        match operation.index() {
            0 => match operation.recv(&register) {
                Ok((name, instance)) => services.entry(name).or_default().instances.push(instance),
                // Every service has registered and let go of the channel.
                Err(_) => register = never(),
            },
            1 => match operation.recv(&requests) {
                Ok(request) => route(&mut services, request),
                Err(_) => return,
            },
            offer => {
                let (name, instance) = &offers[offer - 2];
                let service = services.get_mut(name).expect("offers name known services");
                let oldest = service.waiting.pop_front().expect("offered for a waiting request");
                // Ready means idle, or ended: a send to an instance that has
                // ended fails at once. Forget it; the request waits again.
                if let Err(unsent) = operation.send(instance, oldest) {
                    service.instances.retain(|known| !known.same_channel(instance));
                    service.waiting.push_front(unsent.into_inner());
                    if service.instances.is_empty() {
                        retire(&mut services, name);
                    }
                }
            }
        }
    }
}

/// Every instance of every service that has a request waiting: the Alt
/// offers each the oldest of those requests, and only an idle one can take it.
fn offers(services: &HashMap<String, Service>) -> Vec<(String, Sender<ServiceRequest>)> {
    services
        .iter()
        .filter(|(_, service)| !service.waiting.is_empty())
        .flat_map(|(name, service)| {
            service.instances.iter().map(|instance| (name.clone(), instance.clone()))
        })
        .collect()
}

/// Forgets a service whose every instance has ended, and tells those who wait for it.
fn retire(services: &mut HashMap<String, Service>, name: &str) {
    let service = services.remove(name).expect("only known services retire");
    for (_target, reply) in service.waiting {
        let _ = reply.send(http1::error_page(503, "The service has stopped."));
    }
}

/// Routes a request by the first part of its path: `/files/css/a.css` goes to
/// `/files`. It waits in line for an instance, gets 503 at once when
/// [`MAX_WAITING`] wait already, or 404 if no service has that name.
fn route(services: &mut HashMap<String, Service>, (target, reply): ServiceRequest) {
    let path = target.split('?').next().unwrap_or_default();
    let name = format!("/{}", path.split('/').nth(1).unwrap_or_default());
    match services.get_mut(&name) {
        Some(service) if service.waiting.len() >= MAX_WAITING => {
            let _ = reply.send(http1::error_page(503, &format!("Too many wait for '{name}'.")));
        }
        Some(service) => service.waiting.push_back((target, reply)),
        None => {
            let _ = reply.send(http1::error_page(404, &format!("Service '{name}' not found!")));
        }
    }
}
