//! What eval reads from a customer turn's facts — the ONLY place it does: the turn score,
//! the conversation's risk and the feature columns of `--features`. Repoint these when the
//! model or the conversation state gains better signals.

use crate::conversation::{CueKind, TurnFacts};

/// How frustrated this one turn reads (ranked against the turn's `frustrated` label).
pub fn turn_score(facts: &TurnFacts) -> f32 {
    facts.scores.frustration // today: the model's turn frustration
}

/// How much the conversation so far calls for a person (its peak is ranked per dialogue).
pub fn risk(facts: &TurnFacts) -> f32 {
    facts.conversation_frustration // today: the smoothed (EWMA) conversation frustration
}

/// The feature columns of one customer turn, in CSV order; `customer_turn` counts customer
/// turns from 0.
pub fn feature_columns(facts: &TurnFacts, customer_turn: usize) -> Vec<(&'static str, f32)> {
    let flag = |kind| if facts.has_cue(kind) { 1.0 } else { 0.0 };
    vec![
        ("turn_frustration", facts.scores.frustration),
        ("negative_prob", facts.scores.sentiment.negative),
        ("conversation_frustration", facts.conversation_frustration),
        ("frustration_slope", facts.slope),
        ("consecutive_negative", facts.consecutive_negative as f32),
        ("bot_fallback_streak", facts.bot_fallback_streak as f32),
        ("repetition_cue", flag(CueKind::Repetition)),
        ("human_request_cue", flag(CueKind::HumanRequest)),
        ("customer_turn", customer_turn as f32),
    ]
}
