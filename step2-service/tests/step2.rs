//! Step 2 over real TCP: the checks of its suite, which
//! `cargo xtask grade step2` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step2", env!("CARGO_BIN_EXE_step2-service"))])
}
