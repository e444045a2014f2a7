//! The solutions to step 4's "Bound the queues" and step 5's "Refuse
//! instead of wait" over real TCP: the checks of their suites, which
//! `cargo xtask grade` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[
        ("bounded-queue", env!("CARGO_BIN_EXE_bounded-queue")),
        ("refuse-when-busy", env!("CARGO_BIN_EXE_refuse-when-busy")),
    ])
}
