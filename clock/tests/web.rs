//! The lecture's web server over real TCP: the checks of the suite
//! `clock-web`, which `cargo xtask grade` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("clock-web", env!("CARGO_BIN_EXE_clock-web"))])
}
