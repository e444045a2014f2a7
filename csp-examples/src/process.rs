//! Process: a plain sequential function that runs on a thread of its own
//! and knows the world only through the channel ends it is given.

use std::thread;

use crossbeam_channel::Sender;

// ANCHOR: process
/// A process: it says who it is, and on which thread it runs, on `out`.
pub fn greeter(name: &str, out: Sender<String>) {
    let thread = thread::current().id();
    let _ = out.send(format!("{name} says hello from {thread:?}"));
}
// ANCHOR_END: process

// ANCHOR: demo
/// Makes a greeter process, looks before and after it is started.
pub fn demo() -> Vec<String> {
    let mut lines = vec![format!("main runs on {:?}", thread::current().id())];
    let (out, greetings) = crossbeam_channel::bounded(1);
    // Made, not started: a closure that owns everything the process needs.
    let process = move || greeter("the greeter", out);
    lines.push(format!("made, not started: {} messages in the channel", greetings.len()));
    let started = thread::spawn(process);
    lines.push(greetings.recv().expect("the greeter sends before it ends"));
    started.join().expect("the greeter does not panic");
    lines
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_runs_on_its_own_thread() {
        let (out, greetings) = crossbeam_channel::bounded(1);
        thread::spawn(move || greeter("p", out));
        let greeting = greetings.recv().unwrap();
        assert!(greeting.starts_with("p says hello from ThreadId("), "{greeting}");
        assert!(!greeting.contains(&format!("{:?}", thread::current().id())), "{greeting}");
    }

    #[test]
    fn a_process_that_is_made_does_nothing_until_started() {
        let lines = demo();
        assert_eq!(lines[1], "made, not started: 0 messages in the channel");
        assert_ne!(
            lines[0].trim_start_matches("main runs on "),
            lines[2].rsplit(' ').next().unwrap()
        );
    }
}
