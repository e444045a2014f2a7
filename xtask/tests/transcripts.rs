//! `cargo xtask transcripts [FILTER]`: runs the book's `console` blocks
//! against the real programs and compares what they print with the page.
//!
//! # The blocks
//!
//! In a ```` ```console ```` block, a line that starts with `$ ` is a
//! command (a line ending in `\` continues it on the next line), and the
//! lines up to the next command are what it prints, stdout and stderr
//! together as a terminal shows them. A block is a terminal: its commands
//! run one after the other in one `bash`, from the workspace's top
//! directory, so that what one sets (a variable, `$?`, a connection open on
//! a file descriptor) the next one has. Each has [`COMMAND_TIMEOUT`] to
//! finish; what it left running in the background is killed with the
//! block's shell. The shell has `CARGO_TERM_QUIET=true`: the book leaves
//! out Cargo's own lines (`Compiling`, `Running`), and shows no progress of
//! `cargo test`; and a `CURL_HOME` whose `.curlrc` says
//! `no-progress-meter`, since curl shows no progress meter on a terminal.
//!
//! Before comparing, both sides are normalized: trailing blanks and `\r`
//! go, trailing empty lines go, and what varies from run to run becomes a
//! placeholder ([`PLACEHOLDERS`]: times, dates, `Date:` headers, PIDs,
//! durations, ports other than the book's fixed ones). An expected line that
//! is exactly `...` stands for any lines, none included.
//!
//! # The declarations
//!
//! A page declares what its blocks need in HTML comments, one per line,
//! which the book does not show:
//!
//! - `<!-- transcript: check -->`: check this page's blocks. Any other
//!   declaration does too; a page without any is *not yet checked*.
//! - `<!-- transcript: server CMD -->`: start `CMD` (with `bash -c`, from
//!   the workspace's top) in the background, and wait until it prints
//!   `listening on` (within [`SERVER_TIMEOUT`]). It serves the blocks
//!   that follow, until `<!-- transcript: stop -->` or the end of the page.
//! - `<!-- transcript: stop -->`: stop every server started so far on the
//!   page (with SIGTERM to its process group, then SIGKILL).
//!
//! The others stand right before a block (only blank lines and other such
//! declarations come between them and the block's opening fence). One of
//! them gives the block's mode:
//!
//! - `<!-- transcript: server -->`: the block's first command is such a
//!   server. What it prints up to its `listening on` line is compared with
//!   the lines the block shows under it; the block's other commands then
//!   run as usual.
//! - `<!-- transcript: succeeds -->`: its commands must exit with status
//!   0, and what they print is not compared. For the book's `cargo test …`
//!   lines, which show no output.
//! - `<!-- transcript: skip WHY -->`: the block cannot run unattended (a
//!   browser, a Ctrl-C by hand); it is counted as marked.
//!
//! and the rest say what varies in ways the placeholders cannot know, or
//! what happens while the block runs:
//!
//! - `<!-- transcript: milliseconds to N -->`: every `… ms` is rounded to
//!   the nearest multiple of N, on both sides: for timelines whose
//!   milliseconds vary by a few from run to run.
//! - `<!-- transcript: varies REGEX -->`: what REGEX matches becomes
//!   `<VARIES>` on both sides: for a share of the processor, say.
//! - `<!-- transcript: any order -->`: each command's lines may come in any
//!   order: for threads that print at the same moment.
//! - `<!-- transcript: interrupt after N s -->`: N seconds after the block
//!   starts, the page's servers get SIGINT, as Ctrl-C in their terminal
//!   would send; after the block, each must exit by itself with status 0.
//!
//! Servers bind `127.0.0.1`, our programs' default: a page does not pass
//! `--host`.
//!
//! # The run
//!
//! `cargo xtask transcripts [FILTER]` builds the workspace's programs once
//! (so that the timeouts time the programs, not the build), then runs the
//! pages whose path contains FILTER (`step1-hello.md`, `clock/`), or every
//! page. It prints `PAGE:LINE ok`, `FAILED` or `skipped (WHY)` for each
//! block, with the line of its opening fence (a page not yet annotated is
//! an ignored trial), and under a failure the command's `PAGE:LINE` and the
//! diff of the normalized outputs; then the counts. It fails when a block
//! fails.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, LazyLock, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use libtest_mimic::{Arguments, Failed, Trial};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use regex::{Captures, Regex};
use similar::TextDiff;
use wait_timeout::ChildExt;
use walkdir::WalkDir;

/// How long one command may take: the longest, building an exported course
/// from nothing (tokio included), took 50 s on a busy machine.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// How long a server may take to print `listening on`.
pub const SERVER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a server may take to end once sent SIGTERM, before SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// The line by which a server says it is ready.
const READY: &str = "listening on";

/// The ports that the book's servers use by default: they stay as they are.
const FIXED_PORTS: &[&str] = &["8000", "8080", "12091", "22222"];

