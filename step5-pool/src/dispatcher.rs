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
                let waiting = &mut services.get_mut(path).expect("offers name known paths").waiting;
                let oldest = waiting.pop_front().expect("offers are made for waiting requests");
                // The instance is idle, so this send completes at once.
                let _ = operation.send(instance, oldest);
            }
        }
    }
}
// ANCHOR_END: dispatcher

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
