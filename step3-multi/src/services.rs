//! The services: threads that answer requests sent to them over a channel.

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

/// What a service receives: the target asked for, and where to send the page.
pub type ServiceRequest = (String, Sender<String>);

// ANCHOR: sleep
/// A Sleep service: answers that it is going to sleep, then sleeps, and while
/// asleep takes no requests.
pub fn sleep(id: usize, duration: Duration, requests: Receiver<ServiceRequest>) {
    for (_target, reply) in requests {
        let answer =
            format!("Process {id} is going to sleep for {} seconds", duration.as_secs_f64());
        // Its HTTPsocket waits for this; if that thread has died, nobody wants it.
        let _ = reply.send(answer);
        thread::sleep(duration);
    }
}
// ANCHOR_END: sleep
