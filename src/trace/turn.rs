//! One turn's trace: the stage timings collected while the turn goes through the service
//! (on whichever thread each stage ran), turned into a `turn` span with one child span per
//! stage when the turn is answered.

use std::time::{Instant, SystemTime};

use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::SdkTracer;

/// The turns of one Converse stream: the tracer and the client's span, if it sent one.
#[derive(Clone)]
pub struct StreamTrace {
    tracer: SdkTracer,
    parent: Context,
}

impl StreamTrace {
    pub(super) fn new(tracer: SdkTracer, parent: Option<Context>) -> Self {
        Self {
            tracer,
            parent: parent.unwrap_or_default(),
        }
    }

    /// Starts collecting a turn that arrived now.
    pub fn turn(&self) -> TurnTrace {
        TurnTrace {
            tracer: self.tracer.clone(),
            parent: self.parent.clone(),
            started: Instant::now(),
            stages: Vec::with_capacity(5),
            attributes: Vec::with_capacity(8),
        }
    }
}

struct Stage {
    name: &'static str,
    start: Instant,
    end: Instant,
    attributes: Vec<KeyValue>,
}

/// A turn being traced: when it arrived and when each of its stages ran.
pub struct TurnTrace {
    tracer: SdkTracer,
    parent: Context,
    started: Instant,
    stages: Vec<Stage>,
    attributes: Vec<KeyValue>,
}

impl TurnTrace {
    /// A stage of this turn ran from `start` to `end`.
    pub fn stage(&mut self, name: &'static str, start: Instant, end: Instant) {
        self.stage_with(name, start, end, Vec::new());
    }

    /// A stage with attributes of its own (the batch size of an inference).
    pub fn stage_with(
        &mut self,
        name: &'static str,
        start: Instant,
        end: Instant,
        attributes: Vec<KeyValue>,
    ) {
        self.stages.push(Stage {
            name,
            start,
            end,
            attributes,
        });
    }

    /// An attribute of the turn span (ids, speaker, outcome; never text).
    pub fn attribute(&mut self, attribute: KeyValue) {
        self.attributes.push(attribute);
    }

    /// The turn was answered now: builds its span and the stage spans under it and hands them
    /// to the exporter (which sends them later, off the turn's path). `error`: why the turn
    /// was refused, if it was.
    pub fn finish(self, error: Option<String>) {
        let (now, wall) = (Instant::now(), SystemTime::now());
        let at = |t: Instant| wall - now.saturating_duration_since(t);
        let mut turn = self
            .tracer
            .span_builder("turn")
            .with_kind(SpanKind::Server)
            .with_start_time(at(self.started))
            .with_attributes(self.attributes)
            .start_with_context(&self.tracer, &self.parent);
        if let Some(description) = error {
            turn.set_status(Status::error(description));
        }
        let context = self.parent.with_span(turn);
        for stage in self.stages {
            let mut span = self
                .tracer
                .span_builder(stage.name)
                .with_kind(SpanKind::Internal)
                .with_start_time(at(stage.start))
                .with_attributes(stage.attributes)
                .start_with_context(&self.tracer, &context);
            span.end_with_timestamp(at(stage.end));
        }
        context.span().end_with_timestamp(wall);
    }
}
