//! Step 4 over real TCP: the checks of its suite, which
//! `cargo xtask grade step4` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step4", env!("CARGO_BIN_EXE_step4-dispatcher"))])
}
