//! Distributed tracing (`[tracing]`): one OpenTelemetry span per turn with a child span per
//! stage (tokenize, queue wait, inference, apply, publish), exported over OTLP/HTTP (protobuf)
//! to a collector. Off by default.
//!
//! A turn's stages run on different threads (the model on the inference thread), so instead of
//! live spans each turn collects its stage timings ([`TurnTrace`]) and the spans are built with
//! those start and end times once the turn is answered. A client's W3C `traceparent` (gRPC
//! metadata of the Converse call) makes the turn spans children of the client's span. When
//! tracing is off nothing is collected and nothing is exported.

mod propagate;
mod turn;

use std::sync::Arc;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider};
use serde::{Deserialize, Serialize};

pub use propagate::parent_from_metadata;
pub use turn::{StreamTrace, TurnTrace};

/// `[tracing]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TracingConfig {
    /// Base URL of an OTLP/HTTP collector (`http://collector:4318`); spans are POSTed to
    /// `<otlp_endpoint>/v1/traces`. No tracing when unset or empty.
    pub otlp_endpoint: Option<String>,
    /// `service.name` of the exported spans.
    pub service_name: String,
    /// Share of traces kept when the client sent no sampling decision (a `traceparent`'s
    /// sampled flag is followed).
    pub sample_ratio: f64,
}

impl Default for TracingConfig {
    fn default() -> Self {
        Self {
            otlp_endpoint: None,
            service_name: "rapport".into(),
            sample_ratio: 1.0,
        }
    }
}

impl TracingConfig {
    /// The collector's trace URL, when tracing is on.
    pub fn traces_url(&self) -> Option<String> {
        let base = self.otlp_endpoint.as_deref()?.trim();
        if base.is_empty() {
            return None;
        }
        if base.ends_with("/v1/traces") {
            return Some(base.to_string());
        }
        Some(format!("{}/v1/traces", base.trim_end_matches('/')))
    }

    /// Problems with the values, each `tracing.key …`.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(url) = self.traces_url() {
            match url.parse::<axum::http::Uri>() {
                Ok(uri) if uri.scheme_str() == Some("http") && uri.host().is_some() => {}
                Ok(uri) if uri.scheme_str() == Some("https") => problems.push(format!(
                    "tracing.otlp_endpoint must be an http:// URL: rapport has no TLS client \
                     (put a collector on loopback or in the pod) (got {uri})"
                )),
                _ => problems.push(format!(
                    "tracing.otlp_endpoint must be an http://host:port URL (got {url:?})"
                )),
            }
        }
        if self.service_name.trim().is_empty() {
            problems.push("tracing.service_name must not be empty".into());
        }
        if !(0.0..=1.0).contains(&self.sample_ratio) {
            problems.push(format!(
                "tracing.sample_ratio must be in [0, 1] (got {})",
                self.sample_ratio
            ));
        }
        problems
    }
}

/// The exporter, or nothing when tracing is off. Cheap to share.
#[derive(Clone, Default)]
pub struct Tracer {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
}

impl Tracer {
    /// Tracing off.
    pub fn off() -> Self {
        Self::default()
    }

    /// From `[tracing]`: an OTLP/HTTP exporter behind a batching span processor (its own
    /// thread; a turn never waits for the collector), or off when no endpoint is set.
    pub fn from_config(config: &TracingConfig) -> Result<Self, String> {
        let Some(url) = config.traces_url() else {
            return Ok(Self::off());
        };
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url.clone())
            .build()
            .map_err(|e| format!("tracing.otlp_endpoint {url}: {e}"))?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
                config.sample_ratio,
            ))))
            .with_resource(
                Resource::builder()
                    .with_service_name(config.service_name.clone())
                    .build(),
            )
            .build();
        let tracer = provider.tracer("rapport");
        tracing::info!(%url, ratio = config.sample_ratio, "tracing: OTLP/HTTP export on");
        Ok(Self {
            inner: Some(Arc::new(Inner { provider, tracer })),
        })
    }

    pub fn is_on(&self) -> bool {
        self.inner.is_some()
    }

    /// What the turns of one Converse stream are traced under: the client's `traceparent`
    /// from `metadata` (if any). `None` when tracing is off.
    pub fn stream(&self, metadata: &tonic::metadata::MetadataMap) -> Option<StreamTrace> {
        let inner = self.inner.as_ref()?;
        Some(StreamTrace::new(
            inner.tracer.clone(),
            parent_from_metadata(metadata),
        ))
    }

    /// Sends the spans finished so far. Blocks until the collector answered (or timed out):
    /// call it off the async runtime (`spawn_blocking`).
    pub fn flush(&self) -> Result<(), String> {
        match &self.inner {
            Some(inner) => inner.provider.force_flush().map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }

    /// Flushes and stops the exporter (at shutdown). Blocks like [`Tracer::flush`].
    pub fn shutdown(&self) {
        if let Some(inner) = &self.inner
            && let Err(error) = inner.provider.shutdown()
        {
            tracing::warn!(%error, "tracing: the last spans were not exported");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_a_base_url_unless_it_names_the_trace_path() {
        let mut config = TracingConfig::default();
        assert_eq!(config.traces_url(), None);
        config.otlp_endpoint = Some(String::new());
        assert_eq!(config.traces_url(), None);
        config.otlp_endpoint = Some("http://collector:4318/".into());
        assert_eq!(
            config.traces_url().as_deref(),
            Some("http://collector:4318/v1/traces")
        );
        config.otlp_endpoint = Some("http://c:4318/v1/traces".into());
        assert_eq!(
            config.traces_url().as_deref(),
            Some("http://c:4318/v1/traces")
        );
    }

    #[test]
    fn bad_values_are_problems() {
        let config = TracingConfig {
            otlp_endpoint: Some("https://collector:4318".into()),
            service_name: " ".into(),
            sample_ratio: 1.5,
        };
        assert_eq!(config.problems().len(), 3);
        let config = TracingConfig {
            otlp_endpoint: Some("collector".into()),
            ..TracingConfig::default()
        };
        assert_eq!(config.problems().len(), 1);
        let config = TracingConfig {
            otlp_endpoint: Some("http://127.0.0.1:4318".into()),
            sample_ratio: 0.0,
            ..TracingConfig::default()
        };
        assert!(config.problems().is_empty());
        assert!(TracingConfig::default().problems().is_empty());
    }
}
