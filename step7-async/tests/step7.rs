//! Step 7 over real TCP: the checks of its suite, which
//! `cargo xtask grade step7` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("step7", env!("CARGO_BIN_EXE_step7-async"))])
}
