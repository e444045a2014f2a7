//! The services: threads that answer requests sent to them over a channel.

use chrono::Local;
use crossbeam_channel::{Receiver, Sender};
use http1::Response;

/// What a service receives: the target asked for, and where to send the answer.
pub type ServiceRequest = (String, Sender<Response>);

// ANCHOR: hello_world
/// The HelloWorld service: answers every request with the time of day.
pub fn hello_world(requests: Receiver<ServiceRequest>) -> impl FnOnce() + Send + 'static {
    move || {
        for (_target, reply) in requests {
            let answer = format!("Hello World at {}", Local::now().format("%H:%M:%S"));
            // Its HTTPsocket waits for this; if that thread has died, nobody wants it.
            let _ = reply.send(http1::response(200, "OK", &answer));
        }
    }
}
// ANCHOR_END: hello_world
