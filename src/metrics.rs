//! Counters and histograms the service exposes at `/metrics`, in Prometheus text format.
//! Plain atomics: recording costs a few nanoseconds and never takes a lock.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds, in seconds, of the fetch-duration buckets: EQDKP answers in tens of
/// milliseconds when healthy, and the timeout caps a read at 25 s.
const BUCKETS: [f64; 10] = [0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0];

/// A Prometheus histogram of durations.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, duration: Duration) {
        let seconds = duration.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// How many observations there were.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        // An observation made while this runs may be in some counters and not yet in others;
        // carrying the running maximum keeps the buckets cumulative, as Prometheus requires.
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative = bucket.load(Ordering::Relaxed).max(cumulative);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count().max(cumulative);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
    }
}

/// Reads of the EQDKP site, by outcome.
#[derive(Debug, Default)]
pub struct Fetches {
    /// Reads that gave a roster.
    pub ok: Histogram,
    /// Reads that failed.
    pub failed: Histogram,
}

/// Which integration a request came from, as far as it could be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A slash command.
    Slash = 0,
    /// An outgoing webhook.
    Webhook = 1,
    /// Not a Mattermost request, or not readable enough to tell.
    Unknown = 2,
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with 200.
    Answered = 0,
    /// Refused for a missing or wrong token.
    Unauthorized = 1,
    /// Refused as unreadable: bad body, wrong type, too big, wrong route or method.
    Invalid = 2,
}

const KINDS: [&str; 3] = ["slash", "webhook", "unknown"];
const OUTCOMES: [&str; 3] = ["answered", "unauthorized", "invalid"];

/// Everything `/metrics` reports about requests.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: [[AtomicU64; 3]; 3],
}

/// What the standings cache reports for `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StandingsGauges {
    /// Seconds since the cached standings were read, if there are any.
    pub age_seconds: Option<f64>,
    /// Whether the last read failed.
    pub stale: bool,
    /// Characters in the cached roster.
    pub characters: usize,
    /// Pools in the cached roster.
    pub pools: usize,
}

impl Metrics {
    /// Counts one request.
    pub fn request(&self, kind: RequestKind, outcome: Outcome) {
        self.requests[kind as usize][outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self, fetches: &Fetches, standings: StandingsGauges) -> String {
        let mut out = String::with_capacity(4096);
        self.write_requests(&mut out);

        header(
            &mut out,
            "fetch_duration_seconds",
            "histogram",
            "Reads of the EQDKP site by outcome, and how long they took.",
        );
        fetches.ok.write(
            &mut out,
            "mattermost_eqdkp_fetch_duration_seconds",
            "outcome=\"ok\"",
        );
        fetches.failed.write(
            &mut out,
            "mattermost_eqdkp_fetch_duration_seconds",
            "outcome=\"error\"",
        );

        gauge(
            &mut out,
            "standings_loaded",
            "Whether standings have been read.",
            f64::from(u8::from(standings.age_seconds.is_some())),
        );
        if let Some(age) = standings.age_seconds {
            gauge(
                &mut out,
                "standings_age_seconds",
                "Seconds since the cached standings were read.",
                age,
            );
        }
        gauge(
            &mut out,
            "standings_stale",
            "Whether the last read of the site failed.",
            f64::from(u8::from(standings.stale)),
        );
        gauge(
            &mut out,
            "roster_characters",
            "Characters in the cached roster.",
            standings.characters as f64,
        );
        gauge(
            &mut out,
            "roster_pools",
            "Points pools in the cached roster.",
            standings.pools as f64,
        );
        out
    }

    fn write_requests(&self, out: &mut String) {
        header(
            out,
            "requests_total",
            "counter",
            "Requests by integration kind and outcome.",
        );
        for (kind, counts) in KINDS.iter().zip(&self.requests) {
            for (outcome, count) in OUTCOMES.iter().zip(counts) {
                let n = count.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "mattermost_eqdkp_requests_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }

        let rejected: u64 = self
            .requests
            .iter()
            .map(|c| c[Outcome::Unauthorized as usize].load(Ordering::Relaxed))
            .sum();
        header(
            out,
            "rejected_tokens_total",
            "counter",
            "Requests refused for a missing or wrong token.",
        );
        let _ = writeln!(out, "mattermost_eqdkp_rejected_tokens_total {rejected}");
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP mattermost_eqdkp_{name} {help}");
    let _ = writeln!(out, "# TYPE mattermost_eqdkp_{name} {kind}");
}

fn gauge(out: &mut String, name: &str, help: &str, value: f64) {
    header(out, name, "gauge", help);
    let _ = writeln!(out, "mattermost_eqdkp_{name} {value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_millis(40));
        histogram.observe(Duration::from_secs(3));
        let mut out = String::new();
        histogram.write(&mut out, "x", "outcome=\"ok\"");
        assert!(out.contains("x_bucket{outcome=\"ok\",le=\"0.025\"} 0\n"));
        assert!(out.contains("x_bucket{outcome=\"ok\",le=\"0.05\"} 1\n"));
        assert!(out.contains("x_bucket{outcome=\"ok\",le=\"5\"} 2\n"));
        assert!(out.contains("x_bucket{outcome=\"ok\",le=\"+Inf\"} 2\n"));
        assert!(out.contains("x_sum{outcome=\"ok\"} 3.04\n"));
        assert!(out.contains("x_count{outcome=\"ok\"} 2\n"));
    }

    #[test]
    fn requests_are_counted_by_kind_and_outcome() {
        let metrics = Metrics::default();
        metrics.request(RequestKind::Slash, Outcome::Answered);
        metrics.request(RequestKind::Webhook, Outcome::Unauthorized);
        metrics.request(RequestKind::Slash, Outcome::Unauthorized);
        let text = metrics.render(&Fetches::default(), StandingsGauges::default());
        assert!(
            text.contains(
                "mattermost_eqdkp_requests_total{kind=\"slash\",outcome=\"answered\"} 1\n"
            )
        );
        assert!(text.contains(
            "mattermost_eqdkp_requests_total{kind=\"webhook\",outcome=\"unauthorized\"} 1\n"
        ));
        assert!(text.contains("mattermost_eqdkp_rejected_tokens_total 2\n"));
        assert!(text.contains("mattermost_eqdkp_standings_loaded 0\n"));
        assert!(
            !text.contains("standings_age_seconds "),
            "no age without standings"
        );
    }
}