/// What varies from run to run, and the placeholder it becomes, in order.
/// A match whose `port` group is one of [`FIXED_PORTS`] is left alone.
const PLACEHOLDERS: &[(&str, &str)] = &[
    // An HTTP `Date:` header, whatever its form.
    (r"^Date: .*$", "Date: <DATE>"),
    // An HTTP date: `Sun, 29 Nov 2026 19:47:18 GMT`.
    (r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", "<DATE>"),
    // `ctime`: `Sun Nov 29 19:47:18 2026`, `Sun Nov  1 09:07:08 2026`.
    (r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\b", "<DATE>"),
    // Dates in logs: `21/Nov/2026`, `2026-11-21`.
    (r"\b\d{1,2}/[A-Z][a-z]{2}/\d{4}\b", "<DATE>"),
    (r"\b\d{4}-\d\d-\d\d\b", "<DATE>"),
    // Times, milliseconds or more included: `15:04:18`, `14:53:54.694`.
    (r"\b\d\d:\d\d:\d\d(\.\d+)?\b", "<TIME>"),
    // Durations: bash's `time` (`0m0.010s`), and with a fraction: `0.01 s`,
    // `10.015s`, `3.2 seconds`, `1.5ms`.
    (r"\b\d+m\d+\.\d+s\b", "<DURATION>"),
    (r"\b\d+\.\d+ ?(s|ms|µs|seconds)\b", "<DURATION>"),
    // Where the workspace is, in a default shown by `--help`: `/home/you/…/step5-pool/www`.
    (r"/\S*/(?<dir>[a-z0-9-]+/www)\b", "<WORKSPACE>/$dir"),
    // The counts and the rate of `cas-stress hammer`, which vary with the interleaving.
    (
        r"^\d+ requests \(\d+ retries\) in \S+: \d+ requests/s$",
        "<N> requests (<N> retries) in <DURATION>: <N> requests/s",
    ),
    // Process ids: `pid 31967`, `PID 31967`.
    (r"\b(?<word>pid|PID)[ =:]\s*\d+\b", "$word <PID>"),
    // The port of a local address, unless it is one of the book's fixed ports.
    (r"\b(?<host>127\.0\.0\.1|0\.0\.0\.0|localhost|\[::1?\]):(?<port>\d+)\b", "$host:<PORT>"),
];

/// The compiled [`PLACEHOLDERS`].
static RULES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
    PLACEHOLDERS
        .iter()
        .map(|(pattern, placeholder)| (Regex::new(pattern).expect("a valid pattern"), *placeholder))
        .collect()
});

/// An expected line that stands for any lines, none included.
const ANY_LINES: &str = "...";

/// One page's transcript: whether it is checked, and what it holds in order.
#[derive(Debug, Default, PartialEq)]
struct Page {
    /// Whether the page has any declaration.
    declared: bool,
    /// Its declarations and blocks, in order.
    items: Vec<Item>,
}

/// A declaration that acts where it stands, or a block.
#[derive(Debug, PartialEq)]
enum Item {
    /// Start this command in the background (the declaration's line).
    Server(usize, String),
    /// Stop every server (the declaration's line).
    Stop(usize),
    /// A `console` block.
    Block(Block),
}

/// A `console` block.
#[derive(Debug, PartialEq)]
struct Block {
    /// The line of its opening fence.
    line: usize,
    /// How it is checked.
    mode: Mode,
    /// How its outputs are compared, and what happens while it runs.
    options: Options,
    /// Its commands, with what each prints.
    commands: Vec<Cmd>,
}

/// What a block declares beyond its mode: the output that varies in ways
/// the page's placeholders cannot know, and a Ctrl-C.
#[derive(Debug, Default, PartialEq)]
struct Options {
    /// `N ms` is rounded to the nearest multiple of this, on both sides.
    milliseconds_to: Option<u64>,
    /// What these patterns match becomes [`VARIES`], on both sides.
    varies: Vec<String>,
    /// The lines of each command's output may come in any order.
    any_order: bool,
    /// This long after the block starts, the page's servers get Ctrl-C.
    interrupt_after: Option<Duration>,
}

/// How a block is checked.
#[derive(Debug, PartialEq)]
enum Mode {
    /// Each command's output is compared.
    Compare,
    /// Its first command is a server, the others are compared.
    Server,
    /// Each command must exit with 0; outputs are not compared.
    Succeeds,
    /// Not run, for this reason.
    Skip(String),
}

/// A command of a block, and what the page says it prints.
#[derive(Debug, PartialEq)]
struct Cmd {
    /// The line of its `$ `.
    line: usize,
    /// The command, continuation lines included, without the `$ `.
    text: String,
    /// The lines shown under it.
    expected: Vec<String>,
}

/// A declaration, or several, waiting for the block right after them.
struct Pending {
    /// The line of the first.
    line: usize,
    /// The mode that one of them gave, if any.
    mode: Option<Mode>,
    /// The options that they gave.
    options: Options,
}

impl Pending {
    /// Gives the block its mode, declared on line `number`: only one.
    fn set_mode(&mut self, number: usize, mode: Mode) -> Result<()> {
        ensure!(self.mode.is_none(), "line {number}: a second mode for one block");
        self.mode = Some(mode);
        Ok(())
    }
}

