//! The solutions "A form sent with POST" and "More status codes" over real
//! TCP: the checks of the suites `form` and `statuses`, which
//! `cargo xtask grade` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[
        ("form", env!("CARGO_BIN_EXE_form-server")),
        ("statuses", env!("CARGO_BIN_EXE_form-server")),
    ])
}
