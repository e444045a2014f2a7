//! Step 5 over real TCP: the checks of its suite, which
//! `cargo xtask grade step5` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step5", env!("CARGO_BIN_EXE_step5-pool"))])
}
