//! Prometheus metrics: names, help texts, histogram buckets and the recorder whose handle the
//! admin listener ([`crate::admin`]) renders on `/metrics`. Every metric is described and
//! present (at zero, with its known label values) from the start, so dashboards and alerts
//! have series to bind to before traffic arrives. Labels carry kinds, reasons and status
//! codes only: never tenants' personal data or conversation ids.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const TURNS: &str = "rapport_turns_total";
pub const INFERENCE_SECONDS: &str = "rapport_inference_seconds";
pub const BATCH_SIZE: &str = "rapport_batch_size";
pub const QUEUE_DEPTH: &str = "rapport_queue_depth";
pub const ACTIVE_CONVERSATIONS: &str = "rapport_active_conversations";
pub const ACTIVE_STREAMS: &str = "rapport_active_streams";
pub const SUBSCRIBERS: &str = "rapport_signal_subscribers";
pub const SIGNALS: &str = "rapport_signals_total";
pub const ERRORS: &str = "rapport_errors_total";
pub const TURN_SECONDS: &str = "rapport_turn_seconds";
pub const QUOTA_REJECTIONS: &str = "rapport_quota_rejections_total";
pub const BUILD_INFO: &str = "rapport_build_info";
pub const WEBHOOK_DELIVERIES: &str = "rapport_webhook_deliveries_total";
pub const WEBHOOK_DROPPED: &str = "rapport_webhook_dropped_total";
pub const SUPERVISOR_VIEWERS: &str = "rapport_supervisor_viewers";
pub const AUDIT_DROPPED: &str = "rapport_audit_dropped_total";
pub const INTENT_REREADS: &str = "rapport_intent_rereads_total";

/// The label values each labelled metric starts with (at zero).
const TURN_LABELS: &[(&str, &str)] = &[
    ("customer", "assessed"),
    ("customer", "refused"),
    ("bot", "recorded"),
    ("agent", "recorded"),
    ("any", "duplicate"),
    ("any", "refused"),
];
const SIGNAL_LABELS: &[(&str, &str)] = &[
    ("escalate", "explicit_human_request"),
    ("escalate", "escalation_risk"),
    ("escalate", "sustained_frustration"),
    ("escalate", "frustration_spike"),
    ("escalate", "repetition"),
    ("escalate", "bot_fallback_streak"),
    ("switch_channel", "channel_requested"),
    ("switch_channel", "connection_trouble"),
    ("switch_channel", "complaint_growing"),
];
const ERROR_CODES: &[&str] = &[
    "invalid_argument",
    "resource_exhausted",
    "not_found",
    "unavailable",
    "internal",
];
/// Outcomes of a webhook delivery: accepted by the receiver, refused by it for good (4xx),
/// or given up after retrying for the configured time.
pub const WEBHOOK_OUTCOMES: &[&str] = &["delivered", "rejected", "gave_up"];

/// Installs the process-wide recorder once and returns its handle; every metric is then
/// described and present. Later calls return the same handle.
pub fn install() -> Result<PrometheusHandle, String> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Suffix("_seconds".into()),
            &[
                0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.0,
            ],
        )
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Full(BATCH_SIZE.into()),
                &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0],
            )
        })
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| e.to_string())?;
    let handle = HANDLE.get_or_init(|| handle).clone();
    describe();
    register_at_zero();
    Ok(handle)
}

/// `rapport_build_info{version, model_version} 1`.
pub fn build_info(model_version: &str) {
    gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION"), "model_version" => model_version.to_string())
        .set(1.0);
}

fn describe() {
    describe_counter!(TURNS, "Turns processed, by speaker and outcome");
    describe_histogram!(INFERENCE_SECONDS, "Model run time per batch");
    describe_histogram!(BATCH_SIZE, "Utterances per model run");
    describe_gauge!(QUEUE_DEPTH, "Utterances waiting for the inference thread");
    describe_gauge!(ACTIVE_CONVERSATIONS, "Conversations held in memory");
    describe_gauge!(ACTIVE_STREAMS, "Open Converse streams");
    describe_gauge!(SUBSCRIBERS, "Open SubscribeSignals streams");
    describe_counter!(SIGNALS, "Signals emitted, by kind and reason");
    describe_counter!(ERRORS, "Requests refused, by gRPC status code");
    describe_histogram!(
        TURN_SECONDS,
        "Time from receiving a customer turn to its assessment"
    );
    describe_counter!(
        QUOTA_REJECTIONS,
        "Turns refused by a per-tenant quota, by kind"
    );
    describe_gauge!(
        BUILD_INFO,
        "Always 1; the rapport version and the model version as labels"
    );
    describe_counter!(
        WEBHOOK_DELIVERIES,
        "Webhook deliveries finished, by outcome (delivered, rejected, gave_up)"
    );
    describe_counter!(
        WEBHOOK_DROPPED,
        "Signals dropped because a webhook's queue was full"
    );
    describe_gauge!(SUPERVISOR_VIEWERS, "Open supervisor page event streams");
    describe_counter!(
        AUDIT_DROPPED,
        "Signals not written to the audit file because its buffer was full"
    );
    describe_counter!(
        INTENT_REREADS,
        "Customer turns read a second time, alone, for their intents"
    );
}

