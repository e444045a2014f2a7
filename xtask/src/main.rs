//! The workspace's own tasks, run as `cargo xtask TASK`: the book and its
//! checks, the drawings and diffs it shows, its transcripts, the grader, the
//! reliability battery, the browser check and the benchmark. `cargo xtask --help` says
//! what each does.

#[cfg(target_os = "linux")]
mod bench;
mod book;
mod browser;
mod drawings;
mod export;
mod grade;
mod tools;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

/// The command line of `cargo xtask`.
#[derive(Parser)]
#[command(
    about = "Tasks of the workspace: the book and its checks, the battery, the browser check, the bench."
)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    task: Task,
}

/// The tasks.
#[derive(Subcommand)]
enum Task {
    /// Check the book's includes and diffs, then build it into mdbook/book.
    Book {
        /// Open the built book in a browser.
        #[arg(long)]
        open: bool,
    },
    /// Regenerate the diffs between consecutive steps (mdbook/src/diffs).
    Diffs,
    /// Regenerate the drawings (mdbook/src/drawings) from their sources (mdbook/drawings).
    Drawings,
    /// Check the book's includes, diffs and drawings without building it.
    Check,
    /// Open every book page (from file:// and through step 7) and every server page in Chromium.
    Browser,
    /// Run the reliability battery: bad input and bad manners against every server.
    Battery {
        /// libtest's flags and filter, such as `--list` or `step5`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the book's console blocks against the programs and compare what they print with the pages.
    Transcripts {
        /// libtest's flags and filter, such as `--list` or `step1-hello`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Grade a program with a suite of checks over TCP: `grade step3 --bin PATH`.
    Grade {
        /// The suite: `cargo xtask grade --list` lists them.
        #[arg(required_unless_present_any = ["list", "references", "starters"])]
        suite: Option<String>,
        /// The program to grade.
        #[arg(long, value_name = "PATH", conflicts_with = "package")]
        bin: Option<PathBuf>,
        /// Build this package of the workspace first, and grade its binary of the same name.
        #[arg(long = "crate", value_name = "NAME", required_unless_present_any = ["bin", "list", "references", "starters"])]
        package: Option<String>,
        /// List the suites, one line each.
        #[arg(long, exclusive = true)]
        list: bool,
        /// Grade every suite's reference program, the workspace's own: each must pass.
        #[arg(long, exclusive = true)]
        references: bool,
        /// Grade every suite's starter: each must fail.
        #[arg(long, exclusive = true)]
        starters: bool,
    },
    /// Copy the course to DIR without its solutions, for a teacher to hand out.
    Export {
        /// Where to write it: a directory that does not exist yet.
        dir: PathBuf,
    },
    /// Load every web server with wrk beside its peers, hammer cas; write tables and charts under target/bench.
    Bench {
        /// Seconds each load lasts (shorter for a trial).
        #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        seconds: u64,
        /// Measure only these servers (names as in the tables, comma-separated).
        #[arg(long, value_name = "NAMES", value_delimiter = ',')]
        only: Vec<String>,
        /// Words for the captions, such as "while other builds ran".
        #[arg(long)]
        note: Option<String>,
        /// Also write the performance chapter's tables, charts and quoted figures.
        #[arg(long)]
        update_book: bool,
    },
}

fn main() -> ExitCode {
    let root = workspace_root();
    let result = match Cli::parse().task {
        Task::Book { open } => book::check(&root).and_then(|()| tools::build_book(&root, open)),
        Task::Diffs => book::write_diffs(&root),
        Task::Drawings => drawings::write_all(&root),
        Task::Check => book::check(&root),
        Task::Browser => browser::run(&root),
        Task::Battery { args } => tools::run(
            Command::new(tools::cargo())
                .current_dir(&root)
                .args(["test", "-p", "xtask", "--test", "battery", "--"])
                .args(args),
        ),
        Task::Transcripts { args } => tools::run(
            Command::new(tools::cargo())
                .current_dir(&root)
                .args(["test", "-p", "xtask", "--test", "transcripts", "--"])
                .args(args),
        ),
        Task::Grade { list: true, .. } => {
            grade::list();
            Ok(())
        }
        Task::Grade { references: true, .. } => grade::references(&root),
        Task::Grade { starters: true, .. } => grade::starters(&root),
        Task::Grade { suite, bin, package, .. } => {
            let target = match (bin, package) {
                (Some(path), _) => grade::Target::Binary(path),
                (None, Some(name)) => grade::Target::Package(name),
                (None, None) => unreachable!("clap requires --bin or --crate"),
            };
            grade::grade(&root, suite.as_deref().unwrap_or_default(), &target)
        }
        Task::Export { dir } => export::run(&root, &dir),
        #[cfg(target_os = "linux")]
        Task::Bench { seconds, only, note, update_book } => {
            bench::run(&root, &bench::Options { seconds, only, note, update_book })
        }
        #[cfg(not(target_os = "linux"))]
        Task::Bench { .. } => {
            Err(anyhow::anyhow!("the bench reads Linux's /proc: run it on Linux"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace's top directory: the one above this crate.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}
