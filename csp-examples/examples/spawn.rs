//! Spawn: the Entry spawns a handler per connection and goes on at once.
//! Three clients connect in turn, then speak in the opposite order: client 1
//! can connect although handler 0 still waits for client 0.
//!
//! Run it: `cargo run -p csp-examples --example spawn`

fn main() {
    for line in csp_examples::spawn::demo() {
        println!("{line}");
    }
}
