//! The tools the tasks need beyond the Rust toolchain, and how to get them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};

/// The mdBook that the book is written for; `cargo xtask book` installs it.
const MDBOOK_VERSION: &str = "0.5.4";

/// Builds the book into `mdbook/book`, installing mdBook first if needed.
pub fn build_book(root: &Path, open: bool) -> Result<()> {
    let mdbook = mdbook(root)?;
    let mut build = Command::new(mdbook);
    build.arg("build").arg(root.join("mdbook"));
    if open {
        build.arg("--open");
    }
    run(&mut build)?;
    println!("the book is in {}", root.join("mdbook/book/index.html").display());
    Ok(())
}

/// The pinned mdBook, installed under `target/tools` when it is not there yet.
///
/// A version of our own, rather than whatever `mdbook` is on the PATH, keeps
/// every machine building the same book from the same sources.
fn mdbook(root: &Path) -> Result<PathBuf> {
    let tools = root.join("target/tools");
    let mdbook = tools.join("bin/mdbook");
    let installed = Command::new(&mdbook).arg("--version").output();
    if installed.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(MDBOOK_VERSION)) {
        return Ok(mdbook);
    }
    eprintln!(
        "installing mdBook {MDBOOK_VERSION} into {} (once; it takes a minute or two)",
        tools.display()
    );
    run(Command::new(cargo())
        .args(["install", "mdbook", "--locked", "--version", MDBOOK_VERSION])
        .args(["--no-default-features", "--features", "search", "--root"])
        .arg(&tools))?;
    Ok(mdbook)
}

/// The cargo that runs us, so that tools are built by the same toolchain.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Where cargo puts what it builds.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Builds the debug binaries of `packages`, and returns where they are.
pub fn build_debug(root: &Path, packages: &[&str]) -> Result<PathBuf> {
    let packages = packages.iter().flat_map(|package| ["-p", package]);
    run(Command::new(cargo()).current_dir(root).args(["build", "--quiet"]).args(packages))?;
    Ok(target_dir(root).join("debug"))
}

/// Runs a command to completion, failing unless it succeeds.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot run {command:?}"))?;
    ensure!(status.success(), "{command:?} failed: {status}");
    Ok(())
}

/// The path of a program on the PATH, or a message that says how to install it.
pub fn find(program: &str, install_hint: &str) -> Result<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .with_context(|| format!("`{program}` is not installed: {install_hint}"))
}
