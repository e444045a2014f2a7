//! Fuzzing of the parsers that read what the network sends: the request-head
//! parser of the web servers (`tests/http_head.rs`) and the line parser and
//! line buffer of the compare-and-swap servers (`tests/cas_line.rs`).
//!
//! cargo-fuzz needs a nightly toolchain, so the fuzzing here is done with
//! proptest on stable: strategies make arbitrary bytes, and valid input
//! mutated at random, and each property must hold for all of them. A plain
//! `cargo test` runs each property on a few hundred cases, in a few seconds;
//! CI runs each for longer by setting [`BUDGET_VARIABLE`].

use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The environment variable that makes each property run for that many
/// seconds (fractions allowed), batch after batch of cases, rather than once.
pub const BUDGET_VARIABLE: &str = "FUZZ_SECONDS";

/// Checks `property` on values made by `strategy`: one batch of cases
/// (proptest's 256, or `PROPTEST_CASES`), or batches until the budget in
/// [`BUDGET_VARIABLE`] is spent. Each batch starts from a fresh random seed.
/// Panics with the smallest failing value that proptest's shrinking finds.
pub fn check<S>(name: &str, strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let budget = budget();
    let started = Instant::now();
    let mut cases = 0;
    loop {
        // No regression files: a failure prints the value that fails, which is what a reader needs.
        let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::default() });
        if let Err(failure) = runner.run(&strategy, &property) {
            panic!("{name}: {failure}");
        }
        cases += u64::from(runner.config().cases);
        if started.elapsed() >= budget {
            break;
        }
    }
    println!("{name}: {cases} cases in {:.1?}", started.elapsed());
}

/// How long each property runs: [`BUDGET_VARIABLE`] seconds, or one batch.
fn budget() -> Duration {
    let Ok(text) = std::env::var(BUDGET_VARIABLE) else {
        return Duration::ZERO;
    };
    let seconds = text.parse().ok().and_then(|seconds| Duration::try_from_secs_f64(seconds).ok());
    seconds.unwrap_or_else(|| panic!("{BUDGET_VARIABLE}={text:?} is not a number of seconds"))
}
