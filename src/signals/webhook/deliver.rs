//! One signal to one webhook: POST, and retry transient failures within the time budget.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{Method, Request, Uri, header};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio_util::sync::CancellationToken;

use super::WebhookConfig;
use super::retry::{Verdict, cap, jittered, verdict};
use super::sign::{IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use crate::signals::{Receipt, Signal};

/// A signal ready to send: its id, its JSON body (the audit file's line) and its receipt.
pub struct Job {
    pub id: String,
    body: Bytes,
    /// Taken when the delivery ended.
    pub receipt: Receipt,
}

impl Job {
    /// The job of a signal. A signal that does not serialise cannot be delivered by any
    /// replica: it is given up (its receipt taken) with the error.
    pub fn new(signal: &Signal, receipt: Receipt) -> serde_json::Result<Self> {
        match serde_json::to_vec(signal) {
            Ok(body) => Ok(Self {
                id: signal.id.clone(),
                body: body.into(),
                receipt,
            }),
            Err(error) => {
                receipt.taken();
                Err(error)
            }
        }
    }
}

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Rejected,
    GaveUp,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Rejected => "rejected",
            Self::GaveUp => "gave_up",
        }
    }
}

pub struct Client {
    http: HttpClient<HttpConnector, Full<Bytes>>,
    target: Uri,
    secret: Option<Vec<u8>>,
    timeout: Duration,
    retry_for: Duration,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Client {
    pub fn new(target: Uri, config: &WebhookConfig) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_millis(config.timeout_ms)));
        Self {
            http: HttpClient::builder(TokioExecutor::new()).build(connector),
            target,
            secret: config.secret.as_ref().map(|s| s.as_bytes().to_vec()),
            timeout: Duration::from_millis(config.timeout_ms),
            retry_for: Duration::from_secs(config.retry_for_secs),
            initial_backoff: Duration::from_millis(config.initial_backoff_ms),
            max_backoff: Duration::from_millis(config.max_backoff_ms),
        }
    }

    /// Tries until delivered, refused for good, out of time or shut down.
    pub async fn deliver(&self, job: &Job, shutdown: &CancellationToken) -> Outcome {
        let deadline = Instant::now() + self.retry_for;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let status = self.attempt(job, attempt).await;
            match verdict(status) {
                Verdict::Delivered => return Outcome::Delivered,
                Verdict::Rejected => {
                    tracing::warn!(signal = %job.id, ?status, "webhook refused the signal");
                    return Outcome::Rejected;
                }
                Verdict::Retry => {}
            }
            let wait = jittered(cap(attempt - 1, self.initial_backoff, self.max_backoff));
            if Instant::now() + wait > deadline {
                tracing::warn!(signal = %job.id, attempt, ?status, "webhook: giving up");
                return Outcome::GaveUp;
            }
            tracing::debug!(signal = %job.id, attempt, ?status, ?wait, "webhook: retrying");
            tokio::select! {
                () = shutdown.cancelled() => return Outcome::GaveUp,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One POST; its status, or `None` on timeout or connection error.
    async fn attempt(&self, job: &Job, attempt: u32) -> Option<u16> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(self.target.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(
                header::USER_AGENT,
                concat!("rapport/", env!("CARGO_PKG_VERSION")),
            )
            .header(IDEMPOTENCY_HEADER, &job.id)
            .header(TIMESTAMP_HEADER, timestamp)
            .header("x-rapport-attempt", attempt);
        if let Some(secret) = &self.secret {
            request = request.header(SIGNATURE_HEADER, signature(secret, timestamp, &job.body));
        }
        let request = request.body(Full::new(job.body.clone())).ok()?;
        match tokio::time::timeout(self.timeout, self.http.request(request)).await {
            Ok(Ok(response)) => Some(response.status().as_u16()),
            Ok(Err(error)) => {
                tracing::debug!(%error, "webhook: connection failed");
                None
            }
            Err(_) => None,
        }
    }
}
