//! A compare-and-swap register behind a line protocol, and what its servers share.
//!
//! The lesson is in the binaries (`src/bin/`): a stdin driver, four server
//! passes that each fix one problem of the pass before, a simple client, and
//! a client that stresses a server the ways TCP streams and concurrency break
//! it. This library holds what they all use unchanged: the register, the
//! protocol, the cutting of a byte stream into lines, the log, and the
//! command line of a server.

pub mod lines;
pub mod log;
pub mod protocol;
pub mod register;
pub mod server;

pub use register::Register;
