//! Alt over outputs: offer one message on several channels at once, and let
//! the first reader that is ready take it. In Rust: a
//! `crossbeam_channel::Select` with one `send` operation per channel.

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Select, Sender};

use crate::timeline::{Event, Timeline};

// ANCHOR: offer
/// Offers `job` to every instance at once, and returns which one took it.
/// On `bounded(0)` channels a send is ready only while its instance waits in
/// `recv`, that is, while it is idle. An instance that has ended is ready
/// too, and its send fails at once: then `Err` gives back its index and the job.
pub fn offer<T>(instances: &[Sender<T>], job: T) -> Result<usize, (usize, T)> {
    let mut alt = Select::new();
    for instance in instances {
        alt.send(instance);
    }
    let operation = alt.select();
    let chosen = operation.index();
    match operation.send(&instances[chosen], job) {
        Ok(()) => Ok(chosen),
        Err(unsent) => Err((chosen, unsent.into_inner())),
    }
}
// ANCHOR_END: offer

// ANCHOR: instance
/// An instance of a service: takes a job, works on it for `work`, takes the
/// next. While it works it is not in `recv`, so no offer to it is ready.
pub fn instance(jobs: Receiver<u32>, work: Duration) {
    for _job in jobs {
        thread::sleep(work);
    }
}
// ANCHOR_END: instance

// ANCHOR: demo
/// Three instances, which take 400, 100 and 250 ms per job, and six jobs
/// offered one after the other.
pub fn demo() -> Vec<Event> {
    let timeline = Timeline::new();
    let work = [400, 100, 250].map(Duration::from_millis);
    let (instances, job_readers): (Vec<_>, Vec<_>) =
        work.iter().map(|_| crossbeam_channel::bounded(0)).unzip();
    thread::scope(|scope| {
        for (jobs, work) in job_readers.into_iter().zip(work) {
            scope.spawn(move || instance(jobs, work));
        }
        for job in 1..=6 {
            timeline.note(format!("job {job} is offered to every instance"));
            let chosen = offer(&instances, job).expect("no instance ends while jobs come");
            timeline.note(format!("job {job} is taken by instance {chosen}"));
        }
        drop(instances); // each instance ends once its last job is done
    });
    timeline.events()
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    /// Three instance channels and the readers the test holds for them.
    fn instances() -> (Vec<Sender<u32>>, Vec<Receiver<u32>>) {
        (0..3).map(|_| crossbeam_channel::bounded(0)).unzip()
    }

    #[test]
    fn only_the_idle_instance_can_take_the_job() {
        let (instances, readers) = instances();
        // Only instance 1 waits in recv; 0 and 2 are alive but busy.
        let idle = readers[1].clone();
        let taken = thread::spawn(move || idle.recv());
        assert_eq!(offer(&instances, 7), Ok(1));
        assert_eq!(taken.join().unwrap(), Ok(7));
    }

    #[test]
    fn an_ended_instance_is_ready_and_its_send_fails_at_once() {
        let (instances, mut readers) = instances();
        drop(readers.remove(0)); // instance 0 has ended; 1 and 2 are busy
        assert_eq!(offer(&instances, 7), Err((0, 7)));
    }
}
