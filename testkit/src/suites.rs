//! The suites: for each program a student writes, the checks it must pass,
//! by name. `cargo test` runs them on the workspace's own programs, and
//! `cargo xtask grade` on a student's: the same checks, written once.
//!
//! A check is a function that starts the program (with [`Step::start`])
//! and panics, with what it expected and what came, when the program is
//! wrong. Checks write `assert_eq!(got, expected)`: the grader prints
//! `left` as `got` and `right` as `expected`.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::thread;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::conventions::{self, Step};
use crate::dispatcher::{self, Site};
use crate::{CANNOT_RUN_HERE, cas, clock, exercises, keepalive, steps};

/// One check of a program, by name.
pub struct Check {
    /// What it checks, as a function name says it: `head_gets_the_head_only`.
    pub name: &'static str,
    /// The check itself.
    pub run: Run,
}

/// A check's function, by what it needs to know of the program.
pub enum Run {
    /// How to start it.
    Step(fn(&Step)),
    /// How to start it, and the directory it serves by default.
    Site(fn(&Site)),
}

/// Makes `&[Check]` from functions in scope: `checks!(Step: a, b; Site: c)`.
#[macro_export]
macro_rules! checks {
    ($($kind:ident: $($name:ident),* $(,)?);* $(;)?) => {
        &[$($($crate::suites::Check {
            name: stringify!($name),
            run: $crate::suites::Run::$kind($name),
        }),*),*]
    };
}

/// The checks of one program, and the workspace's program that passes them.
pub struct Suite {
    /// The name `cargo xtask grade` takes: `step3`, `files`.
    pub name: &'static str,
    /// One line for `cargo xtask grade --list`.
    pub about: &'static str,
    /// The package of the reference program.
    pub package: &'static str,
    /// The reference program's binary.
    pub binary: &'static str,
    /// The package of the starter a student begins with, which fails the
    /// suite: a crate with `todo!()`s, or the step that an exercise changes.
    /// Its binary has its name. Empty when there is none.
    pub starter: &'static str,
    /// Flags every check passes, such as a short sleep.
    pub args: &'static [&'static str],
    /// A path the program answers with 200.
    pub ok_path: &'static str,
    /// The directory it serves under `/files/` by default, if it does.
    pub www: &'static str,
    /// Its checks, in groups: the HTTP conventions, then its own.
    pub checks: &'static [&'static [Check]],
}

/// Where the workspace is, for the steps' `www` directories.
macro_rules! workspace {
    ($path:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../", $path)
    };
}

/// What most suites leave empty: no starter, no flags, no page, no `www`.
const PLAIN: Suite = Suite {
    name: "",
    about: "",
    package: "",
    binary: "",
    starter: "",
    args: &[],
    ok_path: "",
    www: "",
    checks: &[],
};

