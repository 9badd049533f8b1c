//! `[[signals.webhooks]]`: where to POST signals, which ones, and how hard to try.

use serde::{Deserialize, Serialize};

use crate::policy::SignalKind;
use crate::signals::SignalFilter;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookConfig {
    /// `http://host:port/path` the signals are POSTed to.
    pub url: String,
    /// Only these tenants' signals; all when empty.
    pub tenants: Vec<String>,
    /// Only these kinds (`escalate`, `switch_channel`); all when empty.
    pub kinds: Vec<String>,
    /// HMAC-SHA256 key of the `X-Rapport-Signature` header; unsigned when absent.
    pub secret: Option<String>,
    /// One attempt's time limit, in milliseconds.
    pub timeout_ms: u64,
    /// How long one signal is retried before it is given up, in seconds.
    pub retry_for_secs: u64,
    /// The backoff cap of the first retry (doubling per retry, full jitter), in milliseconds.
    pub initial_backoff_ms: u64,
    /// The largest backoff cap, in milliseconds.
    pub max_backoff_ms: u64,
    /// Signals waiting for delivery before new ones are dropped.
    pub queue_capacity: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            tenants: Vec::new(),
            kinds: Vec::new(),
            secret: None,
            timeout_ms: 5_000,
            retry_for_secs: 300,
            initial_backoff_ms: 250,
            max_backoff_ms: 30_000,
            queue_capacity: 1_000,
        }
    }
}

impl WebhookConfig {
    /// The URL, checked: plain `http://` with a host.
    pub fn check(&self) -> Result<axum::http::Uri, String> {
        let fail = |why: &str| format!("[[signals.webhooks]] url {:?}: {why}", self.url);
        let uri: axum::http::Uri = self.url.parse().map_err(|e| fail(&format!("{e}")))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(fail(
                    "https is not built in; use a TLS-terminating proxy on loopback",
                ));
            }
            _ => return Err(fail("expected http://host:port/path")),
        }
        if uri.host().is_none() {
            return Err(fail("no host"));
        }
        self.filter()?;
        Ok(uri)
    }

    /// The hub filter of this webhook.
    pub fn filter(&self) -> Result<SignalFilter, String> {
        let kinds = self
            .kinds
            .iter()
            .map(|kind| {
                [SignalKind::Escalate, SignalKind::SwitchChannel]
                    .into_iter()
                    .find(|k| k.as_str() == kind)
                    .ok_or_else(|| {
                        format!("[[signals.webhooks]] kind {kind:?}: expected escalate or switch_channel")
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(SignalFilter {
            tenants: self.tenants.clone(),
            kinds,
            min_priority: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(url: &str) -> WebhookConfig {
        WebhookConfig {
            url: url.into(),
            ..WebhookConfig::default()
        }
    }

    #[test]
    fn accepts_plain_http_and_refuses_the_rest() {
        assert!(webhook("http://127.0.0.1:8080/hook").check().is_ok());
        assert!(webhook("https://example.com/hook").check().is_err());
        assert!(webhook("").check().is_err());
        assert!(webhook("ftp://x/y").check().is_err());
        let bad_kind = WebhookConfig {
            kinds: vec!["escalation".into()],
            ..webhook("http://x/y")
        };
        assert!(bad_kind.check().is_err());
    }
}