/// Parses a page: its declarations and `console` blocks. Errors name the line.
fn parse(text: &str) -> Result<Page> {
    let mut page = Page::default();
    let mut pending: Option<Pending> = None;
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    while let Some((number, line)) = lines.next() {
        let trimmed = line.trim();
        if let Some(declaration) = declaration(trimmed) {
            page.declared = true;
            let (word, rest) = declaration.split_once(' ').unwrap_or((declaration, ""));
            let rest = rest.trim();
            let waiting = || Pending { line: number, mode: None, options: Options::default() };
            let ahead = pending.get_or_insert_with(waiting);
            match (word, rest) {
                ("server", "") => ahead.set_mode(number, Mode::Server)?,
                ("succeeds", "") => ahead.set_mode(number, Mode::Succeeds)?,
                ("skip", why) if !why.is_empty() => {
                    ahead.set_mode(number, Mode::Skip(why.into()))?
                }
                ("milliseconds", step) => {
                    let step = step.strip_prefix("to ").and_then(|n| n.parse().ok());
                    ensure!(step.is_some_and(|n| n > 0), "line {number}: `milliseconds to N`");
                    ahead.options.milliseconds_to = step;
                }
                ("varies", pattern) => {
                    Regex::new(pattern).with_context(|| format!("line {number}: the pattern"))?;
                    ahead.options.varies.push(pattern.to_string());
                }
                ("any", "order") => ahead.options.any_order = true,
                ("interrupt", after) => {
                    let seconds = after.strip_prefix("after ").and_then(|a| a.strip_suffix(" s"));
                    let seconds = seconds.and_then(|s| s.parse::<f64>().ok());
                    let seconds =
                        seconds.with_context(|| format!("line {number}: `interrupt after N s`"))?;
                    ahead.options.interrupt_after = Some(Duration::from_secs_f64(seconds));
                }
                _ => {
                    // The others act where they stand, and wait for no block.
                    ensure!(
                        ahead.line == number,
                        "line {}: a declaration waits for its block",
                        ahead.line
                    );
                    pending = None;
                    match (word, rest) {
                        ("check", "") => {}
                        ("stop", "") => page.items.push(Item::Stop(number)),
                        ("server", command) => {
                            page.items.push(Item::Server(number, command.to_string()))
                        }
                        _ => bail!("line {number}: unknown declaration `{declaration}`"),
                    }
                }
            }
        } else if trimmed.starts_with("```") {
            let is_console = trimmed == "```console";
            let indent = line.len() - line.trim_start().len();
            let mut body = Vec::new();
            for (inner, content) in lines.by_ref() {
                if content.trim() == "```" {
                    break;
                }
                body.push((inner, content.get(indent..).unwrap_or(content.trim_start())));
            }
            if is_console {
                let Pending { mode, options, .. } = pending.take().unwrap_or(Pending {
                    line: number,
                    mode: None,
                    options: Options::default(),
                });
                let mode = mode.unwrap_or(Mode::Compare);
                let commands = commands(number, &body)?;
                page.items.push(Item::Block(Block { line: number, mode, options, commands }));
            } else if let Some(ahead) = pending {
                bail!("line {}: the declaration is not right before a console block", ahead.line);
            }
        } else if let Some(ahead) = pending.as_ref().filter(|_| !trimmed.is_empty()) {
            bail!("line {}: the declaration is not right before a console block", ahead.line);
        }
    }
    if let Some(ahead) = pending {
        bail!("line {}: the declaration is not right before a console block", ahead.line);
    }
    Ok(page)
}

/// What a `<!-- transcript: … -->` line declares, if it is one.
fn declaration(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    Some(inner.strip_prefix("transcript:")?.trim())
}

/// The commands of a block's lines (numbered), with their expected lines.
fn commands(fence: usize, body: &[(usize, &str)]) -> Result<Vec<Cmd>> {
    let mut commands: Vec<Cmd> = Vec::new();
    let mut lines = body.iter();
    while let Some(&(number, line)) = lines.next() {
        if let Some(command) = line.strip_prefix("$ ") {
            let mut text = command.to_string();
            while text.ends_with('\\') {
                let Some(&(_, next)) = lines.next() else { break };
                text.push('\n');
                text.push_str(next);
            }
            commands.push(Cmd { line: number, text, expected: Vec::new() });
        } else if let Some(command) = commands.last_mut() {
            command.expected.push(line.to_string());
        } else if !line.trim().is_empty() {
            bail!("line {number}: output before the first command of the block at line {fence}");
        }
    }
    Ok(commands)
}

/// A text's lines with what varies replaced by placeholders, without
/// trailing blanks, `\r` and empty lines at the end.
fn normalize(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| {
            let mut line = line.trim_end().to_string();
            for (regex, placeholder) in RULES.iter() {
                line = regex
                    .replace_all(&line, |caps: &Captures| {
                        if caps
                            .name("port")
                            .is_some_and(|port| FIXED_PORTS.contains(&port.as_str()))
                        {
                            caps[0].to_string()
                        } else {
                            let mut out = String::new();
                            caps.expand(placeholder, &mut out);
                            out
                        }
                    })
                    .into_owned();
            }
            line
        })
        .collect();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines
}

/// Stands for what a `varies` pattern matched.
const VARIES: &str = "<VARIES>";

/// `N ms`, with the blanks that align it, for `milliseconds to`.
static MILLISECONDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"( *)\b(\d+) ms\b").expect("a valid pattern"));

