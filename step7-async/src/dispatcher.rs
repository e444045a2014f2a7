//! The Dispatcher: routes each request to the queue of its service.

use std::collections::HashMap;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::services::ServiceRequest;

/// What a service sends to register: a name, such as `/hello.html`, and the
/// writer end of the queue its instances take requests from.
pub type Registration = (String, UnboundedSender<ServiceRequest>);

// ANCHOR: dispatcher
/// The Dispatcher task: waits for a registration or a request, and routes
/// each request to the queue of its service, where the first idle instance
/// takes it. Sending to a queue never waits, so no service holds up another.
pub async fn dispatcher(
    mut register: UnboundedReceiver<Registration>,
    mut requests: UnboundedReceiver<ServiceRequest>,
) {
    let mut services: HashMap<String, UnboundedSender<ServiceRequest>> = HashMap::new();
    loop {
        tokio::select! {
            // Registrations first: a request must not come before its service.
            biased;
            Some((name, queue)) = register.recv() => {
                services.insert(name, queue);
            }
            request = requests.recv() => match request {
                Some(request) => route(&mut services, request),
                None => return,
            },
        }
    }
}
// ANCHOR_END: dispatcher

// ANCHOR: route
/// Routes a request by the first part of its path: `/files/css/a.css` goes to
/// `/files`. It joins its service's queue, or gets 404 if none has that name,
/// or 503 if every instance of that service has ended.
fn route(services: &mut HashMap<String, UnboundedSender<ServiceRequest>>, request: ServiceRequest) {
    let path = request.0.split('?').next().unwrap_or_default();
    let name = format!("/{}", path.split('/').nth(1).unwrap_or_default());
    let Some(queue) = services.get(&name) else {
        let _ = request.1.send(http1::error_page(404, &format!("Service '{name}' not found!")));
        return;
    };
    if let Err(unsent) = queue.send(request) {
        services.remove(&name);
        let (_target, reply) = unsent.0;
        let _ = reply.send(http1::error_page(503, "The service has stopped."));
    }
}
// ANCHOR_END: route
