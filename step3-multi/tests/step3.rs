//! Step 3 over real TCP: the checks of its suite, which
//! `cargo xtask grade step3` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step3", env!("CARGO_BIN_EXE_step3-multi"))])
}