/// Every suite, in the order of the book.
pub const SUITES: &[Suite] = &[
    Suite {
        name: "step1",
        about: "Step 1: a thread per connection answers \"Hello from HTTPSocket\" and shows the request",
        package: "step1-hello",
        binary: "step1-hello",
        ok_path: "/",
        checks: &[conventions::CHECKS, steps::STEP1],
        ..PLAIN
    },
    Suite {
        name: "step2",
        about: "Step 2: the HelloWorld service, reached over a channel, answers with the time",
        package: "step2-service",
        binary: "step2-service",
        ok_path: "/",
        checks: &[conventions::CHECKS, steps::STEP2],
        ..PLAIN
    },
    Suite {
        name: "step3",
        about: "Step 3: Sleep services on one channel; the fourth request waits for a sleeper",
        package: "step3-multi",
        binary: "step3-multi",
        args: &["--sleep", "0"],
        ok_path: "/",
        checks: &[conventions::CHECKS, steps::STEP3],
        ..PLAIN
    },
    Suite {
        name: "step4",
        about: "Step 4: a Dispatcher routes by path to registered services and serves files",
        package: "step4-dispatcher",
        binary: "step4-dispatcher",
        ok_path: "/hello.html",
        www: workspace!("step4-dispatcher/www"),
        checks: &[conventions::CHECKS, dispatcher::CHECKS],
        ..PLAIN
    },
    Suite {
        name: "step5",
        about: "Step 5: a fixed pool of workers, and a clean Ctrl-C, on step 4's Dispatcher",
        package: "step5-pool",
        binary: "step5-pool",
        ok_path: "/hello.html",
        www: workspace!("step5-pool/www"),
        checks: &[conventions::CHECKS, dispatcher::CHECKS, steps::STEP5],
        ..PLAIN
    },
    Suite {
        name: "step6",
        about: "Step 6: step 5 with HTTP/1.1 persistent connections; an idle client holds a worker",
        package: "step6-keepalive",
        binary: "step6-keepalive",
        starter: "step5-pool",
        ok_path: "/hello.html",
        www: workspace!("step6-keepalive/www"),
        checks: &[
            conventions::CHECKS,
            dispatcher::CHECKS,
            steps::STEP5,
            keepalive::CHECKS,
            keepalive::STEP6,
        ],
        ..PLAIN
    },
    Suite {
        name: "step7",
        about: "Step 7: step 6's network as tokio tasks; idle clients and sleeps hold no thread",
        package: "step7-async",
        binary: "step7-async",
        starter: "step6-keepalive",
        ok_path: "/hello.html",
        www: workspace!("step7-async/www"),
        checks: &[conventions::CHECKS, dispatcher::CHECKS, keepalive::CHECKS, keepalive::STEP7],
        ..PLAIN
    },
    Suite {
        name: "bounded-queue",
        about: "Step 4's exercise \"Bound the queues\": ten requests wait for a service, the next gets 503",
        package: "exercises",
        binary: "bounded-queue",
        starter: "step4-dispatcher",
        ok_path: "/hello.html",
        www: workspace!("step4-dispatcher/www"),
        checks: &[conventions::CHECKS, dispatcher::CHECKS, steps::BOUNDED_QUEUE],
        ..PLAIN
    },
    Suite {
        name: "refuse-when-busy",
        about: "Step 5's exercise \"Refuse instead of wait\": 503 at once while every worker is busy",
        package: "exercises",
        binary: "refuse-when-busy",
        starter: "step5-pool",
        ok_path: "/hello.html",
        www: workspace!("step5-pool/www"),
        checks: &[conventions::CHECKS, dispatcher::CHECKS, steps::REFUSE_WHEN_BUSY],
        ..PLAIN
    },
    Suite {
        name: "files",
        about: "Exercise \"Serve real files on disk\": files under /files/, byte for byte, from the root only",
        package: "exercises",
        binary: "file-server",
        starter: "my-files",
        ok_path: "/files/",
        checks: &[conventions::CHECKS, exercises::FILES],
        ..PLAIN
    },
    Suite {
        name: "mime",
        about: "Exercise \"Serve each file with its type\": the Content-Type its name says",
        package: "exercises",
        binary: "file-server",
        starter: "my-files",
        ok_path: "/files/",
        checks: &[exercises::MIME],
        ..PLAIN
    },
    Suite {
        name: "statuses",
        about: "Exercise \"Give every case its status\": 500 for a failing handler, 405 with Allow, 501, 414",
        package: "exercises",
        binary: "form-server",
        starter: "my-form",
        ok_path: "/",
        checks: &[conventions::CHECKS, exercises::STATUSES],
        ..PLAIN
    },
    Suite {
        name: "form",
        about: "Exercise \"A form sent with POST\": the form, its fields decoded and escaped, the body's limits",
        package: "exercises",
        binary: "form-server",
        starter: "my-form",
        ok_path: "/",
        checks: &[exercises::FORM],
        ..PLAIN
    },
    Suite {
        name: "cas-channels",
        about: "Exercise \"The register as a process\": pass 3 with the register kept by a thread of its own",
        package: "exercises",
        binary: "cas-channels",
        starter: "my-cas-channels",
        checks: cas::CHANNELS,
        ..PLAIN
    },
    Suite {
        name: "cas-fork",
        about: "Exercise \"A process per client\": a process per client, one register in the parent (Unix)",
        package: "exercises",
        binary: "cas-fork",
        starter: "my-cas-fork",
        checks: cas::FORK,
        ..PLAIN
    },
    Suite {
        name: "cas-busy",
        about: "Exercise \"The bad one-process solution\": one thread tries every socket, and never sleeps",
        package: "exercises",
        binary: "cas-busy",
        starter: "my-cas-busy",
        checks: cas::BUSY,
        ..PLAIN
    },
    Suite {
        name: "clock-web",
        about: "The lecture's web server: \"hello client\" at /, 404 naming any other path",
        package: "clock",
        binary: "clock-web",
        ok_path: "/",
        checks: &[conventions::CHECKS, clock::WEB],
        ..PLAIN
    },
    Suite {
        name: "swap",
        about: "Assignment \"The swap server\": two clients trade their strings; a lone one is closed",
        package: "clock",
        binary: "swap-server",
        starter: "my-swap",
        checks: &[clock::SWAP],
        ..PLAIN
    },
    Suite {
        name: "secret-number",
        about: "Assignment \"The secret number\": one right guess, then secret found for everybody",
        package: "clock",
        binary: "secret-number-server",
        starter: "my-secret-number",
        checks: &[clock::SECRET_NUMBER],
        ..PLAIN
    },
    Suite {
        name: "secret-word",
        about: "Assignment \"The secret word\": guesses in the address, one right, then secret found",
        package: "clock",
        binary: "secret-word-web",
        starter: "my-secret-word",
        args: &["--secret", "meadow"],
        ok_path: "/",
        checks: &[conventions::CHECKS, clock::SECRET_WORD],
        ..PLAIN
    },
];

