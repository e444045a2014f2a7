//! The book's drawings: `netdraw` (its README has the format) renders each
//! `mdbook/drawings/NAME.txt` to `mdbook/src/drawings/NAME.svg`.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, anyhow};

/// Where the sources are, and where their SVGs go, in the workspace.
const SOURCE_DIR: &str = "mdbook/drawings";
const SVG_DIR: &str = "mdbook/src/drawings";

/// Regenerates every SVG from its source.
pub fn write_all(root: &Path) -> Result<()> {
    fs::create_dir_all(root.join(SVG_DIR))?;
    for (name, svg) in rendered(root)? {
        let path = root.join(SVG_DIR).join(format!("{name}.svg"));
        fs::write(&path, svg?).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {SVG_DIR}/{name}.svg");
    }
    Ok(())
}

/// The drawings whose SVG is missing or differs from what its source gives,
/// the sources that do not render, and the SVGs that have no source.
pub fn stale(root: &Path) -> Result<Vec<String>> {
    let drawings = rendered(root)?;
    let mut problems = Vec::new();
    for (name, svg) in &drawings {
        let path = root.join(SVG_DIR).join(format!("{name}.svg"));
        if let Err(error) = svg {
            problems.push(error.to_string());
        } else if svg.as_ref().ok() != fs::read_to_string(path).ok().as_ref() {
            problems.push(format!("{SVG_DIR}/{name}.svg is stale: run `cargo xtask drawings`"));
        }
    }
    for svg in names(&root.join(SVG_DIR), ".svg")? {
        if !drawings.iter().any(|(name, _)| *name == svg) {
            problems.push(format!("{SVG_DIR}/{svg}.svg has no source {SOURCE_DIR}/{svg}.txt"));
        }
    }
    Ok(problems)
}

/// Each source's name, in order, with its SVG or `FILE:LINE: what is wrong`.
fn rendered(root: &Path) -> Result<Vec<(String, Result<String>)>> {
    let mut drawings = Vec::new();
    for name in names(&root.join(SOURCE_DIR), ".txt")? {
        let path = root.join(SOURCE_DIR).join(format!("{name}.txt"));
        let source =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let svg = netdraw::render(&source).map_err(|e| anyhow!("{SOURCE_DIR}/{name}.txt:{e}"));
        drawings.push((name, svg));
    }
    Ok(drawings)
}

/// The sorted names, less `ending`, of the files in `dir` (if any) that end with it.
fn names(dir: &Path, ending: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten() {
        names.extend(entry?.file_name().to_string_lossy().strip_suffix(ending).map(str::to_string));
    }
    names.sort();
    Ok(names)
}
