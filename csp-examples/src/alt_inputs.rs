//! Alt over inputs: wait on several channels at once, and take whichever
//! message comes first. In Rust: `crossbeam_channel::select!` with `recv` arms.

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, never, select};

use crate::timeline::{Event, Timeline};

// ANCHOR: merge
/// Passes on each number and each word as it comes, from whichever channel
/// has one, until both channels are closed.
pub fn merge(mut numbers: Receiver<u32>, mut words: Receiver<String>, out: Sender<String>) {
    let mut open = 2;
    while open > 0 {
        select! {
            recv(numbers) -> number => match number {
                Ok(n) => { let _ = out.send(format!("number {n}")); }
                // A closed channel is always ready: stop watching it.
                Err(_) => { numbers = never(); open -= 1; }
            },
            recv(words) -> word => match word {
                Ok(w) => { let _ = out.send(format!("word {w:?}")); }
                Err(_) => { words = never(); open -= 1; }
            },
        }
    }
}
// ANCHOR_END: merge

// ANCHOR: demo
/// Numbers come every 200 ms, words every 250 ms; `merge` passes each on as
/// it comes, and the demo notes when.
pub fn demo() -> Vec<Event> {
    let timeline = Timeline::new();
    let (number_writer, numbers) = crossbeam_channel::bounded(0);
    let (word_writer, words) = crossbeam_channel::bounded(0);
    let (out, merged) = crossbeam_channel::bounded(0);
    thread::spawn(move || merge(numbers, words, out));
    thread::spawn(move || every(Duration::from_millis(200), [1, 2, 3], number_writer));
    thread::spawn(move || {
        every(Duration::from_millis(250), ["tick", "tock"].map(String::from), word_writer)
    });
    for line in merged {
        timeline.note(line);
    }
    timeline.note("both channels are closed: merge has ended");
    timeline.events()
}

/// Sends each item after waiting `period`.
fn every<T>(period: Duration, items: impl IntoIterator<Item = T>, out: Sender<T>) {
    for item in items {
        thread::sleep(period);
        let _ = out.send(item);
    }
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whichever_channel_has_a_message_is_served() {
        let (number_writer, numbers) = crossbeam_channel::bounded(0);
        let (word_writer, words) = crossbeam_channel::bounded(0);
        let (out, merged) = crossbeam_channel::bounded(0);
        thread::spawn(move || merge(numbers, words, out));
        // Nobody sends a number: a merge stuck on numbers would time out here.
        word_writer.send_timeout("hi".into(), Duration::from_secs(10)).unwrap();
        assert_eq!(merged.recv().unwrap(), "word \"hi\"");
        number_writer.send(7).unwrap();
        assert_eq!(merged.recv().unwrap(), "number 7");
        // One channel closed, the other still served. The pause gives a merge
        // that mishandles a closed channel the time to go wrong.
        drop(number_writer);
        thread::sleep(Duration::from_millis(100));
        word_writer.send_timeout("still".into(), Duration::from_secs(10)).unwrap();
        assert_eq!(merged.recv().unwrap(), "word \"still\"");
        drop(word_writer);
        assert!(merged.recv().is_err(), "merge ends when both are closed");
    }
}
