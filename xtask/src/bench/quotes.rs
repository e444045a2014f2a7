//! The figures that the performance chapter's prose quotes, each under an
//! anchor of `figures.md`, so that a sentence and the tables beside it always
//! come from the same run.

use super::report::{mib, run_at, thousands};
use super::{Results, TARGET_CONNECTIONS};

/// `(anchor, text)` of every quoted figure; a figure not measured reads `–`.
pub fn all(results: &Results) -> Vec<(&'static str, String)> {
    let web = |server| run_at(&results.web, server, TARGET_CONNECTIONS);
    let ratio = |ours, theirs| {
        let (ours, theirs) = (web(ours)?, web(theirs)?);
        Some(format!("{:.2}", ours.outcome.rate() / theirs.outcome.rate()))
    };
    let figure = |value: Option<String>| value.unwrap_or_else(|| "–".into());
    vec![
        ("step5-nginx-ratio", figure(ratio("step5-pool", "nginx"))),
        ("step1-naive-ratio", figure(ratio("step1-hello", "naive-threads"))),
        ("step1-pycsp-ratio", figure(ratio("step1-hello", "pycsp-step1"))),
        ("step5-pycsp-ratio", figure(ratio("step5-pool", "pycsp-step5"))),
        ("step5-rate", figure(web("step5-pool").map(|run| thousands(run.outcome.rate())))),
        ("step5-mib", figure(web("step5-pool").map(|run| mib(run.peak_rss_kib)))),
    ]
}