impl Options {
    /// [`normalize`], and then what the block declares: milliseconds
    /// rounded, what varies replaced, the lines sorted when in any order.
    fn normalize(&self, text: &str) -> Vec<String> {
        let varies: Vec<Regex> =
            self.varies.iter().map(|pattern| Regex::new(pattern).expect("parsed")).collect();
        let mut lines = normalize(text);
        for line in &mut lines {
            if let Some(step) = self.milliseconds_to {
                *line = MILLISECONDS.replace_all(line, |caps: &Captures| round(caps, step)).into();
            }
            for regex in &varies {
                *line = regex.replace_all(line, VARIES).into_owned();
            }
        }
        if self.any_order {
            lines.sort();
        }
        lines
    }
}

/// A [`MILLISECONDS`] match rounded to the nearest multiple of `step`, as wide as it was.
fn round(caps: &Captures, step: u64) -> String {
    let Ok(ms) = caps[2].parse::<u64>() else { return caps[0].to_string() };
    let rounded = (ms + step / 2) / step * step;
    let width = caps[1].len() + caps[2].len();
    format!("{rounded:>width$} ms")
}

/// Whether `actual` is what `expected` shows, `...` standing for any lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    // fits[j]: expected[i..] matches actual[j..], for i going down.
    let mut fits = vec![false; actual.len() + 1];
    fits[actual.len()] = true;
    for line in expected.iter().rev() {
        let mut next = vec![false; actual.len() + 1];
        for j in (0..=actual.len()).rev() {
            next[j] = if line == ANY_LINES {
                fits[j] || (j < actual.len() && next[j + 1])
            } else {
                j < actual.len() && actual[j] == *line && fits[j + 1]
            };
        }
        fits = next;
    }
    fits[0]
}

/// What a block's check came to.
enum Verdict {
    /// Every command printed what the page shows.
    Ok,
    /// At least one did not: what to show.
    Failed(Vec<String>),
    /// Marked as not runnable unattended.
    Skipped(String),
    /// The page is not annotated yet.
    NotChecked,
}

