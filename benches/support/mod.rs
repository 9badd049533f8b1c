//! What the load tool (`examples/rapport_load/`) and the ONNX limit bench (`benches/onnx_limit.rs`)
//! share: the corpus reader, the utterance picker, latency percentiles and CPU accounting from
//! `/proc`. Included by path in both (`#[path = ...] mod support;`); each uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::time::Instant;

/// One utterance per line, or `BOT<TAB>CUSTOMER` (`benches/real_corpus.py --pairs`); blank lines
/// and `#` comments skipped.
pub fn load_corpus(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    if lines.is_empty() {
        return Err(format!("{}: no utterances", path.display()));
    }
    Ok(lines)
}

/// A corpus line as (the bot turn the customer answered, if the line has one; the customer turn).
pub fn bot_and_customer(line: &str) -> (Option<&str>, &str) {
    match line.split_once('\t') {
        Some((bot, customer)) => (Some(bot), customer),
        None => (None, line),
    }
}

/// xorshift64*: deterministic, dependency-free utterance picking.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Latency percentiles, nearest rank, in ms.
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    /// Sorts `ms` in place; `None` when empty.
    pub fn of(ms: &mut [f64]) -> Option<Self> {
        if ms.is_empty() {
            return None;
        }
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
        Some(Self {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: ms[ms.len() - 1],
        })
    }
}

/// "mean 16.6, median 12, p90 33, 3–128": how long the utterances are, in tokens.
pub fn length_summary(lengths: &[usize]) -> String {
    let mut sorted = lengths.to_vec();
    sorted.sort_unstable();
    let Some(&max) = sorted.last() else {
        return "empty".into();
    };
    let rank =
        |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    let mean = sorted.iter().sum::<usize>() as f64 / sorted.len() as f64;
    format!(
        "mean {mean:.1}, median {}, p90 {}, {}–{max}",
        rank(0.5),
        rank(0.9),
        sorted[0]
    )
}

/// CPU time from /proc, in clock ticks (100 per second): the whole machine, this process and
/// optionally a server process, so a run can say whether anything else was using the cores.
#[derive(Clone, Copy)]
pub struct CpuSample {
    at: Instant,
    busy: u64,
    steal: u64,
    own: u64,
    server: Option<u64>,
}

const TICKS_PER_SECOND: f64 = 100.0;

fn process_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

pub fn cpu_sample(server: Option<u32>) -> Option<CpuSample> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let busy = ticks.iter().take(8).sum::<u64>() - ticks.get(3)? - ticks.get(4)?;
    Some(CpuSample {
        at: Instant::now(),
        busy,
        steal: *ticks.get(7)?,
        own: process_ticks("self")?,
        server: server.and_then(|pid| process_ticks(&pid.to_string())),
    })
}

/// Cores used between two samples.
pub struct CpuUse {
    pub client: f64,
    pub server: Option<f64>,
    /// Every other process: 0 on a quiet machine.
    pub others: f64,
    pub steal: f64,
}

pub fn cpu_use(a: Option<CpuSample>, b: Option<CpuSample>) -> Option<CpuUse> {
    let (a, b) = (a?, b?);
    let secs = b.at.duration_since(a.at).as_secs_f64();
    let cores = |ticks: u64| ticks as f64 / TICKS_PER_SECOND / secs;
    let busy = b.busy.saturating_sub(a.busy);
    let own = b.own.saturating_sub(a.own);
    let server = match (a.server, b.server) {
        (Some(x), Some(y)) => Some(y.saturating_sub(x)),
        _ => None,
    };
    let steal = b.steal.saturating_sub(a.steal);
    Some(CpuUse {
        client: cores(own),
        server: server.map(cores),
        others: cores(
            busy.saturating_sub(own)
                .saturating_sub(server.unwrap_or(0))
                .saturating_sub(steal),
        ),
        steal: cores(steal),
    })
}

impl CpuUse {
    pub fn describe(&self) -> String {
        format!(
            "client {:.2}, server {}, other processes {:.2}, steal {:.2} (cores)",
            self.client,
            self.server.map_or("-".into(), |s| format!("{s:.2}")),
            self.others,
            self.steal
        )
    }
    pub fn compact(&self) -> String {
        format!(
            "cpu_client={:.2} cpu_server={} cpu_others={:.2}",
            self.client,
            self.server.map_or("-".into(), |s| format!("{s:.2}")),
            self.others
        )
    }
}
