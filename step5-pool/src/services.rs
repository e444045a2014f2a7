//! The services: threads that answer requests sent to them over a channel.
//!
//! Each service registers itself with the Dispatcher: it makes its own request
//! channel, sends the writer end with each path it serves over the register
//! channel, and returns the loop that answers what comes in, to be run on a
//! thread of its own.

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use chrono::Local;
use crossbeam_channel::{Receiver, Sender};

use crate::dispatcher::Registration;
use crate::files;
use crate::http::{self, Response};

/// What a service receives: the target asked for, and where to send the answer.
pub type ServiceRequest = (String, Sender<Response>);

/// The longest sleep that `/sleep.html?S` may ask for.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);

/// What the Index page links to: every service this server starts.
const LINKS: &[(&str, &str)] = &[
    ("/hello.html", "Hello World"),
    ("/time.html", "the time"),
    ("/sleep.html?5", "sleep for five seconds"),
    (files::PREFIX, "files from disk"),
];

// ANCHOR: register
/// Makes a request channel, registers it under `paths`, and returns its reader end.
///
/// The channel is a rendezvous: the Dispatcher can hand a request over only
/// while the service waits in `recv`, that is, while it is idle.
fn register_for(register: &Sender<Registration>, paths: &[&str]) -> Receiver<ServiceRequest> {
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    for path in paths {
        register.send((path.to_string(), request_writer.clone())).expect("the Dispatcher runs");
    }
    request_reader
}
// ANCHOR_END: register

// ANCHOR: hello_world
/// HelloWorld, on `/hello.html`: answers with the time of day.
pub fn hello_world(register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/hello.html"]);
    move || {
        for (_target, reply) in requests {
            let answer = format!("Hello World at {}", Local::now().format("%H:%M:%S"));
            // Its HTTPsocket waits for this; if that thread has died, nobody wants it.
            let _ = reply.send(http::response(200, "OK", &answer));
        }
    }
}
// ANCHOR_END: hello_world

// ANCHOR: sleep
/// A Sleep service, on `/sleep.html?S`: answers that it is going to sleep for
/// S seconds (`default` without a query), then sleeps, and while asleep takes
/// no requests.
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
                    let _ = reply.send(http::response(200, "OK", &answer));
                    thread::sleep(duration);
                }
                Err(detail) => {
                    let _ = reply.send(http::error_page(400, &detail));
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
/// An Index service, on `/` and `/index.html`: links to every service and
/// says which instance answered.
pub fn index(id: usize, register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/", "/index.html"]);
    move || {
        for (target, reply) in requests {
            let links: String = LINKS
                .iter()
                .map(|(href, text)| format!("<li><a href=\"{href}\">{text}</a></li>\n"))
                .collect();
            let page = format!(
                "<h1>Hello from the dispatcher</h1>\n<p>You asked for {}.</p>\n<ul>\n{links}</ul>\n\
                 <p>Served by process {id}</p>",
                http::escape(&target)
            );
            let _ = reply.send(http::response(200, "OK", &page));
        }
    }
}
// ANCHOR_END: index

// ANCHOR: time
/// A Time service, on `/time.html`: answers with the time of day and its own number.
pub fn time(id: usize, register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let requests = register_for(register, &["/time.html"]);
    move || {
        for (_target, reply) in requests {
            let page = format!(
                "<p>The time is {}.</p>\n<p>Served by process {id}</p>",
                Local::now().format("%H:%M:%S")
            );
            let _ = reply.send(http::response(200, "OK", &page));
        }
    }
}
// ANCHOR_END: time

// ANCHOR: files
/// The Files service, on `/files` and every path under `/files/`: answers
/// with the file of that name under `root`.
pub fn files(root: PathBuf, register: &Sender<Registration>) -> impl FnOnce() + Send + 'static {
    let directory = files::PREFIX.trim_end_matches('/');
    let requests = register_for(register, &[directory, &format!("{}*", files::PREFIX)]);
    move || {
        for (target, reply) in requests {
            let _ = reply.send(files::answer(&root, &target));
        }
    }
}
// ANCHOR_END: files
