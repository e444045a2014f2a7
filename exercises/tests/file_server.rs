//! The solutions "Serve real files on disk" and "Serve each file with its
//! type" over real TCP: the checks of the suites `files` and `mime`, which
//! `cargo xtask grade` runs on a student's program too.

fn main() -> std::process::ExitCode {
    testkit::suites::test_main(&[
        ("files", env!("CARGO_BIN_EXE_file-server")),
        ("mime", env!("CARGO_BIN_EXE_file-server")),
    ])
}
