//! The browser check: the freshly built book from `file://` and served by
//! step 5, and the pages of every web server of the workspace, opened in
//! headless Chromium by `.ci/browser/check.mjs` (playwright-core), which fails
//! on whatever a reader would see go wrong.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, ensure};

use crate::tools::{self, find, target_dir};

/// The Node project that drives Chromium.
const CHECKER: &str = ".ci/browser";

/// Longest the whole check may take before it counts as hung.
const LIMIT_SECS: &str = "300";

/// A web server of the workspace, and the pages of it that the check opens.
struct Site {
    /// The package that builds the server.
    package: &'static str,
    /// The server binary.
    binary: &'static str,
    /// The flags it runs with here.
    args: &'static [&'static str],
    /// The paths to open.
    paths: &'static [&'static str],
}

/// Every web server of the workspace; step 5 serves the book besides.
const SITES: &[Site] = &[
    Site { package: "step1-hello", binary: "step1-hello", args: &[], paths: &["/"] },
    Site { package: "step2-service", binary: "step2-service", args: &[], paths: &["/"] },
    // Each request puts a sleeper to sleep: none of them may keep the next page waiting.
    Site { package: "step3-multi", binary: "step3-multi", args: &["--sleep", "0"], paths: &["/"] },
    Site {
        package: "step4-dispatcher",
        binary: "step4-dispatcher",
        args: &[],
        paths: &["/", "/hello.html", "/time.html", "/files/"],
    },
    Site {
        package: "step5-pool",
        binary: "step5-pool",
        args: &[],
        paths: &["/", "/hello.html", "/time.html", "/files/"],
    },
    Site { package: "clock", binary: "clock-web", args: &[], paths: &["/"] },
    Site { package: "clock", binary: "secret-word-web", args: &[], paths: &["/"] },
];

/// Builds the book and the servers, starts the servers, and runs the check.
pub fn run(root: &Path) -> Result<()> {
    let node = find("node", "apt-get install nodejs npm")?;
    find("chromium", "apt-get install chromium")?;
    let playwright = root.join(CHECKER).join("node_modules/playwright-core");
    ensure!(playwright.is_dir(), "playwright-core is not installed: npm ci --prefix {CHECKER}");
    crate::book::check(root)?;
    tools::build_book(root, false)?;
    let binaries = tools::build_debug(root, SITES.iter().map(|site| site.package))?;
    let start = |name: &str, args: &[&str]| tools::start(&binaries.join(name), args);
    let book = root.join("mdbook/book");
    let book = book.to_str().context("a UTF-8 path")?;
    let book_server = start("step5-pool", &["--root", book])?;
    let servers = SITES
        .iter()
        .map(|site| Ok((site, start(site.binary, site.args)?)))
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
    for (site, server) in &servers {
        for path in site.paths {
            check.arg("--page").arg(format!("{}=http://{}{path}", site.binary, server.addr));
        }
    }
    tools::run(check.current_dir(root))
}
