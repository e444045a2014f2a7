//! Reply channels: client A asks first but reads its answer last. With a
//! reply channel per request each client gets its own answer; with one
//! channel shared by both, B reads A's.
//!
//! Run it: `cargo run -p csp-examples --example reply_channel`

fn main() {
    for line in csp_examples::reply_channel::demo() {
        println!("{line}");
    }
}
