//! The Dispatcher: routes each request to an idle instance of its service.

use std::collections::{HashMap, VecDeque};

use crossbeam_channel::{Receiver, Select, Sender, never};

use crate::services::ServiceRequest;

/// What a service sends to register: a name, such as `/hello.html`, and its request channel.
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
/// The Dispatcher process: one Alt over registrations, requests, and the idle
/// instances of the services that have requests waiting. No service holds up another.
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
// ANCHOR_END: dispatcher

// ANCHOR: offers
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
/// `/files`. It waits in line for an instance, or gets 404 if none has that name.
fn route(services: &mut HashMap<String, Service>, (target, reply): ServiceRequest) {
    let path = target.split('?').next().unwrap_or_default();
    let name = format!("/{}", path.split('/').nth(1).unwrap_or_default());
    match services.get_mut(&name) {
        Some(service) => service.waiting.push_back((target, reply)),
        None => {
            let _ = reply.send(http1::error_page(404, &format!("Service '{name}' not found!")));
        }
    }
}
// ANCHOR_END: offers
