//! The Dispatcher: routes each request to an idle instance of the service
//! registered for its path.

use std::collections::{HashMap, VecDeque};

use crossbeam_channel::{Receiver, Select, Sender, never};

use crate::http;
use crate::services::ServiceRequest;

/// What a service sends to register: a path it serves, and the writer end of
/// its request channel. A path that ends in `/*` stands for every path below
/// it: `/files/*` serves `/files/css/style.css`.
pub type Registration = (String, Sender<ServiceRequest>);

/// A service as the Dispatcher knows it.
#[derive(Default)]
struct Service {
    /// The writer end of each instance's request channel.
    instances: Vec<Sender<ServiceRequest>>,
    /// Requests that came while every instance was busy, oldest first.
    waiting: VecDeque<ServiceRequest>,
}

// ANCHOR: dispatcher
/// The Dispatcher process. One Alt waits for a registration, a request, and
/// an idle instance of every service that has requests waiting, and takes
/// whichever is ready first. So a busy service never holds up the others.
pub fn dispatcher(mut register: Receiver<Registration>, requests: Receiver<ServiceRequest>) {
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
                Ok((path, instance)) => services.entry(path).or_default().instances.push(instance),
                // Every service has registered and let go of the channel.
                Err(_) => register = never(),
            },
            1 => match operation.recv(&requests) {
                Ok(request) => route(&mut services, request),
                Err(_) => return,
            },
            offer => {
                let (path, instance) = &offers[offer - 2];
                let service = services.get_mut(path).expect("offers name known paths");
                let oldest =
                    service.waiting.pop_front().expect("offers are made for waiting requests");
                // Ready means idle, or ended: a send to an instance that has
                // ended fails at once. Forget it; the request waits again.
                if let Err(unsent) = operation.send(instance, oldest) {
                    service.instances.retain(|known| !known.same_channel(instance));
                    service.waiting.push_front(unsent.into_inner());
                    if service.instances.is_empty() {
                        retire(&mut services, path);
                    }
                }
            }
        }
    }
}
// ANCHOR_END: dispatcher

// ANCHOR: retire
/// Removes a service whose every instance has ended, and tells those who
/// wait for it. Its path is unknown from now on.
fn retire(services: &mut HashMap<String, Service>, path: &str) {
    let service = services.remove(path).expect("only known services retire");
    for (_target, reply) in service.waiting {
        let _ = reply.send(http::error_page(503, "The service has stopped."));
    }
}
// ANCHOR_END: retire

// ANCHOR: offers
/// Every instance of every service that has a request waiting: the Alt offers
/// each the oldest of those requests. On a rendezvous channel a send is ready
/// only while its instance waits in `recv`, so only an idle one can take it.
fn offers(services: &HashMap<String, Service>) -> Vec<(String, Sender<ServiceRequest>)> {
    services
        .iter()
        .filter(|(_, service)| !service.waiting.is_empty())
        .flat_map(|(path, service)| {
            service.instances.iter().map(|instance| (path.clone(), instance.clone()))
        })
        .collect()
}
// ANCHOR_END: offers

// ANCHOR: route
/// Routes a request by its path, without the query string: it waits in line
/// for an instance of its service, or gets a 404 when no service has that path.
fn route(services: &mut HashMap<String, Service>, (target, reply): ServiceRequest) {
    let path = target.split('?').next().unwrap_or_default();
    match service_for(services, path) {
        Some(key) => {
            services.get_mut(&key).expect("found above").waiting.push_back((target, reply))
        }
        None => {
            let page = format!(
                "<h1>404 Not Found</h1>\n<p>Service '{}' not found!</p>",
                http::escape(path)
            );
            let _ = reply.send(http::response(404, "Not Found", &page));
        }
    }
}

/// The path under which `path`'s service registered: `path` itself, or else
/// the nearest `DIR/*` above it.
fn service_for(services: &HashMap<String, Service>, path: &str) -> Option<String> {
    let above = path.rmatch_indices('/').map(|(slash, _)| format!("{}*", &path[..=slash]));
    std::iter::once(path.to_string()).chain(above).find(|key| services.contains_key(key))
}
// ANCHOR_END: route

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts a Dispatcher with a `/time.html` service of two instances, the
    /// first of which has already ended; returns the request writer and the
    /// live instance's request reader.
    fn dispatcher_with_a_dead_instance() -> (Sender<ServiceRequest>, Receiver<ServiceRequest>) {
        let (register_writer, register_reader) = crossbeam_channel::bounded(0);
        let (request_writer, request_reader) = crossbeam_channel::bounded(0);
        std::thread::spawn(move || dispatcher(register_reader, request_reader));
        let (dead, _) = crossbeam_channel::bounded::<ServiceRequest>(0);
        let (live, live_reader) = crossbeam_channel::bounded(0);
        register_writer.send(("/time.html".into(), dead)).unwrap();
        register_writer.send(("/time.html".into(), live)).unwrap();
        (request_writer, live_reader)
    }

    /// Sends a request and returns its reply reader.
    fn ask(request_writer: &Sender<ServiceRequest>) -> Receiver<http::Response> {
        let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
        request_writer.send(("/time.html".into(), reply_writer)).unwrap();
        reply_reader
    }

    #[test]
    fn a_dead_instance_is_forgotten_and_the_live_one_gets_every_request() {
        let (request_writer, live) = dispatcher_with_a_dead_instance();
        for _ in 0..20 {
            let reply = ask(&request_writer);
            let (target, reply_writer) =
                live.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
            assert_eq!(target, "/time.html");
            reply_writer.send(http::response(200, "OK", "now")).unwrap();
            assert!(reply.recv().is_ok());
        }
    }

    #[test]
    fn when_every_instance_has_ended_the_waiting_get_503() {
        let (request_writer, live) = dispatcher_with_a_dead_instance();
        drop(live);
        let reply = ask(&request_writer).recv_timeout(std::time::Duration::from_secs(5));
        assert!(format!("{reply:?}").contains("status: 503"), "{reply:?}");
    }
}
