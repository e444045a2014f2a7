//! Alt over inputs: numbers come every 200 ms, words every 250 ms, and one
//! `select!` passes each on as soon as it comes, from either channel.
//!
//! Run it: `cargo run -p csp-examples --example alt_inputs`

fn main() {
    for event in csp_examples::alt_inputs::demo() {
        println!("{event}");
    }
}
