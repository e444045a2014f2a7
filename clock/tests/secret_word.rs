//! The secret-word web server over real TCP: the checks of the suite
//! `secret-word`, which `cargo xtask grade` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[("secret-word", env!("CARGO_BIN_EXE_secret-word-web"))])
}
