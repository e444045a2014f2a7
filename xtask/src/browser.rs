//! The browser check: the freshly built book from `file://` and served by
//! step 7, over connections that Chromium keeps alive, and the pages of every web server of the workspace, opened in
//! headless Chromium by `.ci/browser/check.mjs` (playwright-core), which fails
//! on whatever a reader would see go wrong, or a page without its text.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, ensure};

use testkit::servers;

use crate::tools::{self, find, target_dir};

/// The Node project that drives Chromium.
const CHECKER: &str = ".ci/browser";

/// Longest the whole check may take before it counts as hung.
const LIMIT_SECS: &str = "300";

/// Builds the book and the servers, starts the servers, and runs the check.
pub fn run(root: &Path) -> Result<()> {
    let node = find("node", "apt-get install nodejs npm")?;
    find("chromium", "apt-get install chromium")?;
    let playwright = root.join(CHECKER).join("node_modules/playwright-core");
    ensure!(playwright.is_dir(), "playwright-core is not installed: npm ci --prefix {CHECKER}");
    crate::book::check(root)?;
    tools::build_book(root, false)?;
    let binaries = tools::build_debug(root, &servers::packages())?;
    let book = root.join("mdbook/book");
    let book = book.to_str().context("a UTF-8 path")?;
    let step7 = servers::SERVERS.iter().find(|spec| spec.binary == "step7-async");
    let book_server = step7.context("step 7")?.start(&binaries, &["--root", book])?;
    let running = servers::web_servers()
        .map(|(spec, pages)| Ok((spec, pages, spec.start(&binaries, &[])?)))
        .collect::<Result<Vec<_>>>()?;

    let mut check = Command::new("timeout");
    check
        .args(["--kill-after=10", LIMIT_SECS])
        .arg(node)
        .arg(root.join(CHECKER).join("check.mjs"))
        .args(["--book", book, "--book-url"])
        .arg(format!("http://{}/files/", book_server.addr))
        .arg("--out")
        .arg(target_dir(root).join("browser-check"));
    for (spec, pages, server) in &running {
        for page in *pages {
            let url = format!("http://{}{}", server.addr, page.path);
            check.arg("--page").arg(format!("{}={url}={}", spec.binary, page.shows));
        }
    }
    tools::run(check.current_dir(root))
}
