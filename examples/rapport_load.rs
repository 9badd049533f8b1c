//! Load generator for the rapport.v1 Converse API (rapport itself or the Python baseline).
//!
//! Three modes, loopback only, every loop bounded by `--seconds` or by a count:
//!
//! * load (default): `--streams` Converse streams carry `--conversations` live conversations of
//!   `--turns` customer turns each (then `EndConversation` and a fresh conversation), utterances
//!   drawn from `--corpus`. Flat out (`--window` turns in flight per stream) or at a fixed
//!   offered rate (`--rate` turns/s, open loop: latency counts from the scheduled send time, so
//!   a stalled server is not hidden by a stalled client).
//! * `--hold-streams N`: opens N streams, each sends one turn and stays open; then checks state
//!   on a sample with `GetConversation`, sends a second turn on a sample of the open streams,
//!   holds for `--seconds`, and closes them.
//! * `--fill`: memory per tracked conversation. Sends `--turns` (default 1) turn(s) to each of
//!   `--conversations` conversations and never ends them; reports the server's RSS growth.
//!
//! Prints a table (turns/s, signals/s, latency percentiles, errors by status, server RSS from
//! `/proc/<--server-pid>/status`) and one tab-separated `RESULT` line for scripts.
//!
//! ```sh
//! cargo run --release --example rapport-load -- --target http://127.0.0.1:50051 \
//!     --corpus benches/corpus.txt --streams 8 --seconds 20 --server-pid $(pgrep -n rapport)
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use futures_util::StreamExt;
use rapport::proto::{self, converse_request, converse_response, rapport_client::RapportClient};
use tokio::sync::{Semaphore, mpsc};
use tokio_stream::wrappers::{ReceiverStream, UnboundedReceiverStream};
use tonic::transport::{Channel, Endpoint};

#[derive(Parser, Debug, Clone)]
#[command(about = "Load generator for rapport.v1.Rapport/Converse")]
struct Args {
    /// Server URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    target: String,
    /// One utterance per line.
    #[arg(long, default_value = "benches/corpus.txt")]
    corpus: PathBuf,
    /// Concurrent Converse streams.
    #[arg(long, default_value_t = 8)]
    streams: usize,
    /// HTTP/2 connections the streams are spread over [default: min(streams, 4), or one per
    /// 250 streams above 1000].
    #[arg(long)]
    connections: Option<usize>,
    /// Load: conversations live at once (spread over the streams). Fill: conversations created.
    #[arg(long, default_value_t = 256)]
    conversations: usize,
    /// Customer turns per conversation [default: 8 in load mode, then it is ended and a new
    /// one starts; 1 in fill mode].
    #[arg(long)]
    turns: Option<usize>,
    /// Offered rate in turns/s over all streams; 0 = flat out (closed loop, `--window`).
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Flat out: turns in flight per stream. At a fixed rate the cap is max(window, 1024), so
    /// a slow server shows up as latency, not as a slower sender.
    #[arg(long, default_value_t = 16)]
    window: usize,
    /// How long to send (load), or to hold the streams open (hold).
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// Load: seconds at the start left out of the statistics.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Server process, for VmRSS.
    #[arg(long)]
    server_pid: Option<u32>,
    /// host:port of the server's Prometheus listener (rapport only): its gauges, and the batch
    /// and inference histograms that say where the server's time went.
    #[arg(long)]
    metrics: Option<String>,
    /// Hold mode: open this many streams, one turn each, and keep them open.
    #[arg(long)]
    hold_streams: Option<usize>,
    /// Fill mode: grow the conversation store and report memory per conversation.
    #[arg(long)]
    fill: bool,
    /// Tenant id on every turn.
    #[arg(long, default_value = "bench")]
    tenant: String,
    /// Name of this run in the RESULT line.
    #[arg(long, default_value = "run")]
    label: String,
    /// Seed for picking utterances.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Client runtime worker threads (the client shares the machine with the server).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    if !is_loopback(&args.target) {
        return Err(format!("{}: loopback targets only", args.target).into());
    }
    let corpus = load_corpus(&args.corpus)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        if let Some(n) = args.hold_streams {
            hold(&args, corpus, n).await
        } else if args.fill {
            fill(&args, corpus).await
        } else {
            load(&args, corpus).await
        }
    })
}

fn is_loopback(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or(url);
    ["127.", "localhost", "[::1]"]
        .iter()
        .any(|p| rest.starts_with(p))
}

