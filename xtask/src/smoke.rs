//! The smoke test: each step's server, started for real, answers curl and
//! renders its page in headless Chromium, as a student would see it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::tools::{self, find};

/// How long Chromium may take to load one page.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// A page of one of the workspace's web servers, as the smoke test loads it.
struct Page {
    /// The package that builds the server.
    package: &'static str,
    /// The server binary.
    binary: &'static str,
    /// The flags it runs with here.
    args: &'static [&'static str],
    /// The path to load.
    path: &'static str,
    /// Text the page must show.
    expected: &'static str,
}

/// Every web server of the workspace, and a page of each.
const PAGES: &[Page] = &[
    Page {
        package: "step1-hello",
        binary: "step1-hello",
        args: &[],
        path: "/",
        expected: "Hello from HTTPSocket",
    },
    Page {
        package: "step2-service",
        binary: "step2-service",
        args: &[],
        path: "/",
        expected: "Hello World at ",
    },
    Page {
        package: "step3-multi",
        binary: "step3-multi",
        args: &["--sleep", "0"],
        path: "/",
        expected: "is going to sleep for",
    },
    Page {
        package: "step4-dispatcher",
        binary: "step4-dispatcher",
        args: &[],
        path: "/",
        expected: "Served by process",
    },
    Page {
        package: "step4-dispatcher",
        binary: "step4-dispatcher",
        args: &[],
        path: "/files/",
        expected: "Files from disk",
    },
    Page {
        package: "step5-pool",
        binary: "step5-pool",
        args: &[],
        path: "/hello.html",
        expected: "Hello World at ",
    },
    Page {
        package: "step5-pool",
        binary: "step5-pool",
        args: &[],
        path: "/files/",
        expected: "Files from disk",
    },
    Page { package: "clock", binary: "clock-web", args: &[], path: "/", expected: "hello client" },
    Page {
        package: "clock",
        binary: "secret-word-web",
        args: &[],
        path: "/",
        expected: "secret word",
    },
];

/// Starts each server, and checks its page with curl and in Chromium.
pub fn run(root: &Path) -> Result<()> {
    let chromium = find("chromium", "apt-get install chromium")?;
    let curl = find("curl", "apt-get install curl")?;
    let binaries = tools::build_debug(root, PAGES.iter().map(|page| page.package))?;
    for page in PAGES {
        let server = tools::start(&binaries.join(page.binary), page.args)?;
        let url = format!("http://{}{}", server.addr, page.path);
        let (name, expected) = (format!("{} {}", page.binary, page.path), page.expected);
        check_curl(&curl, &url, expected).with_context(|| format!("{name} with curl"))?;
        let dom = dump_dom(&chromium, &url).with_context(|| format!("{name} in Chromium"))?;
        ensure!(dom.contains(expected), "{name}: Chromium shows no {expected:?}:\n{dom}");
        println!("{name}: curl and Chromium show {expected:?}");
    }
    Ok(())
}

/// `curl -i URL` answers 200 with a body as long as its `Content-Length` says.
fn check_curl(curl: &Path, url: &str, expected: &str) -> Result<()> {
    let out = output_within(
        Command::new(curl).args(["--silent", "--show-error", "-i", url]),
        PAGE_TIMEOUT,
    )?;
    ensure!(out.status.success(), "curl failed: {}", String::from_utf8_lossy(&out.stderr));
    let reply = String::from_utf8_lossy(&out.stdout);
    let (head, body) = reply.split_once("\r\n\r\n").context("no blank line after the head")?;
    ensure!(head.starts_with("HTTP/1.0 200 OK"), "curl got {head}");
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .context("no Content-Length")?;
    ensure!(length == body.len().to_string(), "Content-Length {length}, body {} bytes", body.len());
    ensure!(body.contains(expected), "no {expected:?} in {body}");
    Ok(())
}

/// The page's DOM after Chromium loaded it and ran its scripts.
fn dump_dom(chromium: &Path, url: &str) -> Result<String> {
    let profile = std::env::temp_dir().join(format!("xtask-chromium-{}", std::process::id()));
    let out = output_within(
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
            ])
            .args([
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--dump-dom", url]),
        PAGE_TIMEOUT,
    );
    let _ = std::fs::remove_dir_all(&profile);
    let out = out?;
    ensure!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a command and collects its output; coreutils' `timeout` kills it if it hangs.
fn output_within(command: &Command, limit: Duration) -> Result<Output> {
    let mut bounded = Command::new("timeout");
    bounded
        .args(["--kill-after=5", &limit.as_secs().to_string()])
        .arg(command.get_program())
        .args(command.get_args());
    bounded.output().with_context(|| format!("cannot run {bounded:?}"))
}
