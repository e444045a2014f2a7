//! The book's checks that mdBook does not make loudly:
//! every `{{#include}}` resolves to something, and every diff between steps and
//! every drawing is what its sources give today.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use similar::TextDiff;
use walkdir::WalkDir;

/// Each diff the book shows: its file name, and the two paths it compares
/// (directories or files, relative to the workspace). A step is compared with
/// the step before it.
const DIFFS: &[(&str, &str, &str)] = &[
    ("step2-service.diff", "step1-hello/src", "step2-service/src"),
    ("step3-multi.diff", "step2-service/src", "step3-multi/src"),
    ("step4-dispatcher.diff", "step3-multi/src", "step4-dispatcher/src"),
    ("step5-pool.diff", "step4-dispatcher/src", "step5-pool/src"),
    ("step6-keepalive.diff", "step5-pool/src", "step6-keepalive/src"),
    // Step 7 changes every file, past the length one diff may have: one diff per file.
    ("step7-async-lib.diff", "step6-keepalive/src/lib.rs", "step7-async/src/lib.rs"),
    (
        "step7-async-dispatcher.diff",
        "step6-keepalive/src/dispatcher.rs",
        "step7-async/src/dispatcher.rs",
    ),
    ("step7-async-services.diff", "step6-keepalive/src/services.rs", "step7-async/src/services.rs"),
    ("step7-async-main.diff", "step6-keepalive/src/main.rs", "step7-async/src/main.rs"),
    ("cas-pass2.diff", "cas/src/bin/cas-pass1.rs", "cas/src/bin/cas-pass2.rs"),
    ("cas-pass3.diff", "cas/src/bin/cas-pass2.rs", "cas/src/bin/cas-pass3.rs"),
    ("cas-pass4.diff", "cas/src/bin/cas-pass3.rs", "cas/src/bin/cas-pass4.rs"),
    ("exercise-cas-channels.diff", "cas/src/bin/cas-pass3.rs", "exercises/src/bin/cas-channels.rs"),
];

/// Where the generated diffs live, inside the book's sources.
const DIFF_DIR: &str = "mdbook/src/diffs";

/// The longest diff between two steps: a diff is read whole, and shows one idea.
const MAX_STEP_DIFF_LINES: usize = 300;

/// Runs both checks and reports every problem found, not just the first.
pub fn check(root: &Path) -> Result<()> {
    let mut problems = include_problems(root)?;
    problems.extend(stale_diffs(root)?);
    problems.extend(crate::drawings::stale(root)?);
    ensure!(problems.is_empty(), "the book has problems:\n  {}", problems.join("\n  "));
    Ok(())
}

/// Writes every diff between consecutive steps.
pub fn write_diffs(root: &Path) -> Result<()> {
    let dir = root.join(DIFF_DIR);
    fs::create_dir_all(&dir)?;
    for (name, diff) in diffs(root)? {
        fs::write(dir.join(&name), diff).with_context(|| format!("writing {name}"))?;
        println!("wrote {DIFF_DIR}/{name}");
    }
    Ok(())
}

/// The diffs that differ from what the sources give, or are missing, and
/// the diffs between steps that are too long to read as one idea.
fn stale_diffs(root: &Path) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (name, diff) in diffs(root)? {
        let path = root.join(DIFF_DIR).join(&name);
        if fs::read_to_string(&path).ok().as_deref() != Some(diff.as_str()) {
            stale.push(format!("{DIFF_DIR}/{name} is stale: run `cargo xtask diffs`"));
        }
        let lines = diff.lines().count();
        if name.starts_with("step") && lines > MAX_STEP_DIFF_LINES {
            stale.push(format!("{name} has {lines} lines, over {MAX_STEP_DIFF_LINES}"));
        }
    }
    Ok(stale)
}

/// `(file name, diff)` for each diff the book shows. A course exported
/// without its solutions has no solution to show a diff to.
fn diffs(root: &Path) -> Result<Vec<(String, String)>> {
    DIFFS
        .iter()
        .filter(|(_, _, new)| !new.starts_with("exercises/") || root.join("exercises").exists())
        .map(|(name, old, new)| Ok((name.to_string(), diff_paths(root, old, new)?)))
        .collect()
}

/// What `diff -ruN OLD NEW` prints, without its timestamps, so that the text
/// depends on the sources alone. OLD and NEW are both directories or both files.
fn diff_paths(root: &Path, old: &str, new: &str) -> Result<String> {
    let names = if root.join(old).is_dir() {
        let mut names = source_files(&root.join(old))?;
        names.extend(source_files(&root.join(new))?);
        names.sort();
        names.dedup();
        names.into_iter().map(|name| (format!("{old}/{name}"), format!("{new}/{name}"))).collect()
    } else {
        vec![(old.to_string(), new.to_string())]
    };
    let mut out = String::new();
    for (old_path, new_path) in names {
        let old_text = fs::read_to_string(root.join(&old_path)).unwrap_or_default();
        let new_text = fs::read_to_string(root.join(&new_path)).unwrap_or_default();
        if old_text != new_text {
            out += &format!("diff -ruN {old_path} {new_path}\n");
            out += &TextDiff::from_lines(&old_text, &new_text)
                .unified_diff()
                .header(&old_path, &new_path)
                .to_string();
        }
    }
    Ok(out)
}

