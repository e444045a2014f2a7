//! Parallel: three sleepers start together; Parallel returns when the
//! slowest has ended, not before.
//!
//! Run it: `cargo run -p csp-examples --example parallel`

use std::time::Duration;

fn main() {
    let naps = [300, 100, 200].map(Duration::from_millis);
    for event in csp_examples::parallel::demo(&naps) {
        println!("{event}");
    }
}
