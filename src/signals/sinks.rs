//! Where published signals go at once besides live subscribers: the log. Sinks run on the
//! publishing task after every lock is released; anything that may block (the audit file,
//! webhooks) is a hub subscriber on its own task instead.

use super::Signal;

pub trait Sink: Send + Sync {
    fn deliver(&self, signal: &Signal);
}

/// One structured log line per signal (ids, kind, rule; no conversation text).
pub struct LogSink;

impl Sink for LogSink {
    fn deliver(&self, signal: &Signal) {
        let reasons: Vec<&str> = signal.reasons.iter().map(|r| r.as_str()).collect();
        tracing::info!(
            sequence = signal.sequence,
            kind = signal.kind.as_str(),
            priority = ?signal.priority,
            rule = signal.rule_id,
            reasons = ?reasons,
            tenant = %signal.tenant_id,
            conversation = %signal.conversation_id,
            turn = %signal.turn_id,
            "signal"
        );
    }
}