/// Every metric, with its known label values, at zero.
fn register_at_zero() {
    for (speaker, outcome) in TURN_LABELS {
        counter!(TURNS, "speaker" => *speaker, "outcome" => *outcome).absolute(0);
    }
    for (kind, reason) in SIGNAL_LABELS {
        counter!(SIGNALS, "kind" => *kind, "reason" => *reason).absolute(0);
    }
    for code in ERROR_CODES {
        counter!(ERRORS, "code" => *code).absolute(0);
    }
    for outcome in WEBHOOK_OUTCOMES {
        counter!(WEBHOOK_DELIVERIES, "outcome" => *outcome).absolute(0);
    }
    counter!(WEBHOOK_DROPPED).absolute(0);
    counter!(AUDIT_DROPPED).absolute(0);
    counter!(INTENT_REREADS).absolute(0);
    for kind in ["turns", "conversations"] {
        counter!(QUOTA_REJECTIONS, "kind" => kind).absolute(0);
    }
    for name in [INFERENCE_SECONDS, BATCH_SIZE, TURN_SECONDS] {
        let _ = histogram!(name);
    }
    for name in [
        QUEUE_DEPTH,
        ACTIVE_CONVERSATIONS,
        ACTIVE_STREAMS,
        SUBSCRIBERS,
        SUPERVISOR_VIEWERS,
    ] {
        gauge!(name).increment(0.0);
    }
}

pub fn set_queue_depth(depth: usize) {
    gauge!(QUEUE_DEPTH).set(depth as f64);
}

pub fn record_batch(size: usize, took: Duration) {
    histogram!(BATCH_SIZE).record(size as f64);
    histogram!(INFERENCE_SECONDS).record(took.as_secs_f64());
}

/// A customer turn read again alone for its intents (`nlu::reread`).
pub fn intent_reread() {
    counter!(INTENT_REREADS).increment(1);
}

pub fn turn(speaker: &'static str, outcome: &'static str) {
    counter!(TURNS, "speaker" => speaker, "outcome" => outcome).increment(1);
}

pub fn turn_latency(took: Duration) {
    histogram!(TURN_SECONDS).record(took.as_secs_f64());
}

pub fn signal(kind: &'static str, reason: &'static str) {
    counter!(SIGNALS, "kind" => kind, "reason" => reason).increment(1);
}

pub fn error(code: &'static str) {
    counter!(ERRORS, "code" => code).increment(1);
}

/// A per-tenant quota refused a turn; `tenant` only when `[quotas] tenant_label` is on.
pub fn quota_rejected(kind: &'static str, tenant: Option<&str>) {
    match tenant {
        Some(tenant) => {
            counter!(QUOTA_REJECTIONS, "kind" => kind, "tenant" => tenant.to_string()).increment(1)
        }
        None => counter!(QUOTA_REJECTIONS, "kind" => kind).increment(1),
    }
}

pub fn set_active_conversations(n: usize) {
    gauge!(ACTIVE_CONVERSATIONS).set(n as f64);
}

pub fn stream_opened(gauge_name: &'static str) {
    gauge!(gauge_name).increment(1.0);
}

pub fn stream_closed(gauge_name: &'static str) {
    gauge!(gauge_name).decrement(1.0);
}

pub fn webhook_delivery(outcome: &'static str) {
    counter!(WEBHOOK_DELIVERIES, "outcome" => outcome).increment(1);
}

pub fn audit_dropped(n: u64) {
    counter!(AUDIT_DROPPED).increment(n);
}

pub fn webhook_dropped() {
    counter!(WEBHOOK_DROPPED).increment(1);
}
