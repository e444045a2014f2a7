//! Rendezvous: on a `bounded(0)` channel a send completes only when a reader
//! takes the message. With room for messages, the writer runs ahead.

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::timeline::{Event, Timeline};

/// How many messages the writer sends.
pub const MESSAGES: u32 = 3;

// ANCHOR: processes
/// Sends 1, 2, 3, noting when each send is called and when it returns.
pub fn writer(out: Sender<u32>, timeline: &Timeline) {
    for n in 1..=MESSAGES {
        timeline.note(format!("writer: calls send({n})"));
        out.send(n).expect("the reader takes every message");
        timeline.note(format!("writer: send({n}) returned"));
    }
}

/// A busy reader: it works for `work` before it reads each message.
pub fn reader(input: Receiver<u32>, work: Duration, timeline: &Timeline) {
    for _ in 1..=MESSAGES {
        thread::sleep(work);
        let n = input.recv().expect("the writer sends every message");
        timeline.note(format!("reader: recv() gave {n}"));
    }
}
// ANCHOR_END: processes

// ANCHOR: demo
/// Runs the writer and the reader over a channel with room for `capacity`
/// messages.
pub fn demo(capacity: usize, work: Duration) -> Vec<Event> {
    let timeline = Timeline::new();
    let (out, input) = crossbeam_channel::bounded(capacity);
    thread::scope(|scope| {
        scope.spawn(|| writer(out, &timeline));
        scope.spawn(|| reader(input, work, &timeline));
    });
    timeline.events()
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_a_rendezvous_each_send_waits_for_the_reader() {
        let work = Duration::from_millis(50);
        let events = demo(0, work);
        for n in 1..=MESSAGES {
            let returned = &events
                [crate::timeline::position(&events, &format!("send({n}) returned")).unwrap()];
            // The reader has slept n times before it can take message n.
            assert!(returned.at >= work * n, "{events:?}");
        }
    }

    #[test]
    fn with_no_reader_waiting_a_rendezvous_send_cannot_complete() {
        let (out, _input) = crossbeam_channel::bounded(0);
        assert!(out.try_send(1).unwrap_err().is_full());
    }

    #[test]
    fn with_room_the_writer_finishes_before_anyone_reads() {
        let timeline = Timeline::new();
        let (out, input) = crossbeam_channel::bounded(MESSAGES as usize);
        writer(out, &timeline);
        assert_eq!(input.len(), MESSAGES as usize);
    }
}