/// Parses every page, builds the programs, and runs one trial per page that
/// declares what it needs; a page that declares nothing is an ignored trial.
/// Then prints the counts of blocks.
fn main() -> Result<()> {
    let mut arguments = Arguments::from_args();
    // One page at a time: the pages' servers share the book's fixed ports.
    arguments.test_threads = Some(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().context("the workspace")?;
    let mut pages = Vec::new();
    for entry in WalkDir::new(root.join("mdbook/src")).sort_by_file_name() {
        let path = entry?.into_path();
        if path.extension().is_some_and(|ending| ending == "md") {
            let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            let text = fs::read_to_string(&path).with_context(|| format!("reading {shown}"))?;
            let page = parse(&text).map_err(|error| anyhow::anyhow!("{shown}: {error}"))?;
            pages.push((shown, page));
        }
    }
    if !arguments.list {
        // The programs are built once, so that the timeouts time the programs.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let build = ["build", "--quiet", "--workspace", "--bins"];
        ensure!(Command::new(cargo).current_dir(root).args(build).status()?.success(), "build");
    }
    let mut trials: Vec<Trial> = own::CHECKS
        .iter()
        .map(|&(name, check)| {
            Trial::test(format!("own: {name}"), move || {
                check();
                Ok(())
            })
        })
        .collect();
    let blocks =
        |page: &Page| page.items.iter().filter(|item| matches!(item, Item::Block(_))).count();
    let skipped = |page: &Page| {
        let skips = page.items.iter().filter(
            |item| matches!(item, Item::Block(block) if matches!(block.mode, Mode::Skip(_))),
        );
        skips.count()
    };
    let declared: Vec<&(String, Page)> = pages.iter().filter(|(_, page)| page.declared).collect();
    let checked: usize = declared.iter().map(|(_, page)| blocks(page) - skipped(page)).sum();
    let marked: usize = declared.iter().map(|(_, page)| skipped(page)).sum();
    let total: usize = pages.iter().map(|(_, page)| blocks(page)).sum();
    for (shown, page) in pages.into_iter().filter(|(_, page)| blocks(page) > 0) {
        let trial_root = root.to_path_buf();
        let declared = page.declared;
        let trial = Trial::test(shown.clone(), move || check(&trial_root, &shown, &page));
        trials.push(trial.with_ignored_flag(!declared));
    }
    let conclusion = libtest_mimic::run(&arguments, trials);
    let share = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    println!(
        "transcripts: {total} blocks: {checked} checked ({:.0}%), {marked} marked as not runnable \
         unattended, {} on pages not yet annotated",
        share(checked),
        total - checked - marked,
    );
    ensure!(!conclusion.has_failed(), "{} pages failed", conclusion.num_failed);
    Ok(())
}

/// Runs one page's blocks, printing a line for each, and fails with the
/// details of every block that printed something else than the page shows.
fn check(root: &Path, shown: &str, page: &Page) -> Result<(), Failed> {
    let mut failures = Vec::new();
    for (line, verdict) in check_page(root, shown, page) {
        match verdict {
            Verdict::Ok => print!("{line} ok, "),
            Verdict::Skipped(why) => print!("{line} skipped ({why}), "),
            Verdict::NotChecked => {}
            Verdict::Failed(details) => {
                print!("{line} FAILED, ");
                failures.push(format!("{shown}:{line} FAILED\n{}", details.join("\n")));
            }
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n").into()) }
}

/// Runs one page: `(block line, verdict)` for each block.
fn check_page(root: &Path, shown: &str, page: &Page) -> Vec<(usize, Verdict)> {
    let mut verdicts = Vec::new();
    let mut servers: Vec<Server> = Vec::new();
    // A declared server that failed to start fails the next block.
    let mut trouble: Vec<String> = Vec::new();
    for item in &page.items {
        match item {
            Item::Block(block) if !page.declared => {
                verdicts.push((block.line, Verdict::NotChecked))
            }
            Item::Server(..) | Item::Stop(_) if !page.declared => {}
            Item::Server(line, command) => match Server::start(root, command) {
                Ok((server, _)) => servers.push(server),
                Err(error) => {
                    trouble.push(format!("  {shown}:{line}: server `{command}`: {error:#}"))
                }
            },
            Item::Stop(_) => servers.clear(),
            Item::Block(block) => {
                let mut details = std::mem::take(&mut trouble);
                if let Mode::Skip(why) = &block.mode {
                    verdicts.push((block.line, Verdict::Skipped(why.clone())));
                    continue;
                }
                let interrupt =
                    block.options.interrupt_after.map(|after| interrupt(&servers, after));
                let mut commands = &block.commands[..];
                if block.mode == Mode::Server {
                    let (first, others) = commands.split_first().expect("a server command");
                    commands = others;
                    match Server::start(root, &first.text) {
                        Ok((server, printed)) => {
                            servers.push(server);
                            details.extend(compare(shown, block, first, &printed));
                        }
                        Err(error) => details.push(format!(
                            "  {shown}:{}: $ {}\n  {error:#}",
                            first.line, first.text
                        )),
                    }
                }
                let outcomes = run_session(root, commands).unwrap_or_else(|(outcomes, error)| {
                    let cmd = &commands[outcomes.len()];
                    details.push(format!("  {shown}:{}: $ {}\n  {error:#}", cmd.line, cmd.text));
                    outcomes
                });
                for (cmd, (printed, code)) in commands.iter().zip(outcomes) {
                    if block.mode != Mode::Succeeds {
                        details.extend(compare(shown, block, cmd, &printed));
                    } else if code != 0 {
                        details.push(format!(
                            "  {shown}:{}: $ {}\n  exited with {code}:\n{printed}",
                            cmd.line, cmd.text
                        ));
                    }
                }
                if let Some(timer) = interrupt {
                    let _ = timer.join();
                    for mut server in servers.drain(..) {
                        if let Some(trouble) = server.after_interrupt() {
                            details.push(format!("  {shown}:{}: {trouble}", block.line));
                        }
                    }
                }
                let verdict =
                    if details.is_empty() { Verdict::Ok } else { Verdict::Failed(details) };
                verdicts.push((block.line, verdict));
            }
        }
    }
    verdicts
}

/// What `cmd` of `block` printed against what the page shows under it:
/// nothing when they match, else the command and a diff.
fn compare(shown: &str, block: &Block, cmd: &Cmd, printed: &str) -> Option<String> {
    let expected = block.options.normalize(&cmd.expected.join("\n"));
    let actual = block.options.normalize(printed);
    if matches(&expected, &actual) {
        return None;
    }
    let (expected, actual) = (expected.join("\n") + "\n", actual.join("\n") + "\n");
    let diff = TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .header("the page", "the program")
        .to_string();
    Some(format!("  {shown}:{}: $ {}\n{diff}", cmd.line, cmd.text))
}

/// Sends Ctrl-C's signal to the process group of each of `servers` once
/// `after` has passed, as a terminal does to the program in front.
fn interrupt(servers: &[Server], after: Duration) -> thread::JoinHandle<()> {
    let groups: Vec<Pid> = servers.iter().map(|server| group(&server.child)).collect();
    thread::spawn(move || {
        thread::sleep(after);
        for group in groups {
            let _ = killpg(group, Signal::SIGINT);
        }
    })
}

/// The `CURL_HOME` of the commands, written once: curl shows no progress
/// meter on a terminal, and its `.curlrc` here says so.
static CURL_HOME: LazyLock<PathBuf> = LazyLock::new(|| {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("transcripts");
    fs::create_dir_all(&home).expect("make CURL_HOME");
    fs::write(home.join(".curlrc"), "no-progress-meter\n").expect("write .curlrc");
    home
});

/// `bash -c SCRIPT` from the workspace's top, in a process group of its own,
/// with stdout and stderr into one pipe, as a terminal shows them.
fn bash(root: &Path, script: &str) -> Result<(Child, std::io::PipeReader)> {
    let (reader, writer) = std::io::pipe()?;
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(script)
        .current_dir(root)
        .env("CARGO_TERM_QUIET", "true")
        .env("CARGO_TERM_COLOR", "never")
        .env("CURL_HOME", &*CURL_HOME)
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .process_group(0);
    let child = command.spawn().context("starting bash")?;
    // The command holds the pipe's writing end until it is dropped.
    drop(command);
    Ok((child, reader))
}

/// The process group that `child` leads.
fn group(child: &Child) -> Pid {
    Pid::from_raw(i32::try_from(child.id()).expect("a pid fits an i32"))
}

/// Sends `signal` to the process group that `child` leads.
fn signal_group(child: &Child, signal: Signal) {
    let _ = killpg(group(child), signal);
}

/// What the shell prints after each command, on a line of its own, before
/// the command's status.
const END_OF_COMMAND: &str = "::transcript: end of command, status";

/// Runs `commands` one after the other in one bash, as a terminal does, so
/// that what one sets (a variable, an open file) the next one has: what
/// each printed, and its status. Fails, with what the commands that ended
/// printed, when one takes longer than [`COMMAND_TIMEOUT`] or the shell
/// ends before the last one.
fn run_session(root: &Path, commands: &[Cmd]) -> Result<Outcomes, (Outcomes, anyhow::Error)> {
    let mut outcomes = Vec::new();
    if commands.is_empty() {
        return Ok(outcomes);
    }
    // The function keeps `$?`, for a command such as `echo $?`.
    let mut script = format!(
        "transcript_end() {{ local status=$?; printf '\\n%s %d\\n' '{END_OF_COMMAND}' $status; \
         return $status; }}\n"
    );
    for cmd in commands {
        script.push_str(&format!("{}\ntranscript_end\n", cmd.text));
    }
    let (mut child, mut reader) = match bash(root, &script) {
        Ok(started) => started,
        Err(error) => return Err((outcomes, error)),
    };
    let (chunks, arrived) = mpsc::channel();
    thread::spawn(move || {
        let mut chunk = [0; 8192];
        while let Ok(n @ 1..) = reader.read(&mut chunk) {
            if chunks.send(chunk[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let marker = format!("\n{END_OF_COMMAND} ");
    let mut printed: Vec<u8> = Vec::new();
    let mut deadline = Instant::now() + COMMAND_TIMEOUT;
    let error = loop {
        while let Some((output, status, used)) = ended(&printed, &marker) {
            outcomes.push((output, status));
            printed.drain(..used);
            deadline = Instant::now() + COMMAND_TIMEOUT;
        }
        if outcomes.len() == commands.len() {
            break None;
        }
        match arrived.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(chunk) => printed.extend(chunk),
            Err(RecvTimeoutError::Disconnected) => break Some("the shell ended here".to_string()),
            Err(RecvTimeoutError::Timeout) => {
                break Some(format!("timed out after {} s", COMMAND_TIMEOUT.as_secs()));
            }
        }
    };
    // What the commands left running in the background ends with the shell.
    signal_group(&child, Signal::SIGKILL);
    let _ = child.wait();
    match error {
        None => Ok(outcomes),
        Some(error) => {
            let printed = String::from_utf8_lossy(&printed);
            Err((outcomes, anyhow::anyhow!("{error}; it printed:\n{printed}")))
        }
    }
}

/// What each command of a block printed, and its status.
type Outcomes = Vec<(String, i32)>;

/// The first command's output in `printed`, its status, and how many bytes
/// they took, once its end (`marker`, the status, a new line) has come.
fn ended(printed: &[u8], marker: &str) -> Option<(String, i32, usize)> {
    let at = printed.windows(marker.len()).position(|window| window == marker.as_bytes())?;
    let rest = &printed[at + marker.len()..];
    let end = rest.iter().position(|&byte| byte == b'\n')?;
    let status = String::from_utf8_lossy(&rest[..end]).parse().unwrap_or(-1);
    let output = String::from_utf8_lossy(&printed[..at]).into_owned();
    Some((output, status, at + marker.len() + end + 1))
}

/// A server started in the background; dropping it stops it.
struct Server {
    /// Its bash, leader of its process group.
    child: Child,
}

impl Server {
    /// Starts `command` and waits until it prints `listening on`: the server,
    /// and what it printed until then.
    fn start(root: &Path, command: &str) -> Result<(Server, String)> {
        let (child, reader) = bash(root, command)?;
        let mut server = Server { child };
        let printed = Arc::new(Mutex::new(String::new()));
        let (ready, is_ready) = mpsc::channel();
        let sink = Arc::clone(&printed);
        thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut bytes = Vec::new();
            while reader.read_until(b'\n', &mut bytes).is_ok_and(|n| n > 0) {
                let line = String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string();
                bytes.clear();
                let mut printed = sink.lock().unwrap();
                printed.push_str(&line);
                printed.push('\n');
                if line.contains(READY) {
                    let _ = ready.send(printed.clone());
                }
            }
        });
        let deadline = Instant::now() + SERVER_TIMEOUT;
        loop {
            match is_ready.recv_timeout(Duration::from_millis(50)) {
                Ok(printed) => return Ok((server, printed)),
                // The server closed its output: it has ended, or soon will.
                Err(RecvTimeoutError::Disconnected) => thread::sleep(Duration::from_millis(50)),
                Err(RecvTimeoutError::Timeout) => {}
            }
            let printed = printed.lock().unwrap().clone();
            if let Some(status) = server.child.try_wait()? {
                bail!("it ended ({status}) before printing `{READY}`; it printed:\n{printed}");
            }
            if Instant::now() >= deadline {
                bail!("no `{READY}` after {} s; it printed:\n{printed}", SERVER_TIMEOUT.as_secs());
            }
        }
    }
}

impl Server {
    /// Waits for the server to end by itself after Ctrl-C: what went wrong,
    /// if it does not end in time or ends with a status other than 0.
    fn after_interrupt(&mut self) -> Option<String> {
        match self.child.wait_timeout(STOP_TIMEOUT) {
            Ok(Some(status)) if status.success() => None,
            Ok(Some(status)) => Some(format!("after Ctrl-C, the server ended with {status}")),
            Ok(None) => {
                Some(format!("the server still ran {} s after Ctrl-C", STOP_TIMEOUT.as_secs()))
            }
            Err(error) => Some(format!("waiting for the server: {error}")),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        signal_group(&self.child, Signal::SIGTERM);
        let _ = self.child.wait_timeout(STOP_TIMEOUT);
        // What the server started may outlive its bash: kill the group.
        signal_group(&self.child, Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// The checker's own parser and normalizer, run as trials before the pages.
mod own {
    use super::*;

    /// Each check, by name.
    pub(super) const CHECKS: &[(&str, fn())] = &[
        (
            "parses commands, outputs and continuations",
            commands_outputs_and_continuations_are_parsed_with_their_lines,
        ),
        ("applies declarations where they stand", declarations_apply_where_they_stand),
        (
            "refuses misplaced or unknown declarations",
            misplaced_or_unknown_declarations_are_errors_with_their_line,
        ),
        ("turns what varies into placeholders", what_varies_becomes_a_placeholder),
        ("reads three dots as any lines", three_dots_stand_for_any_lines),
        ("gives a block several declarations", several_declarations_make_one_block_s_options),
        ("compares as a block's options say", a_block_s_options_shape_both_sides),
        ("runs a block in one shell", a_block_runs_in_one_shell_that_keeps_its_state),
    ];

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    fn commands_outputs_and_continuations_are_parsed_with_their_lines() {
        let page = "# T\n\n```console\n$ echo a \\\n  b\na b\n$ true\n```\n";
        let parsed = parse(page).unwrap();
        assert!(!parsed.declared);
        let Item::Block(block) = &parsed.items[0] else { panic!("not a block") };
        assert_eq!(block.line, 3);
        assert_eq!(block.mode, Mode::Compare);
        assert_eq!(
            block.commands[0],
            Cmd { line: 4, text: "echo a \\\n  b".into(), expected: lines("a b") }
        );
        assert_eq!(block.commands[1], Cmd { line: 7, text: "true".into(), expected: vec![] });
    }

    fn declarations_apply_where_they_stand() {
        let page = "<!-- transcript: server cargo run -p x -->\n```console\n$ a\n```\n\
                    <!-- transcript: skip needs a browser -->\n\n  ```console\n  $ b\n  ```\n\
                    <!-- transcript: stop -->\n<!-- transcript: server -->\n```console\n$ c\nlistening on\n```\n\
                    ```sh\nnot a console block\n```\n<!-- transcript: succeeds -->\n```console\n$ d\n```\n";
        let parsed = parse(page).unwrap();
        assert!(parsed.declared);
        let modes: Vec<_> = parsed
            .items
            .iter()
            .map(|item| match item {
                Item::Server(line, command) => format!("{line} server {command}"),
                Item::Stop(line) => format!("{line} stop"),
                Item::Block(block) => {
                    format!("{} {:?} {}", block.line, block.mode, block.commands[0].text)
                }
            })
            .collect();
        assert_eq!(
            modes,
            [
                "1 server cargo run -p x",
                "2 Compare a",
                "7 Skip(\"needs a browser\") b",
                "10 stop",
                "12 Server c",
                "20 Succeeds d",
            ]
        );
    }

    fn misplaced_or_unknown_declarations_are_errors_with_their_line() {
        let far = "<!-- transcript: skip why -->\ntext\n```console\n$ a\n```\n";
        assert!(parse(far).unwrap_err().to_string().starts_with("line 1:"));
        let unknown = "\n<!-- transcript: serve x -->\n";
        assert!(parse(unknown).unwrap_err().to_string().starts_with("line 2:"));
        let dangling = "<!-- transcript: succeeds -->\n";
        assert!(parse(dangling).is_err());
        let orphan_output = "```console\noutput\n$ a\n```\n";
        assert!(parse(orphan_output).unwrap_err().to_string().starts_with("line 2:"));
        assert!(parse("<!-- a comment -->\ntext\n").is_ok());
    }

    fn what_varies_becomes_a_placeholder() {
        let text = "Date: Sun, 29 Nov 2026 19:47:18 GMT\r\n\
                    <p>Date: Sun Nov  1 19:47:18 2026</p>\n\
                    127.0.0.1:48928 [21/Nov/2026 14:53:54.694] connected\n\
                    2026-11-21 15:04:18\n\
                    finished in 0.01s; took 10.015 s, slept 3.2 seconds\n\
                    real\t0m0.010s\n\
                    forked pid 31967\n\
                    listening on http://127.0.0.1:41559/ and 127.0.0.1:8080, [::1]:22222\n\
                    kept: 12091 0.5 8080\n  \n\n";
        assert_eq!(
            normalize(text),
            [
                "Date: <DATE>",
                "<p>Date: <DATE></p>",
                "127.0.0.1:<PORT> [<DATE> <TIME>] connected",
                "<DATE> <TIME>",
                "finished in <DURATION>; took <DURATION>, slept <DURATION>",
                "real\t<DURATION>",
                "forked pid <PID>",
                "listening on http://127.0.0.1:<PORT>/ and 127.0.0.1:8080, [::1]:22222",
                "kept: 12091 0.5 8080",
            ]
        );
    }

    fn three_dots_stand_for_any_lines() {
        let actual = lines("a\nb\nc\nd");
        assert!(matches(&lines("a\nb\nc\nd"), &actual));
        assert!(matches(&lines("a\n...\nd"), &actual));
        assert!(matches(&lines("...\nb\n...\nd\n..."), &actual));
        assert!(matches(&lines("a\nb\n...\nc\nd"), &actual));
        assert!(!matches(&lines("a\n...\nc"), &actual));
        assert!(!matches(&lines("a\nc\n...\nd"), &actual));
        assert!(!matches(&lines("a\nb\nc"), &actual));
        assert!(matches(&lines(""), &[]));
        assert!(!matches(&lines(""), &actual));
    }

    fn several_declarations_make_one_block_s_options() {
        let page = "<!-- transcript: milliseconds to 50 -->\n<!-- transcript: varies instance \\d -->\n\n\
                    <!-- transcript: any order -->\n<!-- transcript: interrupt after 1.5 s -->\n\
                    <!-- transcript: succeeds -->\n```console\n$ a\n```\n```console\n$ b\n```\n";
        let parsed = parse(page).unwrap();
        let Item::Block(block) = &parsed.items[0] else { panic!("not a block") };
        assert_eq!(block.mode, Mode::Succeeds);
        let options = Options {
            milliseconds_to: Some(50),
            varies: vec![r"instance \d".into()],
            any_order: true,
            interrupt_after: Some(Duration::from_millis(1500)),
        };
        assert_eq!(block.options, options);
        let Item::Block(next) = &parsed.items[1] else { panic!("not a block") };
        assert_eq!((&next.mode, &next.options), (&Mode::Compare, &Options::default()));
        let two_modes =
            "<!-- transcript: succeeds -->\n<!-- transcript: skip why -->\n```console\n```\n";
        assert!(parse(two_modes).unwrap_err().to_string().starts_with("line 2:"));
        let stop_between =
            "<!-- transcript: any order -->\n<!-- transcript: stop -->\n```console\n```\n";
        assert!(parse(stop_between).unwrap_err().to_string().starts_with("line 1:"));
        for wrong in ["milliseconds to 0", "milliseconds 50", "varies (", "interrupt after 1"] {
            let page = format!("<!-- transcript: {wrong} -->\n```console\n```\n");
            assert!(parse(&page).is_err(), "{wrong}");
        }
    }

    fn a_block_s_options_shape_both_sides() {
        let rounded = Options { milliseconds_to: Some(50), ..Options::default() };
        assert_eq!(
            rounded.normalize("   99 ms  a\n  301 ms  b, 24 ms\n    0 ms"),
            ["  100 ms  a", "  300 ms  b,  0 ms", "    0 ms"]
        );
        let varies = Options { varies: vec![r"^ *\d+(\.\d)?".into()], ..Options::default() };
        assert_eq!(varies.normalize("100 R    busy\n 0.0 S"), ["<VARIES> R    busy", "<VARIES> S"]);
        let any_order = Options { any_order: true, ..Options::default() };
        assert_eq!(any_order.normalize("b\na\nb"), any_order.normalize("a\nb\nb"));
        assert_ne!(any_order.normalize("b\na"), any_order.normalize("a\nb\nb"));
    }

    fn a_block_runs_in_one_shell_that_keeps_its_state() {
        let block =
            ["x=1; exec 3>/dev/null", "echo $x >&3; echo $x", "false", "echo $?", "printf end"];
        let commands: Vec<Cmd> = block
            .iter()
            .map(|text| Cmd { line: 0, text: text.to_string(), expected: vec![] })
            .collect();
        let outcomes = run_session(Path::new("."), &commands).map_err(|(_, error)| error).unwrap();
        let expected = [("", 0), ("1\n", 0), ("", 1), ("1\n", 0), ("end", 0)];
        let expected: Vec<(String, i32)> =
            expected.iter().map(|&(printed, status)| (printed.into(), status)).collect();
        assert_eq!(outcomes, expected);
        let exits: Vec<Cmd> = ["echo a", "exit 3", "echo b"]
            .iter()
            .map(|text| Cmd { line: 0, text: text.to_string(), expected: vec![] })
            .collect();
        let (outcomes, error) = run_session(Path::new("."), &exits).unwrap_err();
        assert_eq!(outcomes, [("a\n".to_string(), 0)]);
        assert!(error.to_string().starts_with("the shell ended here"), "{error}");
    }
}
