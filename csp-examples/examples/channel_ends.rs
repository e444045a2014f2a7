//! Channel ends: two writers and two readers share one channel. Every
//! message is taken once, by one reader; which one varies from run to run.
//!
//! Run it: `cargo run -p csp-examples --example channel_ends`

fn main() {
    for (id, taken) in csp_examples::channel_ends::demo().iter().enumerate() {
        println!("reader {id} took {taken:?}");
    }
}
