//! Prometheus metrics: names, help texts, histogram buckets and the `/metrics` listener.
//! Labels carry kinds, reasons and status codes only: never tenants' personal data or
//! conversation ids.

use std::net::SocketAddr;
use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

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

/// Serves `/metrics` on `addr` and describes every metric.
pub fn install(addr: SocketAddr) -> Result<(), String> {
    PrometheusBuilder::new()
        .with_http_listener(addr)
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
        .install()
        .map_err(|e| e.to_string())?;
    describe();
    Ok(())
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
}

pub fn set_queue_depth(depth: usize) {
    gauge!(QUEUE_DEPTH).set(depth as f64);
}

pub fn record_batch(size: usize, took: Duration) {
    histogram!(BATCH_SIZE).record(size as f64);
    histogram!(INFERENCE_SECONDS).record(took.as_secs_f64());
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
