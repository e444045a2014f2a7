//! Channel ends: a channel's writer end (`Sender`) and reader end
//! (`Receiver`) are both `Clone`, so any number of processes can write to
//! one channel and any number can read from it. Each message is taken by
//! exactly one reader.

use std::thread;

use crossbeam_channel::{Receiver, Sender};

// ANCHOR: processes
/// Sends three messages, each marked with the writer's name.
pub fn writer(name: &str, out: Sender<String>) {
    for n in 1..=3 {
        out.send(format!("{name}{n}")).expect("a reader is left while we write");
    }
}

/// Takes messages until every writer has ended, and returns what it took.
pub fn reader(input: Receiver<String>) -> Vec<String> {
    input.iter().collect()
}
// ANCHOR_END: processes

// ANCHOR: demo
/// Two writers and two readers on one channel: what each reader took.
pub fn demo() -> Vec<Vec<String>> {
    let (writer_end, reader_end) = crossbeam_channel::bounded(0);
    thread::scope(|scope| {
        let a = writer_end.clone();
        scope.spawn(move || writer("a", a));
        scope.spawn(move || writer("b", writer_end)); // the last writer end
        let first = reader_end.clone();
        let readers = [scope.spawn(move || reader(first)), scope.spawn(move || reader(reader_end))];
        readers.map(|reader| reader.join().expect("a reader does not panic")).into()
    })
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_taken_once_and_each_writer_keeps_its_order() {
        let taken = demo();
        let mut all: Vec<&String> = taken.iter().flatten().collect();
        all.sort();
        assert_eq!(all, ["a1", "a2", "a3", "b1", "b2", "b3"]);
        for reader in &taken {
            for name in ["a", "b"] {
                let mine: Vec<&String> = reader.iter().filter(|m| m.starts_with(name)).collect();
                assert!(mine.is_sorted(), "{taken:?}");
            }
        }
    }
}