/// The files under `dir`, as paths relative to it.
fn source_files(dir: &Path) -> Result<Vec<String>> {
    let files = files_under(dir)?.into_iter();
    Ok(files.filter_map(|file| Some(file.strip_prefix(dir).ok()?.display().to_string())).collect())
}

/// The files under `dir`, at any depth.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = WalkDir::new(dir).into_iter().collect::<Result<Vec<_>, _>>();
    let entries = entries.with_context(|| format!("reading {}", dir.display()))?;
    Ok(entries
        .into_iter()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect())
}

/// Every `{{#include}}` in the book that names a missing file, a missing
/// anchor, or nothing at all.
fn include_problems(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let chapters = files_under(&root.join("mdbook/src"))?.into_iter();
    for chapter in chapters.filter(|path| path.extension().is_some_and(|ending| ending == "md")) {
        let text = fs::read_to_string(&chapter)?;
        let shown = chapter.strip_prefix(root).unwrap_or(&chapter).display().to_string();
        for (line, spec) in includes(&text) {
            if let Err(problem) = check_include(chapter.parent().unwrap(), spec) {
                problems.push(format!("{shown}:{line}: {{{{#include {spec}}}}}: {problem}"));
            }
        }
    }
    Ok(problems)
}

/// `(line number, what follows the directive)` for each include in a chapter.
fn includes(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) =
            ["{{#include ", "{{#rustdoc_include "].iter().filter_map(|d| rest.find(d)).min()
        {
            let after = &rest[start..];
            let spec_start = after.find(' ').unwrap() + 1;
            let Some(end) = after.find("}}") else { break };
            found.push((number + 1, after[spec_start..end].trim()));
            rest = &after[end..];
        }
    }
    found
}

/// Checks one include: `path`, `path:anchor`, `path:line` or `path:start:end`.
fn check_include(dir: &Path, spec: &str) -> Result<()> {
    let mut parts = spec.split(':');
    let path = dir.join(parts.next().unwrap_or_default());
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let selected = match parts.next() {
        None => text,
        Some(anchor) if anchor.parse::<usize>().is_err() => anchored(&text, anchor)?,
        Some(_) => bail!("include lines by anchor, not by number: numbers go stale"),
    };
    ensure!(selected.lines().any(|line| !line.trim().is_empty()), "it includes nothing");
    Ok(())
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, as mdBook takes them.
fn anchored(text: &str, name: &str) -> Result<String> {
    let is_marker = |line: &str, marker: &str| {
        line.split_once(marker).is_some_and(|(_, rest)| rest.trim() == name)
    };
    let start = text.lines().position(|line| is_marker(line, "ANCHOR:"));
    let end = text.lines().position(|line| is_marker(line, "ANCHOR_END:"));
    let (Some(start), Some(end)) = (start, end) else { bail!("no anchor `{name}`") };
    ensure!(start < end, "ANCHOR_END: {name} comes before ANCHOR: {name}");
    let inside = text.lines().skip(start + 1).take(end - start - 1);
    Ok(inside.filter(|line| !line.contains("ANCHOR")).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Whether the book is fresh is `cargo xtask check`'s question, not a
    // test's: a student who edits a step in place keeps `cargo test` green.

    #[test]
    fn a_missing_anchor_or_file_is_a_problem() {
        let dir = testkit::TempDir::new().unwrap();
        std::fs::write(
            dir.path().join("lib.rs"),
            "// ANCHOR: entry\nfn entry() {}\n// ANCHOR_END: entry\n",
        )
        .unwrap();
        let dir = dir.path();
        assert!(check_include(dir, "lib.rs:entry").is_ok());
        assert!(check_include(dir, "lib.rs:no_such_anchor").is_err());
        assert!(check_include(dir, "no_such_file.rs").is_err());
        assert!(check_include(dir, "lib.rs:3:5").is_err());
    }

    #[test]
    fn includes_are_found_with_their_line() {
        let text = "a\n```rust\n{{#include ../x.rs:entry}}\n```\n{{#rustdoc_include y.rs}} {{#include z.rs}}";
        assert_eq!(includes(text), [(3, "../x.rs:entry"), (5, "y.rs"), (5, "z.rs")]);
    }

    #[test]
    fn an_empty_anchor_is_a_problem() {
        let text = "// ANCHOR: a\n\n// ANCHOR_END: a\n// ANCHOR: b\nfn b() {}\n// ANCHOR_END: b\n";
        assert_eq!(anchored(text, "b").unwrap(), "fn b() {}");
        assert!(anchored(text, "a").unwrap().trim().is_empty());
        assert!(anchored(text, "c").is_err());
    }
}
