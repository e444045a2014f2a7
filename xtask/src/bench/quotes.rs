//! The figures that the performance chapter's prose quotes, each under an
//! anchor of `figures.md`, so that a sentence and the tables beside it always
//! come from the same run. A sentence includes one in place, as
//! `{{#include perf/figures.md:step5-rate}}`: mdBook puts the text there,
//! with no line break.
//!
//! A quote that compares names what the run found (the fastest server, a
//! ratio); the verdicts met or missed stay in the targets table alone.

use super::report::{mib, ms, run_at, thousands};
use super::{PEERS, Results, Run, TARGET_CLIENTS, TARGET_CONNECTIONS};

/// `(anchor, text)` of every quoted figure; a figure not measured reads `–`.
/// Figures without a connection count in their anchor are at
/// [`TARGET_CONNECTIONS`], the cas passes' at [`TARGET_CLIENTS`].
pub fn all(results: &Results) -> Vec<(&'static str, String)> {
    let at = TARGET_CONNECTIONS;
    let web = |server, connections, figure: fn(&Run) -> String| {
        shown(run_at(&results.web, server, connections).map(figure))
    };
    let cas = |pass, figure: fn(&Run) -> String| {
        shown(run_at(&results.hammer, pass, TARGET_CLIENTS).map(figure))
    };
    // `figure` of `ours` over the same figure of `theirs`, at `at` connections.
    let ratio = |ours, theirs, figure: fn(&Run) -> Option<f64>| {
        let of = |server| figure(run_at(&results.web, server, at)?);
        shown(of(ours).zip(of(theirs)).map(|(ours, theirs)| times(ours / theirs)))
    };
    let switches = |server| {
        let profile = results.profiles.iter().find(|profile| profile.server == server);
        shown(profile.map(|profile| format!("{:.2}", profile.switches)))
    };
    let loads = || results.web.iter().filter(|run| run.connections == at);
    let by_rate = |one: &&Run, other: &&Run| one.outcome.rate().total_cmp(&other.outcome.rate());
    let ours = |run: &&Run| PEERS.iter().all(|peer| peer.name != run.server);
    let name = |run: Option<&Run>| shown(run.map(|run| format!("`{}`", run.server)));
    let rate = |run: &Run| thousands(run.outcome.rate());
    let cpu = |run: &Run| format!("{:.0}", run.cpu_us());
    let threads = |run: &Run| run.peak_threads.to_string();
    let memory = |run: &Run| mib(run.peak_rss_kib);
    let requests = |run: &Run| thousands(run.outcome.requests as f64);
    let seconds = |run: &Run| format!("{:.2}", run.outcome.seconds);
    let per_second = |run: &Run| Some(run.outcome.rate());
    vec![
        ("fastest", name(loads().max_by(by_rate))),
        ("fastest-ours", name(loads().filter(ours).max_by(by_rate))),
        ("slowest", name(loads().min_by(by_rate))),
        ("step1-threads", web("step1-hello", at, threads)),
        ("step1-threads-256", web("step1-hello", 256, threads)),
        ("step1-mib-1", web("step1-hello", 1, memory)),
        ("step1-mib-256", web("step1-hello", 256, memory)),
        ("step5-mib-1", web("step5-pool", 1, memory)),
        ("step5-mib-256", web("step5-pool", 256, memory)),
        ("nginx-mib", web("nginx", at, memory)),
        ("step1-cpu", web("step1-hello", at, cpu)),
        ("step4-cpu", web("step4-dispatcher", at, cpu)),
        ("step5-cpu", web("step5-pool", at, cpu)),
        ("nginx-cpu", web("nginx", at, cpu)),
        ("python-cpu", web("python", at, cpu)),
        ("step1-switches", switches("step1-hello")),
        ("step2-switches", switches("step2-service")),
        ("step4-switches", switches("step4-dispatcher")),
        ("step5-switches", switches("step5-pool")),
        ("nginx-switches", switches("nginx")),
        ("step5-rate", web("step5-pool", at, rate)),
        ("nginx-rate", web("nginx", at, rate)),
        ("step5-nginx-ratio", ratio("step5-pool", "nginx", per_second)),
        ("step5-nginx-cpu-ratio", ratio("step5-pool", "nginx", |run| Some(run.cpu_us()))),
        ("step5-nginx-p99-ratio", ratio("step5-pool", "nginx", |run| run.outcome.p99_ms)),
        ("step1-naive-ratio", ratio("step1-hello", "naive-threads", per_second)),
        ("step5-p99-256", web("step5-pool", 256, |run| ms(run.outcome.p99_ms))),
        ("step5-errors-256", web("step5-pool", 256, |run| thousands(run.outcome.errors as f64))),
        ("step5-requests-256", web("step5-pool", 256, requests)),
        ("step1-pycsp-ratio", ratio("step1-hello", "pycsp-step1", per_second)),
        ("step5-pycsp-ratio", ratio("step5-pool", "pycsp-step5", per_second)),
        ("pycsp-step1-cpu", web("pycsp-step1", at, cpu)),
        ("pycsp-step5-cpu", web("pycsp-step5", at, cpu)),
        ("pycsp-step1-threads", web("pycsp-step1", at, threads)),
        ("pycsp-step5-threads", web("pycsp-step5", at, threads)),
        ("step5-threads", web("step5-pool", at, threads)),
        ("pycsp-step1-mib", web("pycsp-step1", at, memory)),
        ("pycsp-step5-mib", web("pycsp-step5", at, memory)),
        ("step1-mib", web("step1-hello", at, memory)),
        ("step5-mib", web("step5-pool", at, memory)),
        ("cas2-seconds", cas("cas-pass2", seconds)),
        ("cas3-seconds", cas("cas-pass3", seconds)),
        ("cas4-seconds", cas("cas-pass4", seconds)),
        ("cas2-requests", cas("cas-pass2", requests)),
        ("cas3-requests", cas("cas-pass3", requests)),
        ("cas4-requests", cas("cas-pass4", requests)),
        ("cas3-rate", cas("cas-pass3", rate)),
        ("cas4-rate", cas("cas-pass4", rate)),
        ("cas3-cpu", cas("cas-pass3", cpu)),
        ("cas4-cpu", cas("cas-pass4", cpu)),
    ]
}

/// A ratio: two decimals below 10, as the targets table writes it, a whole
/// number above.
fn times(ratio: f64) -> String {
    if ratio < 10.0 { format!("{ratio:.2}") } else { thousands(ratio) }
}

/// The figure, or `–` if it was not measured.
fn shown(figure: Option<String>) -> String {
    figure.unwrap_or_else(|| "–".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_anchor_is_unique_and_a_figure_not_measured_reads_a_dash() {
        let quotes = all(&Results::default());
        let mut anchors: Vec<&str> = quotes.iter().map(|(anchor, _)| *anchor).collect();
        anchors.sort_unstable();
        anchors.dedup();
        assert_eq!(anchors.len(), quotes.len());
        assert!(quotes.iter().all(|(_, text)| text == "–"));
    }

    #[test]
    fn ratios_are_written_as_the_targets_table_writes_them() {
        assert_eq!(
            (times(0.567), times(9.994), times(1234.4)),
            ("0.57".into(), "9.99".into(), "1,234".into())
        );
    }
}
