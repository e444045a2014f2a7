//! The services: tasks that answer requests taken from their service's queue.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Local;
use http1::Response;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::sync::{Mutex, oneshot};

use crate::dispatcher::Registration;

/// What a service receives: the target asked for, and where to send the answer.
pub type ServiceRequest = (String, oneshot::Sender<Response>);

/// The longest sleep that a query may ask for.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);

// ANCHOR: register
/// The requests of one service, which its instances take in turn. A tokio
/// channel has one reader, so the instances share it behind a lock: the one
/// that holds the lock is idle and waits for a request, the others wait for
/// the lock, and a busy one holds neither.
pub type Queue = Arc<Mutex<UnboundedReceiver<ServiceRequest>>>;

/// Registers a service: sends the writer end of a new queue to the
/// Dispatcher under each of `paths`, and returns the queue.
pub fn register_for(register: &UnboundedSender<Registration>, paths: &[&str]) -> Queue {
    let (request_writer, request_reader) = mpsc::unbounded_channel();
    for path in paths {
        register.send((path.to_string(), request_writer.clone())).expect("the Dispatcher runs");
    }
    Arc::new(Mutex::new(request_reader))
}

/// The next request for an idle instance, once it is its turn; `None` once
/// the Dispatcher has gone.
async fn next(queue: &Queue) -> Option<ServiceRequest> {
    queue.lock().await.recv().await
}

/// HelloWorld, on `/hello.html`: answers with the time of day.
pub async fn hello_world(queue: Queue) {
    while let Some((_target, reply)) = next(&queue).await {
        let answer = format!("Hello World at {}", Local::now().format("%H:%M:%S"));
        let _ = reply.send(http1::response(200, "OK", &answer));
    }
}
// ANCHOR_END: register

// ANCHOR: sleep
/// A Sleep service: answers that it is going to sleep for S seconds, as the
/// query `?S` asks (`default` without one), then sleeps, and while asleep
/// takes no requests. Its sleep is a timer that holds no thread, unless
/// `blocking`.
pub async fn sleep(id: usize, default: Duration, blocking: bool, queue: Queue) {
    while let Some((target, reply)) = next(&queue).await {
        match seconds_asked(&target, default) {
            Ok(duration) => {
                let answer = format!(
                    "Process {id} is going to sleep for {} seconds",
                    duration.as_secs_f64()
                );
                // Its HTTPsocket waits for this; if that task has ended, nobody wants it.
                let _ = reply.send(http1::response(200, "OK", &answer));
                if blocking {
                    // The mistake: the thread sleeps, and every task it runs with it.
                    std::thread::sleep(duration);
                } else {
                    tokio::time::sleep(duration).await;
                }
            }
            Err(detail) => {
                let _ = reply.send(http1::error_page(400, &detail));
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
pub async fn index(id: usize, queue: Queue) {
    while let Some((target, reply)) = next(&queue).await {
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

/// A Time service, on `/time.html`: answers with the time of day and its own number.
pub async fn time(id: usize, queue: Queue) {
    while let Some((_target, reply)) = next(&queue).await {
        let now = Local::now().format("%H:%M:%S");
        let page = format!("<p>The time is {now}.</p>\n<p>Served by process {id}</p>");
        let _ = reply.send(http1::response(200, "OK", &page));
    }
}

/// The Files service, on `/files` and below: the file of that name under
/// `root`. Looking a file up and opening it block their thread, so they run
/// on the threads that tokio keeps for blocking work.
pub async fn files(root: PathBuf, queue: Queue) {
    let root = Arc::new(root);
    while let Some((target, reply)) = next(&queue).await {
        let root = Arc::clone(&root);
        let answer =
            tokio::task::spawn_blocking(move || http1::files::answer(&root, &target)).await;
        let answer = answer.unwrap_or_else(|_| http1::error_page(500, "Reading the file failed."));
        let _ = reply.send(answer);
    }
}
// ANCHOR_END: index
