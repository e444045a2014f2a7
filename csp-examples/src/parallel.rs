//! Parallel: start several processes, and wait until every one has ended.

use std::thread;
use std::time::Duration;

use crate::timeline::{Event, Timeline};

// ANCHOR: sleeper
/// A process that works (sleeps) for `nap`, then says so.
pub fn sleeper(id: usize, nap: Duration, timeline: &Timeline) {
    thread::sleep(nap);
    timeline.note(format!("sleeper {id} ends after {} ms", nap.as_millis()));
}
// ANCHOR_END: sleeper

// ANCHOR: demo
/// Runs one sleeper per nap in Parallel, and notes when Parallel returns.
pub fn demo(naps: &[Duration]) -> Vec<Event> {
    let timeline = Timeline::new();
    thread::scope(|scope| {
        for (id, &nap) in naps.iter().enumerate() {
            let timeline = &timeline;
            scope.spawn(move || sleeper(id, nap, timeline));
        }
    }); // Every thread spawned in the scope has ended here.
    timeline.note("Parallel returns: every process has ended");
    timeline.events()
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_returns_after_the_slowest_process_and_not_before() {
        let naps = [300, 100, 200].map(Duration::from_millis);
        let events = demo(&naps);
        assert_eq!(events.len(), 4, "{events:?}");
        let last = events.last().unwrap();
        assert!(last.what.starts_with("Parallel returns"), "{events:?}");
        assert!(last.at >= Duration::from_millis(300), "{events:?}");
    }
}
