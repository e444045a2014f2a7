//! One small module per CSP idea, for the chapter "From CSP to Rust".
//!
//! Each module holds the processes of one idea and a `demo` that wires them
//! together; `examples/NAME.rs` runs that demo and prints what happened.
//! The unit tests check the behaviour each idea promises.

pub mod alt_inputs;
pub mod alt_outputs;
pub mod channel_ends;
pub mod parallel;
pub mod poison;
pub mod process;
pub mod rendezvous;
pub mod reply_channel;
pub mod spawn;
pub mod timeline;
