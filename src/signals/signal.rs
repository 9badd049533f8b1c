//! A signal: what fired, why, on which evidence, and the context for whoever takes over.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Handoff, build_handoff};
use crate::conversation::{Channel, Cue, Risk, Snapshot, TurnFacts};
use crate::policy::{Decision, Priority, Reason, SignalKind};

/// The facts a rule fired on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Customer turns looked at, oldest first.
    pub turn_ids: Vec<String>,
    pub turn_frustration: f32,
    pub conversation_frustration: f32,
    pub frustration_slope: f32,
    pub consecutive_negative: u32,
    pub bot_fallback_streak: u32,
    pub cues: Vec<Cue>,
    pub turn_dissatisfaction: f32,
    /// The risk model's reading at this turn, with the operating point in force.
    pub risk: Risk,
}

/// A rule id, e.g. `escalate.sustained-frustration` (an alias, so serde does not borrow it).
pub type RuleId = &'static str;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// Same (tenant, conversation, turn, rule) → same id.
    pub id: String,
    /// Assigned by the hub when published; 0 before.
    pub sequence: u64,
    pub kind: SignalKind,
    pub priority: Priority,
    pub tenant_id: String,
    pub conversation_id: String,
    pub turn_id: String,
    pub reasons: Vec<Reason>,
    #[serde(deserialize_with = "crate::cluster::codec::interned")]
    pub rule_id: RuleId,
    pub explanation: String,
    pub evidence: Evidence,
    pub current_channel: Channel,
    pub target_channel: Option<Channel>,
    pub handoff: Handoff,
    pub model_version: Arc<str>,
    pub emitted_at_ms: u64,
}

/// Where a signal belongs and when it was made.
pub struct Origin<'a> {
    pub tenant_id: &'a str,
    pub conversation_id: &'a str,
    pub model_version: &'a Arc<str>,
    pub now_ms: u64,
}

impl Signal {
    pub fn new(
        decision: Decision,
        origin: &Origin<'_>,
        state: &Snapshot,
        facts: &TurnFacts,
    ) -> Self {
        const EVIDENCE_TURNS: usize = 4;
        Self {
            id: signal_id(
                origin.tenant_id,
                origin.conversation_id,
                &facts.turn_id,
                decision.rule_id,
            ),
            sequence: 0,
            kind: decision.kind,
            priority: decision.priority,
            tenant_id: origin.tenant_id.to_string(),
            conversation_id: origin.conversation_id.to_string(),
            turn_id: facts.turn_id.clone(),
            reasons: decision.reasons,
            rule_id: decision.rule_id,
            explanation: decision.explanation,
            evidence: Evidence {
                turn_ids: state.recent_customer_turn_ids(EVIDENCE_TURNS),
                turn_frustration: facts.scores.frustration,
                conversation_frustration: facts.conversation_frustration,
                frustration_slope: facts.slope,
                consecutive_negative: facts.consecutive_negative,
                bot_fallback_streak: facts.bot_fallback_streak,
                cues: facts.cues.clone(),
                turn_dissatisfaction: facts.scores.dissatisfaction,
                risk: facts.risk.clone(),
            },
            current_channel: state.channel,
            target_channel: decision.target_channel,
            handoff: build_handoff(state),
            model_version: origin.model_version.clone(),
            emitted_at_ms: origin.now_ms,
        }
    }
}

/// A name-based UUID (v5) of the signal's identity.
fn signal_id(tenant: &str, conversation: &str, turn: &str, rule: &str) -> String {
    let name = [tenant, conversation, turn, rule].join("\u{1f}");
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes()).to_string()
}

/// A minimal escalation signal for tests: one id, one sequence, every other field empty.
#[cfg(test)]
pub fn sample(id: &str, sequence: u64) -> Signal {
    serde_json::from_value(serde_json::json!({
        "id": id, "sequence": sequence, "kind": "escalate", "priority": "high",
        "tenant_id": "t", "conversation_id": "c", "turn_id": "1",
        "reasons": ["explicit_human_request"], "rule_id": "escalate.explicit-human-request",
        "explanation": "", "evidence": {"turn_ids": [], "turn_frustration": 0.0,
        "conversation_frustration": 0.0, "frustration_slope": 0.0, "consecutive_negative": 0,
        "bot_fallback_streak": 0, "cues": [], "turn_dissatisfaction": 0.0,
        "risk": {"value": 0.0, "operating_point": 0.5, "drivers": []}}, "current_channel": "chat",
        "target_channel": null, "handoff": {"recent_turns": [], "emotion_timeline": [],
        "bot_failed_attempts": [], "summary": ""}, "model_version": "m", "emitted_at_ms": 0
    }))
    .expect("the sample signal deserialises")
}

#[cfg(test)]
mod tests {
    use super::signal_id;

    #[test]
    fn ids_are_stable_and_distinct_per_turn_and_rule() {
        let a = signal_id("t", "c", "7", "escalate.sustained-frustration");
        assert_eq!(
            a,
            signal_id("t", "c", "7", "escalate.sustained-frustration")
        );
        assert_ne!(
            a,
            signal_id("t", "c", "8", "escalate.sustained-frustration")
        );
        assert_ne!(a, signal_id("t", "c", "7", "switch.channel-requested"));
        assert_ne!(
            signal_id("t", "c1", "7", "r"),
            signal_id("t", "c", "17", "r")
        );
    }
}
