//! Step 1 over real TCP: the checks of its suite, which
//! `cargo xtask grade step1` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step1", env!("CARGO_BIN_EXE_step1-hello"))])
}
