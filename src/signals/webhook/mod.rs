//! Webhook sink: every signal a webhook's filter accepts is POSTed to its URL as the same JSON
//! the audit file holds, signed, with the signal id as idempotency key, retried with backoff.
//!
//! Only the signals this replica made, once numbered ([`SignalHub::subscribe_made_here`]): in
//! cluster mode each signal is POSTed by one replica, not once per replica.
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

use super::{HubEvent, SignalHub};
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
        let mut subscription = hub.subscribe_made_here(webhook.filter()?);
        let stop = shutdown.clone();
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    () = stop.cancelled() => return,
                    event = subscription.next() => event,
                };
                let signal = match event {
                    Some(HubEvent::Signal(signal)) => signal,
                    Some(HubEvent::Gap { .. }) => continue,
                    None => return,
                };
                let job = match deliver::Job::new(&signal) {
                    Ok(job) => job,
                    Err(error) => {
                        tracing::error!(%error, "signal not serialisable for a webhook");
                        continue;
                    }
                };
                if let Err(mpsc::error::TrySendError::Full(job)) = queue.try_send(job) {
                    telemetry::webhook_dropped();
                    tracing::warn!(signal = %job.id, "webhook queue full: signal dropped");
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
            }
        });
    }
    Ok(())
}
