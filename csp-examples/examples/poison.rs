//! Poison and retire: a pipeline ends stage by stage as each drops its
//! `Sender`; and a send fails at once once its reader has ended.
//!
//! Run it: `cargo run -p csp-examples --example poison`

use csp_examples::poison;

fn main() {
    println!("producer -> doubler -> consumer; the producer sends 3 numbers:");
    for event in poison::retire() {
        println!("{event}");
    }
    println!("producer -> consumer; the producer has 5, the consumer wants 2:");
    for event in poison::no_reader() {
        println!("{event}");
    }
}
