//! `my-cas-fork`: the program is `unix.rs`. It starts a process per client
//! the Unix way, with the client's socket as the new process's standard
//! input; elsewhere it says so.

#[cfg(unix)]
mod unix;

#[cfg(unix)]
fn main() -> std::process::ExitCode {
    unix::main()
}

#[cfg(not(unix))]
fn main() -> std::process::ExitCode {
    serverkit::needs_unix("my-cas-fork")
}
