//! The solutions to the CAS notes' problems over real TCP: the checks of the
//! suites `cas-channels`, `cas-fork` and `cas-busy`, which `cargo xtask
//! grade` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[
        ("cas-channels", env!("CARGO_BIN_EXE_cas-channels")),
        ("cas-fork", env!("CARGO_BIN_EXE_cas-fork")),
        ("cas-busy", env!("CARGO_BIN_EXE_cas-busy")),
    ])
}
