//! What eval reads from a customer turn's facts — the ONLY place it does: the turn score,
//! the conversation's risk and the feature columns of `--features`.

use crate::conversation::TurnFacts;

/// How dissatisfied this one turn reads (ranked against the turn's `frustrated` label): the
/// model's dissatisfaction head, read with the bot's previous turn.
pub fn turn_score(facts: &TurnFacts) -> f32 {
    facts.scores.dissatisfaction
}

/// The conversation's escalation risk after this turn (its peak is ranked per dialogue).
pub fn risk(facts: &TurnFacts) -> f32 {
    facts.risk.value
}

/// The feature columns of one customer turn, in CSV order: exactly what the risk model reads
/// (`models/fit_risk.py` fits on them).
pub fn feature_columns(facts: &TurnFacts, _customer_turn: usize) -> Vec<(&'static str, f32)> {
    facts.features.named().to_vec()
}
