//! Runs each example's demo end to end, as `cargo run --example NAME` does,
//! and checks what it prints: the parts that are the same on every run.

use std::thread;
use std::time::Duration;

use csp_examples::timeline::Event;
use csp_examples::{
    alt_inputs, alt_outputs, channel_ends, parallel, poison, process, rendezvous, reply_channel,
    spawn,
};

/// Runs `demo` on a thread of its own, and fails if it hangs.
fn finishes<T: Send + 'static>(demo: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = crossbeam_channel::bounded(1);
    thread::spawn(move || done.send(demo()));
    result.recv_timeout(Duration::from_secs(30)).expect("the demo finishes")
}

/// What the events say, without their times.
fn said(events: &[Event]) -> Vec<&str> {
    events.iter().map(|event| event.what.as_str()).collect()
}

#[test]
fn process_is_made_then_started_on_another_thread() {
    let lines = finishes(process::demo);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[1], "made, not started: 0 messages in the channel");
    let main = lines[0].strip_prefix("main runs on ").unwrap();
    let greeter = lines[2].strip_prefix("the greeter says hello from ").unwrap();
    assert_ne!(main, greeter);
}

#[test]
fn spawn_serves_clients_in_the_order_they_speak() {
    let lines = finishes(spawn::demo);
    assert_eq!(
        lines,
        [
            "client 0 is connected",
            "client 1 is connected",
            "client 2 is connected",
            "client 2 hears: handler 2 heard \"I am client 2\"",
            "client 1 hears: handler 1 heard \"I am client 1\"",
            "client 0 hears: handler 0 heard \"I am client 0\"",
        ]
    );
}

#[test]
fn parallel_prints_three_ends_then_returns() {
    let events = finishes(|| parallel::demo(&[300, 100, 200].map(Duration::from_millis)));
    let mut ends = said(&events[..3]);
    ends.sort();
    assert_eq!(
        ends,
        [
            "sleeper 0 ends after 300 ms",
            "sleeper 1 ends after 100 ms",
            "sleeper 2 ends after 200 ms"
        ]
    );
    assert_eq!(events[3].what, "Parallel returns: every process has ended");
}

#[test]
fn channel_ends_share_out_all_six_messages() {
    let taken = finishes(channel_ends::demo);
    assert_eq!(taken.len(), 2);
    assert_eq!(taken.iter().map(Vec::len).sum::<usize>(), 6, "{taken:?}");
}

#[test]
fn rendezvous_and_buffer_deliver_the_same_messages() {
    for capacity in [0, 3] {
        let events = finishes(move || rendezvous::demo(capacity, Duration::from_millis(20)));
        let received: Vec<&str> =
            said(&events).into_iter().filter(|what| what.starts_with("reader")).collect();
        assert_eq!(
            received,
            ["reader: recv() gave 1", "reader: recv() gave 2", "reader: recv() gave 3"]
        );
        assert_eq!(events.len(), 9, "{events:?}");
    }
}

#[test]
fn reply_channel_shows_the_right_answer_and_the_wrong_one() {
    let lines = finishes(reply_channel::demo);
    assert_eq!(
        lines,
        [
            "one reply channel per request:",
            "  A asked 3, B asked 4; B reads 16",
            "  A reads 9",
            "one reply channel shared by A and B:",
            "  A asked 3, B asked 4; B reads 9",
        ]
    );
}

#[test]
fn alt_inputs_passes_on_each_channel_in_its_own_order() {
    let events = finishes(alt_inputs::demo);
    let lines = said(&events);
    let numbers: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("number")).collect();
    let words: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("word")).collect();
    assert_eq!(numbers, ["number 1", "number 2", "number 3"]);
    assert_eq!(words, ["word \"tick\"", "word \"tock\""]);
    assert_eq!(lines.last(), Some(&"both channels are closed: merge has ended"));
}

#[test]
fn alt_outputs_hands_out_every_job_once() {
    let events = finishes(alt_outputs::demo);
    assert_eq!(events.len(), 12, "{events:?}");
    for (job, pair) in (1..).zip(events.chunks(2)) {
        assert_eq!(pair[0].what, format!("job {job} is offered to every instance"));
        assert!(pair[1].what.starts_with(&format!("job {job} is taken by instance ")));
    }
}

#[test]
fn poison_ends_the_pipeline_and_fails_the_send_to_nobody() {
    assert_eq!(
        said(&finishes(poison::retire)),
        [
            "producer: has sent all; ends, and so drops its Sender",
            "doubler: its input is closed; ends, and so drops its Sender",
            "consumer: took [2, 4, 6], its input is closed; ends",
        ]
    );
    assert_eq!(
        said(&finishes(poison::no_reader)),
        [
            "consumer: took [1, 2], wants no more; ends",
            "producer: send(3) fails: no reader is left; ends",
        ]
    );
}