/// The suite called `name`.
pub fn find(name: &str) -> Option<&'static Suite> {
    SUITES.iter().find(|suite| suite.name == name)
}

impl Suite {
    /// Its checks, in order.
    pub fn all_checks(&self) -> impl Iterator<Item = &'static Check> + use<> {
        self.checks.iter().flat_map(|group| group.iter())
    }

    /// How the checks start `binary`, which must be `'static`: the checks
    /// run on threads of their own.
    pub fn site(&self, binary: &'static str) -> Site {
        Site { step: Step { binary, args: self.args, ok_path: self.ok_path }, www: self.www }
    }
}

/// What became of a check.
#[derive(Debug)]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It failed: its message.
    Failed(String),
    /// It cannot run on this system: why.
    Skipped(String),
}

/// Runs `check` on `site`.
pub fn run(check: &Check, site: &Site) -> Outcome {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| match check.run {
        Run::Step(check) => check(&site.step),
        Run::Site(check) => check(site),
    }));
    match outcome.map_err(|payload| message(payload.as_ref())) {
        Ok(()) => Outcome::Passed,
        Err(why) => match why.strip_prefix(CANNOT_RUN_HERE) {
            Some(reason) => Outcome::Skipped(reason.to_string()),
            None => Outcome::Failed(why),
        },
    }
}

/// What a panic said.
fn message(payload: &(dyn Any + Send)) -> String {
    match (payload.downcast_ref::<String>(), payload.downcast_ref::<&str>()) {
        (Some(text), _) => text.clone(),
        (None, Some(text)) => text.to_string(),
        (None, None) => "the check panicked".into(),
    }
}

/// A line of a check's message, with `assert_eq!`'s `left` and `right`
/// named for what they are: the checks write `assert_eq!(got, expected)`.
fn plain(line: &str) -> String {
    if let Some(got) = line.strip_prefix("  left: ") {
        format!("     got: {got}")
    } else if let Some(expected) = line.strip_prefix(" right: ") {
        format!("expected: {expected}")
    } else if let Some(what) = line.strip_prefix("assertion `left == right` failed") {
        format!("wrong{what}")
    } else {
        line.to_string()
    }
}

/// A test target's `main`: runs each suite named on its binary, as one
/// libtest trial per check, so that `cargo test` takes its usual arguments.
/// With several suites, a trial's name starts with its suite's.
pub fn test_main(runs: &[(&str, &'static str)]) -> ExitCode {
    let mut trials = Vec::new();
    for &(name, binary) in runs {
        let suite = find(name).unwrap_or_else(|| panic!("no suite {name}"));
        for check in suite.all_checks() {
            let site = suite.site(binary);
            let trial =
                if runs.len() > 1 { format!("{name}: {}", check.name) } else { check.name.into() };
            trials.push(Trial::test(trial, move || match run(check, &site) {
                Outcome::Failed(why) => Err(Failed::from(why)),
                Outcome::Skipped(reason) => {
                    println!("skipped: it cannot run here: {reason}");
                    Ok(())
                }
                Outcome::Passed => Ok(()),
            }));
        }
    }
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}

/// Runs every check of `suite` on `binary`, side by side, and prints a line
/// for each, what it expected and what came under a failure, then
/// `N passed, N failed` (and `N skipped`, for checks that cannot run on this
/// system). Whether none failed.
pub fn grade(suite: &Suite, binary: &'static str) -> bool {
    // The checks' panics are their verdicts, printed here, not by the hook.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let site = suite.site(binary);
    let outcomes: Vec<Outcome> = thread::scope(|scope| {
        let runs: Vec<_> =
            suite.all_checks().map(|check| scope.spawn(|| run(check, &site))).collect();
        runs.into_iter().map(|run| run.join().expect("run catches panics")).collect()
    });
    panic::set_hook(hook);
    let (mut failed, mut skipped) = (0, 0);
    for (check, outcome) in suite.all_checks().zip(&outcomes) {
        match outcome {
            Outcome::Passed => println!("ok    {}", check.name),
            Outcome::Skipped(reason) => {
                skipped += 1;
                println!("skip  {}: it cannot run here: {reason}", check.name);
            }
            Outcome::Failed(why) => {
                failed += 1;
                println!("FAIL  {}", check.name);
                for line in why.lines() {
                    println!("        {}", plain(line));
                }
            }
        }
    }
    let passed = outcomes.len() - failed - skipped;
    match skipped {
        0 => println!("{passed} passed, {failed} failed"),
        _ => println!("{passed} passed, {failed} failed, {skipped} skipped"),
    }
    failed == 0
}
