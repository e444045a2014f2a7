//! Poison and retire: a network ends by dropping channel ends. When every
//! `Sender` is gone, readers see the channel closed; when every `Receiver`
//! is gone, a send fails at once.

use std::thread;

use crossbeam_channel::{Receiver, Sender};

use crate::timeline::{Event, Timeline};

// ANCHOR: processes
/// Sends 1, 2, … `count`, and stops early if no reader is left.
/// Returning drops `out`, its only writer end.
pub fn producer(count: u32, out: Sender<u32>, timeline: &Timeline) {
    for n in 1..=count {
        if out.send(n).is_err() {
            timeline.note(format!("producer: send({n}) fails: no reader is left; ends"));
            return;
        }
    }
    timeline.note("producer: has sent all; ends, and so drops its Sender");
}

/// Passes on each number doubled, until its input is closed or nobody
/// reads its output.
pub fn doubler(input: Receiver<u32>, out: Sender<u32>, timeline: &Timeline) {
    for n in input {
        if out.send(2 * n).is_err() {
            timeline.note("doubler: no reader is left for its output; ends");
            return;
        }
    }
    timeline.note("doubler: its input is closed; ends, and so drops its Sender");
}

/// Takes up to `wanted` numbers, then ends, dropping its `Receiver`.
pub fn consumer(input: Receiver<u32>, wanted: usize, timeline: &Timeline) {
    let taken: Vec<u32> = input.iter().take(wanted).collect();
    let why = if taken.len() == wanted { "wants no more" } else { "its input is closed" };
    timeline.note(format!("consumer: took {taken:?}, {why}; ends"));
}
// ANCHOR_END: processes

// ANCHOR: retire
/// producer → doubler → consumer: the producer ends, and the end spreads
/// down the pipeline as each stage drops its `Sender`.
pub fn retire() -> Vec<Event> {
    let timeline = Timeline::new();
    let (numbers, numbers_in) = crossbeam_channel::bounded(0);
    let (doubled, doubled_in) = crossbeam_channel::bounded(0);
    thread::scope(|scope| {
        scope.spawn(|| producer(3, numbers, &timeline));
        scope.spawn(|| doubler(numbers_in, doubled, &timeline));
        scope.spawn(|| consumer(doubled_in, usize::MAX, &timeline));
    });
    timeline.events()
}
// ANCHOR_END: retire

// ANCHOR: no_reader
/// producer → consumer, where the consumer wants only two numbers: once it
/// has ended, the producer's next send fails at once.
pub fn no_reader() -> Vec<Event> {
    let timeline = Timeline::new();
    let (numbers, numbers_in) = crossbeam_channel::bounded(0);
    thread::scope(|scope| {
        scope.spawn(|| producer(5, numbers, &timeline));
        scope.spawn(|| consumer(numbers_in, 2, &timeline));
    });
    timeline.events()
}
// ANCHOR_END: no_reader

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossbeam_channel::SendTimeoutError;

    #[test]
    fn a_receiver_that_nobody_reads_still_keeps_a_send_waiting() {
        let (out, input) = crossbeam_channel::bounded(0);
        let wait = Duration::from_millis(50);
        assert_eq!(out.send_timeout(1, wait), Err(SendTimeoutError::Timeout(1)));
        drop(input);
        assert_eq!(out.send_timeout(1, wait), Err(SendTimeoutError::Disconnected(1)));
    }
}
