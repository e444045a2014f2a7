//! Every server of the workspace, once. The battery, the browser check and
//! the benchmark start them from this table: adding a server to every check
//! is adding a row here.

use std::path::Path;
use std::process::Command;

use crate::{Log, Server};

/// A server of the workspace, as the checks start it.
pub struct Spec {
    /// The binary, which is also the server's name in every report.
    pub binary: &'static str,
    /// The package that builds it.
    pub package: &'static str,
    /// Flags beyond `--port 0`, such as a sleep short enough for a check.
    pub args: &'static [&'static str],
    /// What it speaks.
    pub kind: Kind,
}

impl Spec {
    /// Starts the server from the binaries in `bin` on a free port, with its
    /// flags and `extra`, and waits until it listens.
    pub fn start(&self, bin: &Path, extra: &[&str]) -> anyhow::Result<Server> {
        let mut command = Command::new(bin.join(self.binary));
        command.args(["--port", "0"]).args(self.args).args(extra);
        Server::launch(&mut command, Log::Kept)
    }
}

/// The protocols the checks know how to speak.
pub enum Kind {
    /// HTTP, with pages that answer 200. The first is the one a load asks
    /// for; a server with a page under `/files/` serves a directory.
    Web(&'static [Page]),
    /// The compare-and-swap line protocol.
    Cas,
}

/// A page that answers 200, and a piece of text it shows.
pub struct Page {
    /// The path to ask for.
    pub path: &'static str,
    /// Text a reader sees on it.
    pub shows: &'static str,
}

/// The pages that steps 4 to 7 answer, with `/hello.html` first, the cheapest.
const DISPATCHED: &[Page] = &[
    Page { path: "/hello.html", shows: "Hello World at " },
    Page { path: "/", shows: "Served by process" },
    Page { path: "/time.html", shows: "The time is" },
    Page { path: "/files/", shows: "Files from disk" },
];

/// The table: every web server, then the cas passes that are meant to hold
/// (pass 1 is the one that breaks).
pub const SERVERS: &[Spec] = &[
    web("step1-hello", "step1-hello", &[], &[Page { path: "/", shows: "Hello from HTTPSocket" }]),
    web("step2-service", "step2-service", &[], &[Page { path: "/", shows: "Hello World at " }]),
    web(
        "step3-multi",
        "step3-multi",
        &["--sleep", "0"],
        &[Page { path: "/", shows: "is going to sleep for" }],
    ),
    web("step4-dispatcher", "step4-dispatcher", &[], DISPATCHED),
    web("step5-pool", "step5-pool", &["--workers", "8"], DISPATCHED),
    web("step6-keepalive", "step6-keepalive", &["--workers", "8"], DISPATCHED),
    web("step7-async", "step7-async", &[], DISPATCHED),
    web("clock-web", "clock", &[], &[Page { path: "/", shows: "hello client" }]),
    web("secret-word-web", "clock", &[], &[Page { path: "/", shows: "secret word" }]),
    cas("cas-pass2"),
    cas("cas-pass3"),
    cas("cas-pass4"),
];

/// A row for a web server.
const fn web(
    binary: &'static str,
    package: &'static str,
    args: &'static [&'static str],
    pages: &'static [Page],
) -> Spec {
    Spec { binary, package, args, kind: Kind::Web(pages) }
}

/// A row for a cas pass.
const fn cas(binary: &'static str) -> Spec {
    Spec { binary, package: "cas", args: &[], kind: Kind::Cas }
}

/// The web servers, with their pages.
pub fn web_servers() -> impl Iterator<Item = (&'static Spec, &'static [Page])> {
    SERVERS.iter().filter_map(|spec| match spec.kind {
        Kind::Web(pages) => Some((spec, pages)),
        Kind::Cas => None,
    })
}

/// The cas passes.
pub fn cas_passes() -> impl Iterator<Item = &'static Spec> {
    SERVERS.iter().filter(|spec| matches!(spec.kind, Kind::Cas))
}

/// The packages that build every server, each once.
pub fn packages() -> Vec<&'static str> {
    let mut packages: Vec<&str> = SERVERS.iter().map(|spec| spec.package).collect();
    packages.dedup();
    packages
}

/// Whether the server serves a directory under `/files/`.
pub fn serves_files(pages: &[Page]) -> bool {
    pages.iter().any(|page| page.path.starts_with("/files/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_package_is_listed_once_and_names_are_unique() {
        assert_eq!(packages().len(), 9);
        let mut names: Vec<&str> = SERVERS.iter().map(|spec| spec.binary).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SERVERS.len());
    }
}