fn load_corpus(path: &PathBuf) -> Result<Arc<Vec<String>>, BoxError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    if lines.is_empty() {
        return Err(format!("{}: no utterances", path.display()).into());
    }
    Ok(Arc::new(lines))
}

/// xorshift64*: deterministic, dependency-free utterance picking.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A prefix that keeps conversation ids of this run apart from earlier runs on the same server.
fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos & 0xffff_ffff_ffff)
}

fn connections_for(args: &Args, streams: usize) -> usize {
    args.connections
        .unwrap_or(if streams > 1000 {
            streams.div_ceil(250)
        } else {
            streams.min(4)
        })
        .clamp(1, streams.max(1))
}

async fn connect(args: &Args, n: usize) -> Result<Vec<Channel>, BoxError> {
    let mut channels = Vec::with_capacity(n);
    for _ in 0..n {
        let channel = Endpoint::from_shared(args.target.clone())?
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(5))
            .connect()
            .await
            .map_err(|e| format!("{}: {e}", args.target))?;
        channels.push(channel);
    }
    Ok(channels)
}

fn customer_turn(
    tenant: &str,
    conversation: &str,
    turn: usize,
    text: &str,
) -> proto::ConverseRequest {
    let turn = proto::Turn {
        tenant_id: tenant.into(),
        conversation_id: conversation.into(),
        turn_id: turn.to_string(),
        speaker: proto::Speaker::Customer as i32,
        text: text.into(),
        channel: proto::Channel::Chat as i32,
        available_channels: [
            proto::Channel::Chat,
            proto::Channel::Voice,
            proto::Channel::Sms,
        ]
        .map(|c| c as i32)
        .to_vec(),
        ..Default::default()
    };
    proto::ConverseRequest {
        kind: Some(converse_request::Kind::Turn(turn)),
    }
}

fn end_request(tenant: &str, conversation: &str) -> proto::ConverseRequest {
    proto::ConverseRequest {
        kind: Some(converse_request::Kind::End(proto::EndConversation {
            tenant_id: tenant.into(),
            conversation_id: conversation.into(),
        })),
    }
}

// ---------------------------------------------------------------------------------------------
// Statistics

