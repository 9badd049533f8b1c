//! Load generator for the rapport.v1 Converse API (rapport itself or the Python baseline).
//!
//! Three modes, loopback only, every loop bounded by `--seconds` or by a count:
//!
//! * load (default): `--streams` Converse streams carry `--conversations` live conversations of
//!   `--turns` customer turns each (then `EndConversation` and a fresh conversation), utterances
//!   drawn from `--corpus`; a `BOT<TAB>CUSTOMER` line sends the bot's turn first, so the customer
//!   turn is read after it (`benches/real_corpus.py --pairs`). Flat out (`--window` turns in
//!   flight per stream, latency from each turn's send) or at a fixed offered rate (`--rate`
//!   turns/s, open loop: latency counts from the scheduled send time, so a stalled server is not
//!   hidden by a stalled client).
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
//!
//! Modules: [`load`], [`hold`], [`fill`] (one per mode), [`report`] (statistics, the server's
//! metrics, the printed table and `RESULT` line); corpus, RNG and CPU accounting come from
//! `benches/support/`, shared with the ONNX limit bench.

#[path = "../../benches/support/mod.rs"]
mod support;

mod fill;
mod hold;
mod load;
mod report;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use rapport::proto::{self, converse_request};
use tonic::transport::{Channel, Endpoint};

#[derive(Parser, Debug, Clone)]
#[command(about = "Load generator for rapport.v1.Rapport/Converse")]
pub struct Args {
    /// Server URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    pub target: String,
    /// One utterance per line; in load mode a line `BOT<TAB>CUSTOMER` sends the bot's turn
    /// before the customer's (only the customer turn is counted and timed).
    #[arg(long, default_value = "benches/corpus.txt")]
    pub corpus: PathBuf,
    /// Concurrent Converse streams.
    #[arg(long, default_value_t = 8)]
    pub streams: usize,
    /// HTTP/2 connections the streams are spread over [default: min(streams, 4), or one per
    /// 250 streams above 1000].
    #[arg(long)]
    pub connections: Option<usize>,
    /// Load: conversations live at once (spread over the streams). Fill: conversations created.
    #[arg(long, default_value_t = 256)]
    pub conversations: usize,
    /// Customer turns per conversation [default: 8 in load mode, then it is ended and a new
    /// one starts; 1 in fill mode].
    #[arg(long)]
    pub turns: Option<usize>,
    /// Offered rate in turns/s over all streams; 0 = flat out (closed loop, `--window`).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// Flat out: turns in flight per stream. At a fixed rate the cap is max(window, 1024), so
    /// a slow server shows up as latency, not as a slower sender.
    #[arg(long, default_value_t = 16)]
    pub window: usize,
    /// How long to send (load), or to hold the streams open (hold).
    #[arg(long, default_value_t = 20.0)]
    pub seconds: f64,
    /// Load: seconds at the start left out of the statistics.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Server process, for VmRSS.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// host:port of the server's Prometheus listener (rapport only): its gauges, and the batch
    /// and inference histograms that say where the server's time went.
    #[arg(long)]
    pub metrics: Option<String>,
    /// Hold mode: open this many streams, one turn each, and keep them open.
    #[arg(long)]
    pub hold_streams: Option<usize>,
    /// Fill mode: grow the conversation store and report memory per conversation.
    #[arg(long)]
    pub fill: bool,
    /// Tenant id on every turn.
    #[arg(long, default_value = "bench")]
    pub tenant: String,
    /// Name of this run in the RESULT line.
    #[arg(long, default_value = "run")]
    pub label: String,
    /// Seed for picking utterances.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Client runtime worker threads (the client shares the machine with the server).
    #[arg(long, default_value_t = 1)]
    pub client_threads: usize,
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    if !is_loopback(&args.target) {
        return Err(format!("{}: loopback targets only", args.target).into());
    }
    let corpus = Arc::new(support::load_corpus(&args.corpus)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        if let Some(n) = args.hold_streams {
            hold::run(&args, corpus, n).await
        } else if args.fill {
            fill::run(&args, corpus).await
        } else {
            load::run(&args, corpus).await
        }
    })
}

pub fn is_loopback(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or(url);
    ["127.", "localhost", "[::1]"]
        .iter()
        .any(|p| rest.starts_with(p))
}

/// A prefix that keeps conversation ids of this run apart from earlier runs on the same server.
pub fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos & 0xffff_ffff_ffff)
}

pub fn connections_for(args: &Args, streams: usize) -> usize {
    args.connections
        .unwrap_or(if streams > 1000 {
            streams.div_ceil(250)
        } else {
            streams.min(4)
        })
        .clamp(1, streams.max(1))
}

pub async fn connect(args: &Args, n: usize) -> Result<Vec<Channel>, BoxError> {
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

pub fn customer_turn(
    tenant: &str,
    conversation: &str,
    turn: usize,
    text: &str,
) -> proto::ConverseRequest {
    turn_request(
        tenant,
        conversation,
        turn.to_string(),
        proto::Speaker::Customer,
        text,
    )
}

/// The bot's reply a customer turn answers (a `BOT<TAB>CUSTOMER` corpus line); the server reads
/// the customer turn after it, as a chatbot platform's stream makes it.
pub fn bot_turn(
    tenant: &str,
    conversation: &str,
    turn: usize,
    text: &str,
) -> proto::ConverseRequest {
    turn_request(
        tenant,
        conversation,
        format!("{turn}b"),
        proto::Speaker::Bot,
        text,
    )
}

fn turn_request(
    tenant: &str,
    conversation: &str,
    turn_id: String,
    speaker: proto::Speaker,
    text: &str,
) -> proto::ConverseRequest {
    let turn = proto::Turn {
        tenant_id: tenant.into(),
        conversation_id: conversation.into(),
        turn_id,
        speaker: speaker as i32,
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

pub fn end_request(tenant: &str, conversation: &str) -> proto::ConverseRequest {
    proto::ConverseRequest {
        kind: Some(converse_request::Kind::End(proto::EndConversation {
            tenant_id: tenant.into(),
            conversation_id: conversation.into(),
        })),
    }
}

pub fn code_name(code: i32) -> String {
    format!("{:?}", tonic::Code::from_i32(code))
}
