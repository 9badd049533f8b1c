//! What the page shows, as JSON: a row per live conversation and one conversation's detail.
//! Built from the store (text already redacted there) and the board's signals. Sequences are
//! strings: in cluster mode they exceed 2^53, past which a JavaScript number rounds them.

use std::sync::Arc;

use serde::Serialize;

use super::access::TenantFilter;
use super::board::Board;
use crate::conversation::{Channel, RecordedTurn, TimelinePoint, Trend};
use crate::pipeline::{Pipeline, now_ms};
use crate::policy::{Priority, Reason, SignalKind};
use crate::signals::{Evidence, Signal, build_handoff};
use crate::store::{Conversation, ConversationKey};

/// Most rows sent to a page.
const MAX_ROWS: usize = 500;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub tenant_id: String,
    pub conversation_id: String,
    pub channel: Channel,
    pub customer_turns: u32,
    pub frustration: f32,
    pub peak_frustration: f32,
    pub trend: Trend,
    pub escalated: bool,
    pub waiting_ms: u64,
    /// Smoothed frustration after each customer turn in the timeline, oldest first.
    pub sparkline: Vec<f32>,
    pub signals: Vec<SignalView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignalView {
    pub id: String,
    /// The signal's sequence in decimal, as a string (exact in JavaScript).
    pub sequence: String,
    pub tenant_id: String,
    pub conversation_id: String,
    pub turn_id: String,
    pub kind: SignalKind,
    pub priority: Priority,
    pub rule_id: &'static str,
    pub reasons: Vec<Reason>,
    pub explanation: String,
    pub evidence: Evidence,
    pub target_channel: Option<Channel>,
    pub emitted_at_ms: u64,
}

impl From<&Signal> for SignalView {
    fn from(signal: &Signal) -> Self {
        Self {
            id: signal.id.clone(),
            sequence: signal.sequence.to_string(),
            tenant_id: signal.tenant_id.clone(),
            conversation_id: signal.conversation_id.clone(),
            turn_id: signal.turn_id.clone(),
            kind: signal.kind,
            priority: signal.priority,
            rule_id: signal.rule_id,
            reasons: signal.reasons.clone(),
            explanation: signal.explanation.clone(),
            evidence: signal.evidence.clone(),
            target_channel: signal.target_channel,
            emitted_at_ms: signal.emitted_at_ms,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub row: Row,
    pub summary: String,
    pub recent_turns: Vec<RecordedTurn>,
    pub timeline: Vec<TimelinePoint>,
    pub bot_failed_attempts: Vec<std::sync::Arc<str>>,
}

fn row(key: &ConversationKey, conversation: &Conversation, signals: Vec<Arc<Signal>>) -> Row {
    let state = &conversation.state;
    Row {
        tenant_id: key.tenant_id.clone(),
        conversation_id: key.conversation_id.clone(),
        channel: state.channel,
        customer_turns: state.customer_turns,
        frustration: state.frustration,
        peak_frustration: state.peak_frustration,
        trend: state.trend,
        escalated: conversation.policy.escalated,
        waiting_ms: state.waiting_ms(now_ms()),
        sparkline: state
            .timeline
            .iter()
            .map(|point| point.conversation_frustration)
            .collect(),
        signals: signals.iter().map(|s| SignalView::from(&**s)).collect(),
    }
}

/// Rows of the live conversations `filter` allows: escalated first, then the most frustrated.
/// Forgets the board's signals of conversations no longer held.
pub fn rows(pipeline: &Pipeline, board: &Board, filter: &TenantFilter) -> Vec<Row> {
    let mut rows = Vec::new();
    pipeline.store().for_each(|key, conversation| {
        if filter.allows(&key.tenant_id) {
            rows.push(row(key, conversation, board.signals(key)));
        }
    });
    board.retain(|key| pipeline.store().read(key, |_| ()).is_some());
    rows.sort_by(|a, b| {
        b.escalated
            .cmp(&a.escalated)
            .then(b.frustration.total_cmp(&a.frustration))
            .then_with(|| a.conversation_id.cmp(&b.conversation_id))
    });
    rows.truncate(MAX_ROWS);
    rows
}

/// One conversation in full, if it is held and allowed.
pub fn detail(
    pipeline: &Pipeline,
    board: &Board,
    filter: &TenantFilter,
    key: &ConversationKey,
) -> Option<Detail> {
    if !filter.allows(&key.tenant_id) {
        return None;
    }
    let conversation = pipeline.store().get(key)?;
    let handoff = build_handoff(&conversation.state.snapshot());
    Some(Detail {
        row: row(key, &conversation, board.signals(key)),
        summary: handoff.summary,
        recent_turns: handoff.recent_turns,
        timeline: handoff.emotion_timeline,
        bot_failed_attempts: handoff.bot_failed_attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_above_2_pow_53_reach_the_page_exactly() {
        let sequence = (1_795_000_000_123_u64 << 20) | 7;
        assert!(sequence > 1 << 53);
        let signal = crate::signals::signal::sample("s", sequence);
        let json = serde_json::to_value(SignalView::from(&signal)).unwrap();
        assert_eq!(json["sequence"], serde_json::json!(sequence.to_string()));
    }
}