#[derive(Default)]
struct Stats {
    /// End-to-end latency of each measured turn, microseconds.
    latencies_us: Vec<u32>,
    /// Answers to turns received inside the measurement window.
    turns_done: u64,
    signals: u64,
    /// Errors by status name: per-turn `TurnError`s and broken streams.
    errors: BTreeMap<String, u64>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.latencies_us.extend(other.latencies_us);
        self.turns_done += other.turns_done;
        self.signals += other.signals;
        for (code, n) in other.errors {
            *self.errors.entry(code).or_default() += n;
        }
    }

    fn error(&mut self, code: impl Into<String>) {
        *self.errors.entry(code.into()).or_default() += 1;
    }

    fn error_summary(&self) -> String {
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

struct Percentiles {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

fn percentiles(latencies_us: &mut [u32]) -> Option<Percentiles> {
    if latencies_us.is_empty() {
        return None;
    }
    latencies_us.sort_unstable();
    let at = |q: f64| {
        let rank = ((q * latencies_us.len() as f64).ceil() as usize).clamp(1, latencies_us.len());
        f64::from(latencies_us[rank - 1]) / 1000.0
    };
    Some(Percentiles {
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: f64::from(*latencies_us.last().unwrap()) / 1000.0,
    })
}

fn code_name(code: i32) -> String {
    format!("{:?}", tonic::Code::from_i32(code))
}

/// VmRSS of a process, in KiB.
fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// Reads gauges from a Prometheus text endpoint with a bare HTTP/1.0 GET.
async fn scrape(addr: &Option<String>, names: &[&str]) -> Vec<(String, f64)> {
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

/// CPU time from /proc, in clock ticks (100 per second): the whole machine, this process and
/// the server, so a run can say whether anything else was using the cores.
#[derive(Clone, Copy)]
struct CpuSample {
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

fn cpu_sample(server: Option<u32>) -> Option<CpuSample> {
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

/// Cores used between two samples: (client, server, everything else, steal).
struct CpuUse {
    client: f64,
    server: Option<f64>,
    others: f64,
    steal: f64,
}

fn cpu_use(a: Option<CpuSample>, b: Option<CpuSample>) -> Option<CpuUse> {
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
    fn describe(&self) -> String {
        format!(
            "client {:.2}, server {}, other processes {:.2}, steal {:.2} (cores)",
            self.client,
            self.server.map_or("-".into(), |s| format!("{s:.2}")),
            self.others,
            self.steal
        )
    }
    fn compact(&self) -> String {
        format!(
            "cpu_client={:.2} cpu_server={} cpu_others={:.2}",
            self.client,
            self.server.map_or("-".into(), |s| format!("{s:.2}")),
            self.others
        )
    }
}

/// Histogram sums and counts the server exports; their deltas over a run say where its time went.
const SERVER_SUMS: &[&str] = &[
    "rapport_batch_size_sum",
    "rapport_batch_size_count",
    "rapport_inference_seconds_sum",
    "rapport_turn_seconds_sum",
    "rapport_turn_seconds_count",
];

/// What the server's own metrics say about one run.
struct ServerView {
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
    fn between(before: &[(String, f64)], after: &[(String, f64)], wall_secs: f64) -> Option<Self> {
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

    fn describe(&self) -> String {
        format!(
            "{:.0} model runs, mean batch {:.1}, inference thread busy {:.0}%, model {:.2} ms/utterance, server turn time mean {:.2} ms",
            self.batches,
            self.mean_batch,
            self.inference_busy * 100.0,
            self.model_ms_per_utterance,
            self.server_turn_ms
        )
    }

    fn compact(&self) -> String {
        format!(
            "batch={:.1} busy={:.0}% model_ms/utt={:.2} server_ms={:.2}",
            self.mean_batch,
            self.inference_busy * 100.0,
            self.model_ms_per_utterance,
            self.server_turn_ms
        )
    }
}

fn print_table(title: &str, rows: &[(&str, String)]) {
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
fn print_result(
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

// ---------------------------------------------------------------------------------------------
// Load mode

/// What a response in a stream's ordered reply sequence answers.
enum Sent {
    Turn { at: Instant },
    End,
}

struct Window {
    warm: Instant,
    end: Instant,
}

async fn load(args: &Args, corpus: Arc<Vec<String>>) -> Result<(), BoxError> {
    let streams = args.streams.max(1);
    let turns = args.turns.unwrap_or(8).max(1);
    let channels = connect(args, connections_for(args, streams)).await?;
    let rss_before = rss_kib(args.server_pid);
    let run = run_id();
    let started = Instant::now();
    let server_before = scrape(&args.metrics, SERVER_SUMS).await;
    let window = Arc::new(Window {
        warm: started + Duration::from_secs_f64(args.warmup),
        end: started + Duration::from_secs_f64(args.warmup + args.seconds),
    });
    let mut tasks = Vec::with_capacity(streams);
    for s in 0..streams {
        let slots = (args.conversations / streams).max(1);
        let task = StreamLoad {
            client: RapportClient::new(channels[s % channels.len()].clone()),
            corpus: corpus.clone(),
            tenant: args.tenant.clone(),
            prefix: format!("{run}-{s}"),
            slots,
            turns,
            // Open loop: one send every `interval` on this stream.
            interval: (args.rate > 0.0)
                .then(|| Duration::from_secs_f64(streams as f64 / args.rate)),
            window: if args.rate > 0.0 {
                args.window.max(1024)
            } else {
                args.window.max(1)
            },
            rng: Rng::new(args.seed ^ ((s as u64 + 1) * 7919)),
            times: window.clone(),
        };
        // Stagger the open-loop streams so they do not fire in lockstep.
        let offset = task
            .interval
            .map_or(Duration::ZERO, |i| i.mul_f64(s as f64 / streams as f64));
        tasks.push(tokio::spawn(task.run(offset)));
    }
    // CPU over the measured window only.
    let cpu_window = {
        let (pid, warm, end) = (args.server_pid, window.warm, window.end);
        tokio::spawn(async move {
            tokio::time::sleep_until(warm.into()).await;
            let a = cpu_sample(pid);
            tokio::time::sleep_until(end.into()).await;
            cpu_use(a, cpu_sample(pid))
        })
    };
    let mut stats = Stats::default();
    let mut sent_total = 0u64;
    for task in tasks {
        let (s, sent) = task.await?;
        stats.merge(s);
        sent_total += sent;
    }
    let rss_after = rss_kib(args.server_pid);
    let cpu = cpu_window.await.ok().flatten();
    let server_after = scrape(&args.metrics, SERVER_SUMS).await;
    let server = ServerView::between(
        &server_before,
        &server_after,
        started.elapsed().as_secs_f64(),
    );
    let measured = window.end.duration_since(window.warm).as_secs_f64();
    let turns_per_s = stats.turns_done as f64 / measured;
    let signals_per_s = stats.signals as f64 / measured;
    let latency = percentiles(&mut stats.latencies_us);
    let mode = if args.rate > 0.0 {
        format!("offered {:.0} turns/s", args.rate)
    } else {
        format!("flat out, {} in flight per stream", args.window)
    };
    let lat = |f: fn(&Percentiles) -> f64| {
        latency
            .as_ref()
            .map_or("-".into(), |p| format!("{:.2} ms", f(p)))
    };
    print_table(
        &format!("rapport-load: {} ({mode})", args.label),
        &[
            ("target", args.target.clone()),
            (
                "streams / connections",
                format!("{streams} / {}", channels.len()),
            ),
            (
                "conversations",
                format!(
                    "{} live, {turns} turns each",
                    (args.conversations / streams).max(1) * streams
                ),
            ),
            (
                "measured",
                format!("{measured:.1} s after {:.1} s warm-up", args.warmup),
            ),
            ("turns sent (all)", sent_total.to_string()),
            ("turns/s", format!("{turns_per_s:.0}")),
            ("signals/s", format!("{signals_per_s:.1}")),
            ("latency p50", lat(|p| p.p50)),
            ("latency p90", lat(|p| p.p90)),
            ("latency p99", lat(|p| p.p99)),
            ("latency max", lat(|p| p.max)),
            ("errors", stats.error_summary()),
            (
                "server RSS",
                format!(
                    "{} MiB before, {} MiB after",
                    mib(rss_before),
                    mib(rss_after)
                ),
            ),
            (
                "server metrics (whole run)",
                server.as_ref().map_or("-".into(), ServerView::describe),
            ),
            (
                "CPU (measured window)",
                cpu.as_ref().map_or("-".into(), CpuUse::describe),
            ),
        ],
    );
    let mut extra = format!("streams={streams}");
    if let Some(cpu) = &cpu {
        extra.push(' ');
        extra.push_str(&cpu.compact());
    }
    if let Some(server) = &server {
        extra.push(' ');
        extra.push_str(&server.compact());
    }
    print_result(
        &args.label,
        turns_per_s,
        signals_per_s,
        &latency,
        &stats.error_summary(),
        rss_after,
        &extra,
    );
    Ok(())
}

struct StreamLoad {
    client: RapportClient<Channel>,
    corpus: Arc<Vec<String>>,
    tenant: String,
    prefix: String,
    slots: usize,
    turns: usize,
    interval: Option<Duration>,
    window: usize,
    rng: Rng,
    times: Arc<Window>,
}

impl StreamLoad {
    /// Sends until the window ends, ends every conversation it started, and returns the
    /// statistics of its replies and the number of turns it sent.
    async fn run(mut self, offset: Duration) -> (Stats, u64) {
        let mut stats = Stats::default();
        let (requests, outbound) = mpsc::channel::<proto::ConverseRequest>(self.window.min(4096));
        let (sent_tx, sent_rx) = mpsc::unbounded_channel::<Sent>();
        let permits = Arc::new(Semaphore::new(self.window));
        let times = self.times.clone();
        let receiver_permits = permits.clone();
        let mut client = self.client.clone();
        // The call is made in the receiving task while this one already sends: a server may
        // hold back its response headers until it answers the first request (grpcio does).
        let receiver = tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut responses = match client.converse(ReceiverStream::new(outbound)).await {
                Ok(r) => r.into_inner(),
                Err(status) => {
                    stats.error(format!("stream:{:?}", status.code()));
                    return stats;
                }
            };
            let mut sent = UnboundedReceiverStream::new(sent_rx);
            loop {
                let message = match tokio::time::timeout(
                    Duration::from_secs(30),
                    responses.message(),
                )
                .await
                {
                    Ok(Ok(Some(m))) => m,
                    Ok(Ok(None)) => break,
                    Ok(Err(status)) => {
                        stats.error(format!("stream:{:?}", status.code()));
                        break;
                    }
                    Err(_) => {
                        stats.error("client:timeout");
                        break;
                    }
                };
                receiver_permits.add_permits(1);
                let Some(what) = sent.next().await else { break };
                let now = Instant::now();
                let Sent::Turn { at } = what else { continue };
                let in_window = now >= times.warm && now <= times.end;
                match &message.outcome {
                    Some(converse_response::Outcome::Error(e)) => stats.error(code_name(e.code)),
                    Some(converse_response::Outcome::Assessment(_)) => {
                        if in_window {
                            stats.turns_done += 1;
                            stats.signals += message.signals.len() as u64;
                        }
                        if at >= times.warm && at < times.end {
                            let us = now.duration_since(at).as_micros().min(u32::MAX as u128);
                            stats.latencies_us.push(us as u32);
                        }
                    }
                    _ => stats.error("unexpected-outcome"),
                }
            }
            stats
        });

        // Conversation slots: (generation, next turn number).
        let mut slots: Vec<(u64, usize)> = vec![(0, 0); self.slots];
        let mut next_slot = 0usize;
        let mut sent_turns = 0u64;
        let start = Instant::now() + offset;
        let mut tick = 0u64;
        'send: loop {
            let at = match self.interval {
                Some(interval) => {
                    let due = start + interval.mul_f64(tick as f64);
                    tick += 1;
                    if due >= self.times.end {
                        break;
                    }
                    tokio::time::sleep_until(due.into()).await;
                    due
                }
                None => Instant::now(),
            };
            if Instant::now() >= self.times.end {
                break;
            }
            let Ok(permit) = permits.acquire().await else {
                break;
            };
            permit.forget();
            let slot = next_slot;
            next_slot = (next_slot + 1) % slots.len();
            let (generation, turn) = slots[slot];
            let conversation = format!("{}-{slot}-{generation}", self.prefix);
            let text = &self.corpus[self.rng.below(self.corpus.len())];
            let _ = sent_tx.send(Sent::Turn { at });
            if requests
                .send(customer_turn(&self.tenant, &conversation, turn + 1, text))
                .await
                .is_err()
            {
                break 'send;
            }
            sent_turns += 1;
            if turn + 1 == self.turns {
                slots[slot] = (generation + 1, 0);
                let Ok(permit) = permits.acquire().await else {
                    break;
                };
                permit.forget();
                let _ = sent_tx.send(Sent::End);
                if requests
                    .send(end_request(&self.tenant, &conversation))
                    .await
                    .is_err()
                {
                    break 'send;
                }
            } else {
                slots[slot].1 = turn + 1;
            }
        }
        // End what is still open so the next run starts from an empty store.
        for (slot, &(generation, turn)) in slots.iter().enumerate() {
            if turn == 0 {
                continue;
            }
            let conversation = format!("{}-{slot}-{generation}", self.prefix);
            let Ok(permit) = permits.acquire().await else {
                break;
            };
            permit.forget();
            let _ = sent_tx.send(Sent::End);
            if requests
                .send(end_request(&self.tenant, &conversation))
                .await
                .is_err()
            {
                break;
            }
        }
        drop(requests);
        drop(sent_tx);
        match receiver.await {
            Ok(s) => stats.merge(s),
            Err(_) => stats.error("client:panic"),
        }
        (stats, sent_turns)
    }
}

// ---------------------------------------------------------------------------------------------
// Hold mode

struct Held {
    index: usize,
    requests: mpsc::Sender<proto::ConverseRequest>,
    responses: tonic::Streaming<proto::ConverseResponse>,
    latency_us: u32,
    frustration: f32,
}

fn assessment_of(message: &proto::ConverseResponse) -> Result<&proto::Assessment, String> {
    match &message.outcome {
        Some(converse_response::Outcome::Assessment(a)) => Ok(a),
        Some(converse_response::Outcome::Error(e)) => Err(code_name(e.code)),
        _ => Err("unexpected-outcome".into()),
    }
}

async fn open_and_say(
    client: RapportClient<Channel>,
    tenant: String,
    conversation: String,
    index: usize,
    text: String,
) -> Result<Held, String> {
    let (requests, outbound) = mpsc::channel(4);
    let mut client = client;
    // Queue the first turn before the call: a server may send its response headers only with
    // the first answer (grpcio does).
    let at = Instant::now();
    requests
        .send(customer_turn(&tenant, &conversation, 1, &text))
        .await
        .map_err(|_| "client:closed".to_string())?;
    let mut responses = client
        .converse(ReceiverStream::new(outbound))
        .await
        .map_err(|s| format!("stream:{:?}", s.code()))?
        .into_inner();
    let message = responses
        .message()
        .await
        .map_err(|s| format!("stream:{:?}", s.code()))?
        .ok_or("stream:closed")?;
    let latency_us = at.elapsed().as_micros().min(u32::MAX as u128) as u32;
    let frustration = assessment_of(&message)?.conversation_frustration;
    Ok(Held {
        index,
        requests,
        responses,
        latency_us,
        frustration,
    })
}

async fn hold(args: &Args, corpus: Arc<Vec<String>>, n: usize) -> Result<(), BoxError> {
    let channels = connect(args, connections_for(args, n)).await?;
    let run = run_id();
    let rss_before = rss_kib(args.server_pid);
    let conversation = |i: usize| format!("hold-{run}-{i}");
    let mut rng = Rng::new(args.seed);
    let opened_at = Instant::now();
    // Open in waves of at most 512 concurrent handshakes.
    let results: Vec<Result<Held, String>> = futures_util::stream::iter(0..n)
        .map(|i| {
            let client = RapportClient::new(channels[i % channels.len()].clone());
            let text = corpus[rng.below(corpus.len())].clone();
            open_and_say(client, args.tenant.clone(), conversation(i), i, text)
        })
        .buffer_unordered(512)
        .collect()
        .await;
    let open_secs = opened_at.elapsed().as_secs_f64();
    let mut stats = Stats::default();
    let mut held: Vec<Held> = Vec::with_capacity(n);
    for result in results {
        match result {
            Ok(h) => {
                stats.latencies_us.push(h.latency_us);
                held.push(h);
            }
            Err(code) => stats.error(code),
        }
    }
    held.sort_by_key(|h| h.index);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_open = rss_kib(args.server_pid);
    let gauges_open = scrape(
        &args.metrics,
        &["rapport_active_streams", "rapport_active_conversations"],
    )
    .await;

    // State intact: a sample of conversations as the server holds them.
    let mut client = RapportClient::new(channels[0].clone());
    let sample: Vec<usize> = (0..200.min(held.len()))
        .map(|_| rng.below(held.len()))
        .collect();
    let mut state_ok = 0usize;
    let mut state_bad = Vec::new();
    for &k in &sample {
        let h = &held[k];
        let reply = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: args.tenant.clone(),
                conversation_id: conversation(h.index),
            })
            .await;
        match reply {
            Ok(r) => {
                let r = r.into_inner();
                if r.customer_turns == 1
                    && (r.conversation_frustration - h.frustration).abs() < 1e-6
                {
                    state_ok += 1;
                } else {
                    state_bad.push(format!("{}: turns={}", h.index, r.customer_turns));
                }
            }
            Err(status) => state_bad.push(format!("{}: {:?}", h.index, status.code())),
        }
    }
    // The streams are live, not just open: a second turn on a sample of them.
    let mut live_ok = 0usize;
    let live_sample: Vec<usize> = (0..100.min(held.len()))
        .map(|_| rng.below(held.len()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for &k in &live_sample {
        if !seen.insert(k) {
            continue;
        }
        let text = corpus[rng.below(corpus.len())].clone();
        let h = &mut held[k];
        let conversation_id = conversation(h.index);
        if h.requests
            .send(customer_turn(&args.tenant, &conversation_id, 2, &text))
            .await
            .is_err()
        {
            state_bad.push(format!("{}: send failed", h.index));
            continue;
        }
        let second = match h.responses.message().await {
            Ok(Some(m)) => m,
            _ => {
                state_bad.push(format!("{}: no second answer", h.index));
                continue;
            }
        };
        if assessment_of(&second).is_err() {
            state_bad.push(format!("{}: second turn refused", h.index));
            continue;
        }
        let turns = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: args.tenant.clone(),
                conversation_id,
            })
            .await
            .map(|r| r.into_inner().customer_turns);
        if matches!(turns, Ok(2)) {
            live_ok += 1;
        } else {
            state_bad.push(format!("{}: after 2nd turn {turns:?}", h.index));
        }
    }
    let live_checked = seen.len();

    tokio::time::sleep(Duration::from_secs_f64(args.seconds)).await;
    let rss_held = rss_kib(args.server_pid);
    let still_open = held.len();

    // Close: end each conversation, half-close, and wait for the server to finish the stream.
    let closed_at = Instant::now();
    let closing: Vec<_> = held
        .into_iter()
        .map(|h| {
            let tenant = args.tenant.clone();
            let conversation_id = conversation(h.index);
            tokio::spawn(async move {
                let Held {
                    requests,
                    mut responses,
                    ..
                } = h;
                let _ = requests.send(end_request(&tenant, &conversation_id)).await;
                drop(requests);
                let mut clean = false;
                while let Ok(Ok(m)) =
                    tokio::time::timeout(Duration::from_secs(30), responses.message()).await
                {
                    match m {
                        Some(_) => {}
                        None => {
                            clean = true;
                            break;
                        }
                    }
                }
                clean
            })
        })
        .collect();
    let mut closed_clean = 0usize;
    for task in closing {
        if matches!(task.await, Ok(true)) {
            closed_clean += 1;
        }
    }
    let close_secs = closed_at.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let gauges_closed = scrape(&args.metrics, &["rapport_active_streams"]).await;

    let latency = percentiles(&mut stats.latencies_us);
    let lat = |f: fn(&Percentiles) -> f64| {
        latency
            .as_ref()
            .map_or("-".into(), |p| format!("{:.2} ms", f(p)))
    };
    let gauges = |g: &[(String, f64)]| {
        if g.is_empty() {
            "-".to_string()
        } else {
            g.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let per_stream = match (rss_before, rss_open) {
        (Some(a), Some(b)) if still_open > 0 => {
            format!("{:.1} KiB", (b as f64 - a as f64) / still_open as f64)
        }
        _ => "-".into(),
    };
    print_table(
        &format!("rapport-load: {} (hold {n} streams)", args.label),
        &[
            ("target", args.target.clone()),
            ("connections", channels.len().to_string()),
            (
                "streams open, first turn answered",
                format!("{still_open} of {n} in {open_secs:.1} s"),
            ),
            (
                "first-turn latency p50 / p99 / max",
                format!(
                    "{} / {} / {}",
                    lat(|p| p.p50),
                    lat(|p| p.p99),
                    lat(|p| p.max)
                ),
            ),
            (
                "GetConversation sample intact",
                format!("{state_ok} of {}", sample.len()),
            ),
            (
                "second turn on open streams",
                format!("{live_ok} of {live_checked}"),
            ),
            (
                "problems",
                if state_bad.is_empty() {
                    "none".into()
                } else {
                    state_bad
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            ),
            ("server gauges while open", gauges(&gauges_open)),
            ("held for", format!("{:.0} s", args.seconds)),
            (
                "closed cleanly",
                format!("{closed_clean} of {still_open} in {close_secs:.1} s"),
            ),
            ("server gauges after close", gauges(&gauges_closed)),
            ("errors", stats.error_summary()),
            (
                "server RSS",
                format!(
                    "{} MiB before, {} MiB open, {} MiB after {:.0} s ({per_stream} per open stream)",
                    mib(rss_before),
                    mib(rss_open),
                    mib(rss_held),
                    args.seconds
                ),
            ),
        ],
    );
    print_result(
        &args.label,
        0.0,
        0.0,
        &latency,
        &stats.error_summary(),
        rss_open,
        &format!(
            "held={still_open}/{n} intact={state_ok}/{} live={live_ok}/{live_checked} closed={closed_clean} per_stream={per_stream}",
            sample.len()
        ),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Fill mode

async fn fill(args: &Args, corpus: Arc<Vec<String>>) -> Result<(), BoxError> {
    let streams = args.streams.max(1);
    let turns = args.turns.unwrap_or(1).max(1);
    let total = args.conversations;
    let channels = connect(args, connections_for(args, streams)).await?;
    let run = run_id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = rss_kib(args.server_pid);
    let gauges_before = scrape(&args.metrics, &["rapport_active_conversations"]).await;
    let started = Instant::now();
    let cpu_before = cpu_sample(args.server_pid);
    let deadline = started + Duration::from_secs_f64(args.seconds.max(1.0) * 30.0);
    let mut tasks = Vec::new();
    for s in 0..streams {
        let mut client = RapportClient::new(channels[s % channels.len()].clone());
        let corpus = corpus.clone();
        let tenant = args.tenant.clone();
        let ids: Vec<usize> = (s..total).step_by(streams).collect();
        let run = run.clone();
        let window = args.window.max(1);
        let mut rng = Rng::new(args.seed ^ ((s as u64 + 1) * 104_729));
        tasks.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            let (requests, outbound) = mpsc::channel(window);
            let expected = ids.len() * turns;
            let sender = tokio::spawn(async move {
                // Turn t of every conversation before turn t+1 of any.
                for t in 1..=turns {
                    for &i in &ids {
                        let text = &corpus[rng.below(corpus.len())];
                        let conversation = format!("fill-{run}-{i}");
                        if requests
                            .send(customer_turn(&tenant, &conversation, t, text))
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                }
                // Keep the stream open until every answer is in; dropped by the abort below.
                std::future::pending::<()>().await;
            });
            let mut responses = match client.converse(ReceiverStream::new(outbound)).await {
                Ok(r) => r.into_inner(),
                Err(status) => {
                    stats.error(format!("stream:{:?}", status.code()));
                    sender.abort();
                    return stats;
                }
            };
            for _ in 0..expected {
                let left = deadline.saturating_duration_since(Instant::now());
                match tokio::time::timeout(left, responses.message()).await {
                    Ok(Ok(Some(m))) => match &m.outcome {
                        Some(converse_response::Outcome::Assessment(_)) => {
                            stats.turns_done += 1;
                            stats.signals += m.signals.len() as u64;
                        }
                        Some(converse_response::Outcome::Error(e)) => {
                            stats.error(code_name(e.code))
                        }
                        _ => stats.error("unexpected-outcome"),
                    },
                    Ok(Ok(None)) => {
                        stats.error("stream:closed");
                        break;
                    }
                    Ok(Err(status)) => {
                        stats.error(format!("stream:{:?}", status.code()));
                        break;
                    }
                    Err(_) => {
                        stats.error("client:timeout");
                        break;
                    }
                }
            }
            sender.abort();
            stats
        }));
    }
    let mut stats = Stats::default();
    for task in tasks {
        stats.merge(task.await?);
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_use(cpu_before, cpu_sample(args.server_pid));
    // Let the allocator settle and the server finish any bookkeeping.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = rss_kib(args.server_pid);
    let gauges_after = scrape(&args.metrics, &["rapport_active_conversations"]).await;

    // Verify a sample is held.
    let mut client = RapportClient::new(channels[0].clone());
    let mut rng = Rng::new(args.seed ^ 0xf111);
    let mut held_ok = 0;
    let sample = 100.min(total);
    for _ in 0..sample {
        let i = rng.below(total);
        let reply = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: args.tenant.clone(),
                conversation_id: format!("fill-{run}-{i}"),
            })
            .await;
        if matches!(reply, Ok(r) if r.get_ref().customer_turns as usize == turns) {
            held_ok += 1;
        }
    }
    let tracked = stats.turns_done as usize / turns;
    let per_conversation = match (rss_before, rss_after) {
        (Some(a), Some(b)) if tracked > 0 => Some((b as f64 - a as f64) * 1024.0 / tracked as f64),
        _ => None,
    };
    let gauges = |g: &[(String, f64)]| g.first().map_or("-".to_string(), |(_, v)| format!("{v}"));
    print_table(
        &format!(
            "rapport-load: {} (fill {total} conversations × {turns} turn(s))",
            args.label
        ),
        &[
            ("target", args.target.clone()),
            (
                "streams / connections",
                format!("{streams} / {}", channels.len()),
            ),
            (
                "turns answered",
                format!(
                    "{} in {secs:.1} s ({:.0} turns/s)",
                    stats.turns_done,
                    stats.turns_done as f64 / secs
                ),
            ),
            (
                "conversations tracked",
                format!(
                    "{tracked} (server gauge {} → {})",
                    gauges(&gauges_before),
                    gauges(&gauges_after)
                ),
            ),
            (
                "GetConversation sample held",
                format!("{held_ok} of {sample}"),
            ),
            ("errors", stats.error_summary()),
            (
                "server RSS",
                format!(
                    "{} MiB before, {} MiB after",
                    mib(rss_before),
                    mib(rss_after)
                ),
            ),
            (
                "per tracked conversation",
                per_conversation.map_or("-".into(), |b| {
                    format!("{b:.0} bytes ({:.2} KiB)", b / 1024.0)
                }),
            ),
        ],
    );
    print_result(
        &args.label,
        stats.turns_done as f64 / secs,
        stats.signals as f64 / secs,
        &None,
        &stats.error_summary(),
        rss_after,
        &format!(
            "tracked={tracked} held_sample={held_ok}/{sample} bytes_per_conversation={} {}",
            per_conversation.map_or("-".into(), |b| format!("{b:.0}")),
            cpu.as_ref().map_or(String::new(), CpuUse::compact)
        ),
    );
    Ok(())
}
