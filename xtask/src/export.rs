//! `cargo xtask export DIR`: the course without its solutions, for a
//! teacher to hand out. The reference solutions go (the `exercises` crate,
//! the clock assignments' programs and the tests that run them, the book's
//! folded "A solution" sections); the starters, the suites and everything
//! else stay, and the tree builds.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, ensure};

/// What is left out: the files under these paths.
const SOLUTIONS: &[&str] = &[
    "exercises/",
    "mdbook/src/diffs/exercise-",
    "clock/src/bin/swap-server.rs",
    "clock/src/bin/swap-client.rs",
    "clock/src/bin/secret-number-server.rs",
    "clock/src/bin/secret-number-client.rs",
    "clock/src/bin/secret-word-web.rs",
    "clock/tests/assignments.rs",
    "clock/tests/suites.rs",
];

/// What changes in the files that name them: (file, text, replacement).
const EDITS: &[(&str, &str, &str)] = &[
    ("Cargo.toml", "    \"exercises\",\n", ""),
    ("clock/Cargo.toml", "\n[[test]]\nname = \"suites\"\nharness = false\n", ""),
];

/// The folded section that holds an exercise's solution in the book.
const SOLUTION_START: &str = "<details>\n<summary>A solution</summary>";

/// Copies the workspace's tracked files to `dir`, without the solutions.
pub fn run(root: &Path, dir: &Path) -> Result<()> {
    ensure!(!dir.exists(), "{} exists already: give a new directory", dir.display());
    let listed = Command::new("git").current_dir(root).args(["ls-files", "-z"]).output()?;
    ensure!(listed.status.success(), "git ls-files failed: the export needs the git checkout");
    let files = String::from_utf8(listed.stdout).context("file names in UTF-8")?;
    let mut copied = 0;
    for file in files.split('\0').filter(|file| !file.is_empty()) {
        if SOLUTIONS.iter().any(|solution| file.starts_with(solution)) {
            continue;
        }
        let target = dir.join(file);
        fs::create_dir_all(target.parent().context("a file has a directory")?)?;
        let source = root.join(file);
        if file.starts_with("mdbook/src/") && file.ends_with(".md") {
            fs::write(&target, without_solutions(&fs::read_to_string(&source)?))?;
        } else {
            fs::copy(&source, &target).with_context(|| format!("copying {file}"))?;
        }
        copied += 1;
    }
    for (file, text, replacement) in EDITS {
        let path = dir.join(file);
        let content = fs::read_to_string(&path)?;
        ensure!(content.contains(text), "{file} no longer holds {text:?}: update EDITS");
        fs::write(&path, content.replacen(text, replacement, 1))?;
    }
    println!("exported {copied} files to {}, without the solutions", dir.display());
    Ok(())
}

/// A page without its folded solutions: each becomes a line saying where
/// the teacher keeps it.
fn without_solutions(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(start) = rest.find(SOLUTION_START) {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("</details>").map_or(rest.len(), |end| start + end + 10);
        out.push_str("*Your teacher has the solution.*");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_solution_is_left_out_and_other_folds_stay() {
        let page = "a\n<details>\n<summary>A solution</summary>\n\nsecret\n</details>\nb\n\
                    <details>\n<summary>What happens</summary>\nkept\n</details>\n";
        let out = without_solutions(page);
        assert_eq!(
            out,
            "a\n*Your teacher has the solution.*\nb\n<details>\n<summary>What happens</summary>\nkept\n</details>\n"
        );
    }
}
