//! Where this replica's signals go at once besides live subscribers: the log. Sinks get a
//! signal once it is numbered (in cluster mode, when the stream hands it back) and only on
//! the replica that made it; they run on the publishing (or stream-reading) task after every
//! lock is released. Anything that may block (the audit file, webhooks) is a
//! [`super::SignalHub::subscribe_made_here`] subscriber on its own task instead.

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
