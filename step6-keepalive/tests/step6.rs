//! Step 6 over real TCP: the checks of its suite, which
//! `cargo xtask grade step6` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step6", env!("CARGO_BIN_EXE_step6-keepalive"))])
}
