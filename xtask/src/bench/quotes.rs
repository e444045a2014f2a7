//! The figures that the performance chapter's prose quotes, each under an
//! anchor of `figures.md`, so that a sentence and the tables beside it always
//! come from the same run. A sentence includes one in place, as
//! `{{#include perf/figures.md:step5-rate}}`: mdBook puts the text there,
//! with no line break.
//!
//! A quote that compares names what the run found (the fastest server, a
//! ratio); the verdicts met or missed stay in the targets table alone.

use super::idle::Idle;
use super::load::Mode;
use super::report::{mib, ms, run_at, run_in, thousands};
use super::{PEERS, Results, Run, TARGET_CLIENTS, TARGET_CONNECTIONS};

/// `(anchor, text)` of every quoted figure; a figure not measured reads `–`.
/// Figures without a connection count in their anchor are at
/// [`TARGET_CONNECTIONS`], the cas passes' at [`TARGET_CLIENTS`]; figures
/// without `keepalive` in their anchor are of loads with `Connection: close`.
pub fn all(results: &Results) -> Vec<(&'static str, String)> {
    let mut quotes = closing(results);
    quotes.extend(kept_alive(results));
    quotes.extend(idle(results.idle.as_ref()));
    quotes
}

/// The figures of the loads with `Connection: close` and of the hammer.
fn closing(results: &Results) -> Vec<(&'static str, String)> {
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
    let loads = || {
        let closing = |run: &&Run| run.mode == Some(Mode::Close);
        results.web.iter().filter(move |run| run.connections == at).filter(closing)
    };
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
        ("step5-rate-8", web("step5-pool", 8, rate)),
        ("step6-rate", web("step6-keepalive", at, rate)),
        ("step6-cpu", web("step6-keepalive", at, cpu)),
        ("step7-rate", web("step7-async", at, rate)),
        ("step7-cpu", web("step7-async", at, cpu)),
        ("step7-threads", web("step7-async", at, threads)),
        ("step7-mib", web("step7-async", at, memory)),
        ("step7-nginx-ratio", ratio("step7-async", "nginx", per_second)),
        ("step7-nginx-p99-ratio", ratio("step7-async", "nginx", |run| run.outcome.p99_ms)),
        ("step7-nginx-cpu-ratio", ratio("step7-async", "nginx", |run| Some(run.cpu_us()))),
    ]
}

/// The figures of the loads with keep-alive, and how they compare with
/// those with `Connection: close`.
fn kept_alive(results: &Results) -> Vec<(&'static str, String)> {
    let at = TARGET_CONNECTIONS;
    let load = |server, mode, connections| run_in(&results.web, server, mode, connections);
    let web = |server, connections, figure: fn(&Run) -> String| {
        shown(load(server, Mode::KeepAlive, connections).map(figure))
    };
    // `figure` of `ours` over the same figure of `theirs`, each in its mode.
    let ratio =
        |(ours, our_mode, connections), (theirs, their_mode), figure: fn(&Run) -> Option<f64>| {
            let of = |server, mode| figure(load(server, mode, connections)?);
            shown(
                of(ours, our_mode)
                    .zip(of(theirs, their_mode))
                    .map(|(ours, theirs)| times(ours / theirs)),
            )
        };
    let (close, keep_alive) = (Mode::Close, Mode::KeepAlive);
    let rate = |run: &Run| thousands(run.outcome.rate());
    let cpu = |run: &Run| format!("{:.0}", run.cpu_us());
    let p99 = |run: &Run| ms(run.outcome.p99_ms);
    let per_second = |run: &Run| Some(run.outcome.rate());
    let p99_ms = |run: &Run| run.outcome.p99_ms;
    vec![
        ("step5-keepalive-rate", web("step5-pool", at, rate)),
        ("step6-keepalive-rate", web("step6-keepalive", at, rate)),
        ("step6-keepalive-rate-8", web("step6-keepalive", 8, rate)),
        ("step6-keepalive-cpu", web("step6-keepalive", at, cpu)),
        ("step7-keepalive-rate", web("step7-async", at, rate)),
        ("step7-keepalive-cpu", web("step7-async", at, cpu)),
        ("step7-keepalive-p99", web("step7-async", at, p99)),
        ("nginx-keepalive-rate", web("nginx", at, rate)),
        ("nginx-keepalive-cpu", web("nginx", at, cpu)),
        ("nginx-keepalive-p99", web("nginx", at, p99)),
        (
            "step6-keepalive-step5-ratio-8",
            ratio(("step6-keepalive", keep_alive, 8), ("step5-pool", close), per_second),
        ),
        (
            "step6-keepalive-close-ratio",
            ratio(("step6-keepalive", keep_alive, at), ("step6-keepalive", close), per_second),
        ),
        (
            "step7-keepalive-close-ratio",
            ratio(("step7-async", keep_alive, at), ("step7-async", close), per_second),
        ),
        (
            "nginx-keepalive-close-ratio",
            ratio(("nginx", keep_alive, at), ("nginx", close), per_second),
        ),
        (
            "step7-keepalive-nginx-ratio",
            ratio(("step7-async", keep_alive, at), ("nginx", keep_alive), per_second),
        ),
        (
            "step7-keepalive-nginx-p99-ratio",
            ratio(("step7-async", keep_alive, at), ("nginx", keep_alive), p99_ms),
        ),
        (
            "step7-keepalive-step6-ratio",
            ratio(("step7-async", keep_alive, at), ("step6-keepalive", keep_alive), per_second),
        ),
    ]
}

