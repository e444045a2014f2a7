//! A timeline that processes note events in, from any thread, so that an
//! example can print what happened and when.
//!
//! It is a channel too: `note` sends on an unbounded channel, which never
//! waits, so noting does not change the timing it records.

use std::fmt;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

/// Where the processes of one demo note what they do. Each process gets a
/// reference or a clone; all of them write to the same channel.
#[derive(Clone)]
pub struct Timeline {
    /// When the demo started: events are shown relative to it.
    start: Instant,
    /// Every note goes in here, in the order the notes are made.
    writer: Sender<Event>,
    /// Read once, when the demo is over.
    reader: Receiver<Event>,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// How long after the start.
    pub at: Duration,
    /// What happened, in words.
    pub what: String,
}

impl Timeline {
    /// A new, empty timeline; its clock starts now.
    pub fn new() -> Self {
        let (writer, reader) = crossbeam_channel::unbounded();
        Timeline { start: Instant::now(), writer, reader }
    }

    /// Notes that `what` happens now.
    pub fn note(&self, what: impl Into<String>) {
        let event = Event { at: self.start.elapsed(), what: what.into() };
        // Unbounded, and we hold a reader: this send cannot fail or wait.
        let _ = self.writer.send(event);
    }

    /// Every event noted so far, in order.
    pub fn events(&self) -> Vec<Event> {
        self.reader.try_iter().collect()
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Event {
    /// `  100 ms  reader: recv() gave 1`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>5} ms  {}", self.at.as_millis(), self.what)
    }
}

/// Where the first event whose text contains `needle` is: tests compare
/// these to check the order of events.
pub fn position(events: &[Event], needle: &str) -> Option<usize> {
    events.iter().position(|event| event.what.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_come_back_in_order_and_print_in_milliseconds() {
        let timeline = Timeline::new();
        timeline.note("first");
        timeline.clone().note("second");
        let events = timeline.events();
        assert_eq!(events.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(), ["first", "second"]);
        assert!(events[0].at <= events[1].at);
        let shown = Event { at: Duration::from_millis(100), what: "x".into() }.to_string();
        assert_eq!(shown, "  100 ms  x");
        assert_eq!(position(&events, "sec"), Some(1));
    }
}
