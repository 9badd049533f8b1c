//! Webhook sink: every signal a webhook's filter accepts is POSTed to its URL as the same JSON
//! the audit file holds, signed, with the signal id as idempotency key, retried with backoff.
//!
//! Fed by [`SignalHub::sink_feed`]: alone, the signals this replica made; in cluster mode, the
//! signals the cluster's consumer group hands this replica, each POSTed by one replica while
//! none fails, and by another one after the first died with it unfinished (at least once: a
//! receiver drops repeats by the idempotency key, the signal id). A signal's receipt is taken
//! when its delivery ended (delivered, refused, given up after `retry_for_secs`, or dropped
//! from a full queue), not when shutdown cut it short.
//!
//! Never on the turn path: each webhook has its own tasks fed by a hub subscription. One task
//! moves signals from the hub into a bounded queue (a full queue drops the signal and counts
//! it in `rapport_webhook_dropped_total`); another delivers them one at a time, in order.
//! Plain `http://` only: TLS endpoints need a TLS connector (e.g. `hyper-rustls`) or a
//! TLS-terminating sidecar.

mod config;
mod deliver;
mod retry;
mod sign;

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use config::WebhookConfig;
pub use sign::{IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};

use super::{SignalHub, SinkEvent};
use crate::telemetry;

/// Starts every webhook's tasks; they stop when `shutdown` is cancelled.
pub fn spawn_all(
    hub: &Arc<SignalHub>,
    webhooks: &[WebhookConfig],
    shutdown: CancellationToken,
) -> Result<(), String> {
    let checked: Vec<_> = webhooks
        .iter()
        .map(|webhook| webhook.check().map(|target| (webhook, target)))
        .collect::<Result<_, _>>()?;
    for (webhook, target) in checked {
        let (queue, mut queued) = mpsc::channel::<deliver::Job>(webhook.queue_capacity.max(1));
        let mut feed = hub.sink_feed(webhook.filter()?);
        let stop = shutdown.clone();
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    () = stop.cancelled() => return,
                    event = feed.next() => event,
                };
                let (signal, receipt) = match event {
                    Some(SinkEvent::Signal(signal, receipt)) => (signal, receipt),
                    Some(SinkEvent::Gap { .. }) => continue,
                    None => return,
                };
                let job = match deliver::Job::new(&signal, receipt) {
                    Ok(job) => job,
                    Err(error) => {
                        tracing::error!(%error, "signal not serialisable for a webhook");
                        continue;
                    }
                };
                if let Err(mpsc::error::TrySendError::Full(job)) = queue.try_send(job) {
                    telemetry::webhook_dropped();
                    tracing::warn!(signal = %job.id, "webhook queue full: signal dropped");
                    job.receipt.taken();
                }
            }
        });
        let stop = shutdown.clone();
        let client = deliver::Client::new(target, webhook);
        tokio::spawn(async move {
            loop {
                let job = tokio::select! {
                    () = stop.cancelled() => return,
                    job = queued.recv() => job,
                };
                let Some(job) = job else { return };
                let outcome = client.deliver(&job, &stop).await;
                telemetry::webhook_delivery(outcome.label());
                if stop.is_cancelled() {
                    // Cut short: left owed (in cluster mode another replica takes it over).
                    return;
                }
                job.receipt.taken();
            }
        });
    }
    Ok(())
}