/// The figures of step 7 with idle connections.
fn idle(idle: Option<&Idle>) -> Vec<(&'static str, String)> {
    let figure = |figure: fn(&Idle) -> String| shown(idle.map(figure));
    vec![
        ("idle-connections", figure(|idle| thousands(idle.connections as f64))),
        ("idle-still-open", figure(|idle| thousands(idle.still_open as f64))),
        ("idle-open-seconds", figure(|idle| format!("{:.1}", idle.open_seconds))),
        ("idle-request-ms", figure(|idle| ms(Some(idle.median_ms())))),
        ("idle-request-max-ms", figure(|idle| ms(Some(idle.max_ms())))),
        ("idle-mib", figure(|idle| mib(idle.rss_kib))),
        ("idle-peak-mib", figure(|idle| mib(idle.peak_kib))),
        ("idle-threads", figure(|idle| idle.threads.to_string())),
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

    /// A load of `server` in `mode` at `connections`, at `rate` requests per second.
    fn load(server: &'static str, mode: Mode, connections: u32, rate: f64) -> Run {
        let outcome = super::super::load::Outcome {
            requests: (rate * 10.0) as u64,
            seconds: 10.0,
            p50_ms: Some(1.0),
            p99_ms: Some(rate / 10_000.0),
            errors: 0,
        };
        Run {
            server,
            what: "/",
            mode: Some(mode),
            connections,
            outcome,
            peak_threads: 9,
            peak_rss_kib: 4096,
            cpu_seconds: 1.0,
        }
    }

    #[test]
    fn a_quote_takes_the_loads_of_its_own_mode() {
        let (close, kept) = (Mode::Close, Mode::KeepAlive);
        let web = vec![
            load("nginx", close, 64, 20_000.0),
            load("nginx", kept, 64, 50_000.0),
            load("step5-pool", close, 8, 4_000.0),
            load("step6-keepalive", kept, 8, 14_000.0),
            load("step7-async", close, 64, 10_000.0),
            load("step7-async", kept, 64, 40_000.0),
        ];
        let quotes = all(&Results { web, ..Results::default() });
        let quote = |anchor| &quotes.iter().find(|(name, _)| *name == anchor).unwrap().1;
        assert_eq!(quote("fastest"), "`nginx`");
        assert_eq!(quote("fastest-ours"), "`step7-async`");
        assert_eq!(quote("nginx-rate"), "20,000");
        assert_eq!(quote("step7-nginx-ratio"), "0.50");
        assert_eq!(quote("step7-keepalive-nginx-ratio"), "0.80");
        assert_eq!(quote("step7-keepalive-nginx-p99-ratio"), "0.80");
        assert_eq!(quote("nginx-keepalive-rate"), "50,000");
        assert_eq!(quote("step7-keepalive-close-ratio"), "4.00");
        assert_eq!(quote("step6-keepalive-step5-ratio-8"), "3.50");
        assert_eq!(quote("step5-rate-8"), "4,000");
        assert_eq!(quote("idle-request-max-ms"), "–");
    }

    #[test]
    fn ratios_are_written_as_the_targets_table_writes_them() {
        assert_eq!(
            (times(0.567), times(9.994), times(1234.4)),
            ("0.57".into(), "9.99".into(), "1,234".into())
        );
    }
}
