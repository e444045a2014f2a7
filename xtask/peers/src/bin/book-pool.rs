//! The Rust book's final web server, chapter 21: a `ThreadPool` of four
//! workers that take jobs from one `mpsc` channel behind a mutex.
//! `book-pool PAGE_FILE`.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;

/// What a worker runs: one connection's handling.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of workers and the sending end of their job channel.
struct ThreadPool {
    /// The workers, to join when the pool is dropped.
    workers: Vec<thread::JoinHandle<()>>,
    /// Where jobs go; dropped first, so that the workers end.
    sender: Option<mpsc::Sender<Job>>,
}

impl ThreadPool {
    /// Starts `size` workers, each taking the next job under the mutex.
    fn new(size: usize) -> ThreadPool {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                thread::spawn(move || {
                    while let Ok(job) = receiver.lock().unwrap().recv() {
                        job();
                    }
                })
            })
            .collect();
        ThreadPool { workers, sender: Some(sender) }
    }

    /// Queues `job` for the next idle worker.
    fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.sender.as_ref().unwrap().send(Box::new(job)).unwrap();
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            worker.join().unwrap();
        }
    }
}

fn main() -> std::io::Result<()> {
    let answer: Arc<[u8]> = bench_peers::answer_from_args().into();
    let pool = ThreadPool::new(4);
    for stream in bench_peers::listen()?.incoming().flatten() {
        let answer = Arc::clone(&answer);
        pool.execute(move || bench_peers::handle_connection(stream, &answer));
    }
    Ok(())
}
