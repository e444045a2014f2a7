//! The services: threads that answer requests sent to them over a channel.

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use http1::Response;

/// What a service receives: the target asked for, and where to send the answer.
pub type ServiceRequest = (String, Sender<Response>);

/// The longest sleep that a query may ask for.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);

// ANCHOR: sleep
/// A Sleep service: answers that it is going to sleep for S seconds, as the
/// query `?S` asks (`default` without one), then sleeps, and while asleep
/// takes no requests.
pub fn sleep(
    id: usize,
    default: Duration,
    requests: Receiver<ServiceRequest>,
) -> impl FnOnce() + Send + 'static {
    move || {
        for (target, reply) in requests {
            match seconds_asked(&target, default) {
                Ok(duration) => {
                    let answer = format!(
                        "Process {id} is going to sleep for {} seconds",
                        duration.as_secs_f64()
                    );
                    // Its HTTPsocket waits for this; if that thread has died, nobody wants it.
                    let _ = reply.send(http1::response(200, "OK", &answer));
                    thread::sleep(duration);
                }
                Err(detail) => {
                    let _ = reply.send(http1::error_page(400, &detail));
                }
            }
        }
    }
}

/// The seconds asked for in `/sleep.html?S`, or `default` when there is no query.
fn seconds_asked(target: &str, default: Duration) -> Result<Duration, String> {
    let query = target.split_once('?').map_or("", |(_, query)| query);
    if query.is_empty() {
        return Ok(default);
    }
    query
        .parse()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .filter(|duration| *duration <= MAX_SLEEP)
        .ok_or_else(|| {
            format!("Ask for 0 to {} seconds, as in /sleep.html?5.", MAX_SLEEP.as_secs())
        })
}
// ANCHOR_END: sleep
