//! Process: a function that runs on a thread of its own. Made first (a
//! closure), started later (`thread::spawn`), like PyCSP's `hello()` and
//! `.start()`.
//!
//! Run it: `cargo run -p csp-examples --example process`

fn main() {
    for line in csp_examples::process::demo() {
        println!("{line}");
    }
}
