//! W3C trace context (`traceparent`, `tracestate`) read from a gRPC call's metadata, so a turn's
//! span joins the client's trace.

use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tonic::metadata::{KeyRef, MetadataMap};

struct Metadata<'a>(&'a MetadataMap);

impl Extractor for Metadata<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .filter_map(|key| match key {
                KeyRef::Ascii(key) => Some(key.as_str()),
                KeyRef::Binary(_) => None,
            })
            .collect()
    }
}

/// The client's span context from `traceparent` (and `tracestate`), or `None` when there is
/// none or it does not parse (the turn then starts a trace of its own).
pub fn parent_from_metadata(metadata: &MetadataMap) -> Option<Context> {
    let context = TraceContextPropagator::new().extract(&Metadata(metadata));
    context.span().span_context().is_valid().then_some(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_traceparent_and_ignores_garbage() {
        let mut metadata = MetadataMap::new();
        assert!(parent_from_metadata(&metadata).is_none());
        metadata.insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        );
        let context = parent_from_metadata(&metadata).expect("a parent");
        let span = context.span().span_context().clone();
        assert_eq!(
            span.trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert!(span.is_sampled() && span.is_remote());
        metadata.insert("traceparent", "00-zz-00-01".parse().unwrap());
        assert!(parent_from_metadata(&metadata).is_none());
    }
}
