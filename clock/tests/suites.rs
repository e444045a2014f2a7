//! The lecture's assignments over real TCP: the checks of the suites `swap`,
//! `secret-number` and `secret-word`, which `cargo xtask grade` runs on a
//! student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[
        ("swap", env!("CARGO_BIN_EXE_swap-server")),
        ("secret-number", env!("CARGO_BIN_EXE_secret-number-server")),
        ("secret-word", env!("CARGO_BIN_EXE_secret-word-web")),
    ])
}
