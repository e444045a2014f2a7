//! `cargo xtask grade`: runs a suite's checks on a program over TCP on
//! 127.0.0.1 and prints one line per check, then `N passed, N failed`.
//! The suites are `testkit::suites`, the same checks as the workspace's
//! own tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use testkit::suites::{self, SUITES, Suite};

use crate::tools;

/// What to grade, as the command line says it.
pub enum Target {
    /// A program already built.
    Binary(PathBuf),
    /// A package of the workspace, built first; its binary has its name.
    Package(String),
}

/// Lists the suites, one line each.
pub fn list() {
    let width = SUITES.iter().map(|suite| suite.name.len()).max().unwrap_or(0);
    for suite in SUITES {
        println!("{:width$}  {}", suite.name, suite.about);
    }
}

/// Grades `target` with the suite `name`: fails when a check fails.
pub fn grade(root: &Path, name: &str, target: &Target) -> Result<()> {
    let suite = find(name)?;
    let binary = match target {
        Target::Binary(path) => path.clone(),
        Target::Package(package) => build(root, package, package)?,
    };
    let binary = binary.canonicalize().with_context(|| format!("{}", binary.display()))?;
    let shown = binary.strip_prefix(root).unwrap_or(&binary);
    println!("grading {} with the suite {}", shown.display(), suite.name);
    ensure!(suites::grade(suite, leak(&binary)), "the suite {} failed", suite.name);
    Ok(())
}

/// Grades each suite's reference program: all must pass.
pub fn references(root: &Path) -> Result<()> {
    let programs = SUITES.iter().map(|suite| (suite, suite.package, suite.binary));
    let (_, failed) = grade_each(root, programs)?;
    println!("\n{} suites, {} failed on their reference", SUITES.len(), failed.len());
    ensure!(failed.is_empty(), "failed on their reference: {}", failed.join(", "));
    Ok(())
}

/// Grades each suite's starter, where there is one: all must fail.
pub fn starters(root: &Path) -> Result<()> {
    let with_starter = SUITES.iter().filter(|suite| !suite.starter.is_empty());
    let programs = with_starter.map(|suite| (suite, suite.starter, suite.starter));
    let (passed, failed) = grade_each(root, programs)?;
    let count = passed.len() + failed.len();
    println!("\n{count} suites with a starter, {} passed on it", passed.len());
    ensure!(passed.is_empty(), "a starter passed, so a check cannot fail: {}", passed.join(", "));
    Ok(())
}

/// Builds and grades each `(suite, package, binary)`: the names of the
/// suites that passed, and of those that failed.
fn grade_each<'a>(
    root: &Path,
    programs: impl Iterator<Item = (&'a Suite, &'a str, &'a str)>,
) -> Result<(Vec<&'a str>, Vec<&'a str>)> {
    let (mut passed, mut failed) = (Vec::new(), Vec::new());
    for (suite, package, binary) in programs {
        let binary = build(root, package, binary)?;
        println!("\n== {}: {}", suite.name, binary.display());
        let verdicts = if suites::grade(suite, leak(&binary)) { &mut passed } else { &mut failed };
        verdicts.push(suite.name);
    }
    Ok((passed, failed))
}

/// The suite called `name`, or an error that lists them.
fn find(name: &str) -> Result<&'static Suite> {
    suites::find(name).with_context(|| {
        let names: Vec<&str> = SUITES.iter().map(|suite| suite.name).collect();
        format!("no suite {name:?}; the suites are {}", names.join(", "))
    })
}

/// Builds `binary` of `package` and returns its path.
fn build(root: &Path, package: &str, binary: &str) -> Result<PathBuf> {
    let built = Command::new(tools::cargo())
        .current_dir(root)
        .args(["build", "--quiet", "-p", package, "--bin", binary])
        .status()?;
    if !built.success() {
        bail!("cannot build the binary {binary} of the package {package}");
    }
    Ok(root.join("target/debug").join(binary))
}

/// The checks run on threads, so they take the program's path for good.
fn leak(path: &Path) -> &'static str {
    Box::leak(path.display().to_string().into_boxed_str())
}
