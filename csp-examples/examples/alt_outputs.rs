//! Alt over outputs: six jobs, each offered to three instances at once.
//! Only an idle instance can take one; the fast instance takes the most.
//!
//! Run it: `cargo run -p csp-examples --example alt_outputs`

fn main() {
    for event in csp_examples::alt_outputs::demo() {
        println!("{event}");
    }
}
