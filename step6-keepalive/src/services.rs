//! The services: threads that answer requests sent to them over a channel.

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use chrono::Local;
use crossbeam_channel::{Receiver, Sender};
use http1::Response;

use crate::dispatcher::Registration;

/// What a service receives: the target asked for, and where to send the answer.
pub type ServiceRequest = (String, Sender<Response>);

/// The longest sleep that a query may ask for.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);

// ANCHOR: register
/// Registers a service: sends a new rendezvous channel's writer end to the
/// Dispatcher under each of `paths`, and returns the reader end.
fn register_for(register: &Sender<Registration>, paths: &[&str]) -> Receiver<ServiceRequest> {
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    for path in paths {
        register.send((path.to_string(), request_writer.clone())).expect("the Dispatcher runs");
    }
    request_reader
}

/// HelloWorld, on `/hello.html`: answers with the time of day.
pub fn hello_world(register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/hello.html"]);
    move || {
        for (_target, reply) in requests {
            let answer = format!("Hello World at {}", Local::now().format("%H:%M:%S"));
            let _ = reply.send(http1::response(200, "OK", &answer));
        }
    }
}
// ANCHOR_END: register

// ANCHOR: sleep
/// A Sleep service: answers that it is going to sleep for S seconds, as the
/// query `?S` asks (`default` without one), then sleeps, and while asleep
/// takes no requests.
pub fn sleep(
    id: usize,
    default: Duration,
    register: &Sender<Registration>,
) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/sleep.html"]);
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

// ANCHOR: index
/// An Index service, on `/` and `/index.html`: links to the others, and says who answered.
pub fn index(id: usize, register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/", "/index.html"]);
    move || {
        for (target, reply) in requests {
            let page = format!(
                "<h1>Hello from the dispatcher</h1>\n<p>You asked for {}.</p>\n<ul>\n\
                 <li><a href=\"/hello.html\">Hello World</a></li>\n\
                 <li><a href=\"/time.html\">the time</a></li>\n\
                 <li><a href=\"/sleep.html?5\">sleep for five seconds</a></li>\n\
                 <li><a href=\"/files/\">files from disk</a></li>\n</ul>\n\
                 <p>Served by process {id}</p>",
                http1::escape(&target)
            );
            let _ = reply.send(http1::response(200, "OK", &page));
        }
    }
}

/// A Time service, on `/time.html`: answers with the time of day and its own number.
pub fn time(id: usize, register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/time.html"]);
    move || {
        for (_target, reply) in requests {
            let now = Local::now().format("%H:%M:%S");
            let page = format!("<p>The time is {now}.</p>\n<p>Served by process {id}</p>");
            let _ = reply.send(http1::response(200, "OK", &page));
        }
    }
}

/// The Files service, on `/files` and below: the file of that name under `root`.
pub fn files(root: PathBuf, register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/files"]);
    move || {
        for (target, reply) in requests {
            let _ = reply.send(http1::files::answer(&root, &target));
        }
    }
}
// ANCHOR_END: index
