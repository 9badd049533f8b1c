//! What a run measured, and how it is printed: per-turn statistics, the server's RSS and
//! Prometheus metrics, the table and the tab-separated `RESULT` line.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::Percentiles;

#[derive(Default)]
pub struct Stats {
    /// End-to-end latency of each measured turn, microseconds.
    pub latencies_us: Vec<u32>,
    /// Answers to turns received inside the measurement window.
    pub turns_done: u64,
    pub signals: u64,
    /// Errors by status name: per-turn `TurnError`s and broken streams.
    pub errors: BTreeMap<String, u64>,
}

impl Stats {
    pub fn merge(&mut self, other: Stats) {
        self.latencies_us.extend(other.latencies_us);
        self.turns_done += other.turns_done;
        self.signals += other.signals;
        for (code, n) in other.errors {
            *self.errors.entry(code).or_default() += n;
        }
    }

    pub fn error(&mut self, code: impl Into<String>) {
        *self.errors.entry(code.into()).or_default() += 1;
    }

    pub fn error_summary(&self) -> String {
        if self.errors.is_empty() {
            return "none".into();
        }
        self.errors
            .iter()
            .map(|(code, n)| format!("{code}:{n}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Percentiles of latencies kept in microseconds.
pub fn percentiles(latencies_us: &[u32]) -> Option<Percentiles> {
    let mut ms: Vec<f64> = latencies_us
        .iter()
        .map(|&us| f64::from(us) / 1000.0)
        .collect();
    Percentiles::of(&mut ms)
}

/// VmRSS of a process, in KiB.
pub fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub fn mib(kib: Option<u64>) -> String {
    kib.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// Reads gauges from a Prometheus text endpoint with a bare HTTP/1.0 GET.
pub async fn scrape(addr: &Option<String>, names: &[&str]) -> Vec<(String, f64)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(addr) = addr else { return Vec::new() };
    let fetch = async {
        let mut socket = tokio::net::TcpStream::connect(addr.as_str()).await.ok()?;
        socket
            .write_all(format!("GET /metrics HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .ok()?;
        let mut body = String::new();
        socket.read_to_string(&mut body).await.ok()?;
        Some(body)
    };
    let Ok(Some(body)) = tokio::time::timeout(Duration::from_secs(5), fetch).await else {
        return Vec::new();
    };
    names
        .iter()
        .filter_map(|name| {
            let line = body.lines().find(|l| l.starts_with(&format!("{name} ")))?;
            let value = line.split_whitespace().nth(1)?.parse().ok()?;
            Some((name.to_string(), value))
        })
        .collect()
}

/// Histogram sums and counts the server exports; their deltas over a run say where its time went.
pub const SERVER_SUMS: &[&str] = &[
    "rapport_batch_size_sum",
    "rapport_batch_size_count",
    "rapport_inference_seconds_sum",
    "rapport_turn_seconds_sum",
    "rapport_turn_seconds_count",
];

/// What the server's own metrics say about one run.
pub struct ServerView {
    batches: f64,
    mean_batch: f64,
    /// Share of the run's wall time the inference thread spent in model runs.
    inference_busy: f64,
    /// Model time per utterance, ms.
    model_ms_per_utterance: f64,
    /// Mean receipt → assessment time on the server, ms.
    server_turn_ms: f64,
}

impl ServerView {
    pub fn between(
        before: &[(String, f64)],
        after: &[(String, f64)],
        wall_secs: f64,
    ) -> Option<Self> {
        let delta = |name: &str| -> Option<f64> {
            let get = |v: &[(String, f64)]| v.iter().find(|(n, _)| n == name).map(|(_, x)| *x);
            Some(get(after)? - get(before).unwrap_or(0.0))
        };
        let utterances = delta("rapport_batch_size_sum")?;
        let batches = delta("rapport_batch_size_count")?;
        let inference = delta("rapport_inference_seconds_sum")?;
        let turn_sum = delta("rapport_turn_seconds_sum")?;
        let turns = delta("rapport_turn_seconds_count")?;
        if batches <= 0.0 || utterances <= 0.0 {
            return None;
        }
        Some(Self {
            batches,
            mean_batch: utterances / batches,
            inference_busy: inference / wall_secs,
            model_ms_per_utterance: inference * 1000.0 / utterances,
            server_turn_ms: if turns > 0.0 {
                turn_sum * 1000.0 / turns
            } else {
                f64::NAN
            },
        })
    }

    pub fn describe(&self) -> String {
        format!(
            "{:.0} model runs, mean batch {:.1}, inference thread busy {:.0}%, model {:.2} ms/utterance, server turn time mean {:.2} ms",
            self.batches,
            self.mean_batch,
            self.inference_busy * 100.0,
            self.model_ms_per_utterance,
            self.server_turn_ms
        )
    }

    pub fn compact(&self) -> String {
        format!(
            "batch={:.1} busy={:.0}% model_ms/utt={:.2} server_ms={:.2}",
            self.mean_batch,
            self.inference_busy * 100.0,
            self.model_ms_per_utterance,
            self.server_turn_ms
        )
    }
}

/// The rows a load or fill table starts with.
pub fn head_rows(target: &str, streams: usize, connections: usize) -> Vec<(&'static str, String)> {
    vec![
        ("target", target.to_string()),
        (
            "streams / connections",
            format!("{streams} / {connections}"),
        ),
    ]
}

/// The server's RSS before and after a run.
pub fn rss_row(before: Option<u64>, after: Option<u64>) -> (&'static str, String) {
    let change = format!("{} MiB before, {} MiB after", mib(before), mib(after));
    ("server RSS", change)
}

pub fn print_table(title: &str, rows: &[(&str, String)]) {
    println!();
    println!("{title}");
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in rows {
        println!("  {key:<width$}  {value}");
    }
}

/// One tab-separated line for scripts:
/// RESULT label turns/s signals/s p50 p90 p99 max errors rss_mib extra
#[allow(clippy::too_many_arguments)]
pub fn print_result(
    label: &str,
    turns_per_s: f64,
    signals_per_s: f64,
    latency: &Option<Percentiles>,
    errors: &str,
    rss: Option<u64>,
    extra: &str,
) {
    let ms = |f: fn(&Percentiles) -> f64| {
        latency
            .as_ref()
            .map_or("-".into(), |p| format!("{:.2}", f(p)))
    };
    println!(
        "RESULT\t{label}\t{turns_per_s:.0}\t{signals_per_s:.1}\t{}\t{}\t{}\t{}\t{errors}\t{}\t{extra}",
        ms(|p| p.p50),
        ms(|p| p.p90),
        ms(|p| p.p99),
        ms(|p| p.max),
        mib(rss),
    );
}
