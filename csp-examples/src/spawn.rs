//! Spawn: start a process and go on at once, without waiting for it to end.
//!
//! The Entry here works like step 1's: it spawns a handler for each
//! connection and goes back for the next. A connection is a pair of channel
//! ends, the client's words in and the answers out, standing in for a socket.

use std::thread;

use crossbeam_channel::{Receiver, Sender};

/// What a handler gets: the client's words, and where its answers go.
pub type Connection = (Receiver<String>, Sender<String>);

// ANCHOR: entry
/// Spawns a handler for each connection and goes back for the next one at
/// once: the handle is dropped, so nobody waits for the handler to end.
pub fn entry(connections: Receiver<Connection>) {
    for (id, connection) in connections.iter().enumerate() {
        thread::spawn(move || handler(id, connection));
    }
}

/// Answers everything its client says, until the client goes.
fn handler(id: usize, (words, answers): Connection) {
    for word in words {
        let _ = answers.send(format!("handler {id} heard {word:?}"));
    }
}
// ANCHOR_END: entry

// ANCHOR: demo
/// Three clients connect one after the other, then speak in the opposite
/// order. Had the Entry waited for handler 0, client 1 could never connect.
pub fn demo() -> Vec<String> {
    let (connect, connections) = crossbeam_channel::bounded(0);
    thread::spawn(move || entry(connections));
    let mut lines = Vec::new();
    let mut clients = Vec::new();
    for id in 0..3 {
        let (say, words) = crossbeam_channel::bounded(0);
        let (answer, answers) = crossbeam_channel::bounded(0);
        connect.send((words, answer)).expect("the Entry takes every connection");
        lines.push(format!("client {id} is connected"));
        clients.push((say, answers));
    }
    for (id, (say, answers)) in clients.iter().enumerate().rev() {
        say.send(format!("I am client {id}")).expect("its handler is alive");
        lines.push(format!("client {id} hears: {}", answers.recv().expect("an answer")));
    }
    lines
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_takes_the_next_connection_while_the_first_handler_still_waits() {
        let (connect, connections) = crossbeam_channel::bounded(0);
        thread::spawn(move || entry(connections));
        let (_first_says, first_words) = crossbeam_channel::bounded(0);
        let (first_answer, _first_answers) = crossbeam_channel::bounded(0);
        connect.send((first_words, first_answer)).unwrap();
        // Handler 0 waits for a word that never comes; the Entry must not.
        let (second_says, second_words) = crossbeam_channel::bounded(0);
        let (second_answer, second_answers) = crossbeam_channel::bounded(0);
        let took = connect.send_timeout((second_words, second_answer), TIMEOUT);
        assert!(took.is_ok(), "the Entry waited for handler 0");
        second_says.send("hi".into()).unwrap();
        assert_eq!(second_answers.recv_timeout(TIMEOUT).unwrap(), "handler 1 heard \"hi\"");
    }

    /// Far longer than any of these steps takes: reaching it means a hang.
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
}
