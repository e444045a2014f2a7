//! Rendezvous: the same writer and the same slow reader, first over a
//! `bounded(0)` channel, then over a `bounded(3)` one. Watch when each
//! `send` returns.
//!
//! Run it: `cargo run -p csp-examples --example rendezvous`

use std::time::Duration;

use csp_examples::rendezvous::demo;

fn main() {
    let work = Duration::from_millis(100);
    println!("bounded(0): each send waits for the reader");
    for event in demo(0, work) {
        println!("{event}");
    }
    println!("bounded(3): the writer leaves its messages and goes on");
    for event in demo(3, work) {
        println!("{event}");
    }
}
