//! What the escalation-risk model reads of a conversation after each customer turn.
//!
//! Plain numbers computed by the state machine from the scores and the history it keeps: the
//! turn's dissatisfaction and frustration, their smoothed level, peak and trend, streaks,
//! repetition, bot fallbacks, explicit requests, waiting and turn position. `models/fit_risk.py`
//! fits the risk model on these columns (dumped by `rapport eval --features`), and
//! `policy::RiskModel` weighs them by name, so adding a feature here is a retrain, not a code
//! change elsewhere.

/// Counts enter the model capped, so one long conversation cannot dominate it.
const COUNT_CAP: f32 = 5.0;

/// The risk model's inputs after one customer turn.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RiskFeatures {
    pub dissatisfaction: f32,
    pub dissatisfaction_smoothed: f32,
    pub dissatisfaction_peak: f32,
    pub dissatisfaction_previous: f32,
    /// Sum of turn dissatisfaction so far, log(1 + x).
    pub dissatisfaction_total: f32,
    pub frustration: f32,
    pub frustration_smoothed: f32,
    pub frustration_peak: f32,
    pub frustration_slope: f32,
    pub negative_sentiment: f32,
    pub consecutive_negative: f32,
    pub bot_fallback_streak: f32,
    pub repeated: f32,
    pub repetitions: f32,
    /// Probability that the customer asks for a person (1 for a pattern match).
    pub person_request: f32,
    pub complaint: f32,
    /// log(1 + customer turns so far).
    pub turn_position: f32,
    /// log(1 + seconds the customer waited for an answer before this turn).
    pub waited: f32,
}

impl RiskFeatures {
    /// Every feature by name, in a fixed order (the columns of `rapport eval --features`).
    pub fn named(&self) -> [(&'static str, f32); 18] {
        [
            ("dissatisfaction", self.dissatisfaction),
            ("dissatisfaction_smoothed", self.dissatisfaction_smoothed),
            ("dissatisfaction_peak", self.dissatisfaction_peak),
            ("dissatisfaction_previous", self.dissatisfaction_previous),
            ("dissatisfaction_total", self.dissatisfaction_total),
            ("frustration", self.frustration),
            ("frustration_smoothed", self.frustration_smoothed),
            ("frustration_peak", self.frustration_peak),
            ("frustration_slope", self.frustration_slope),
            ("negative_sentiment", self.negative_sentiment),
            ("consecutive_negative", self.consecutive_negative),
            ("bot_fallback_streak", self.bot_fallback_streak),
            ("repeated", self.repeated),
            ("repetitions", self.repetitions),
            ("person_request", self.person_request),
            ("complaint", self.complaint),
            ("turn_position", self.turn_position),
            ("waited", self.waited),
        ]
    }

    /// The value of one feature by name.
    pub fn get(&self, name: &str) -> Option<f32> {
        self.named()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// One term of the risk: a feature, its value and how far it moved the log-odds from the
/// training average (positive: towards escalation).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RiskDriver {
    pub feature: &'static str,
    pub value: f32,
    pub contribution: f32,
}

/// The risk model's reading of the conversation after one customer turn.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Risk {
    /// Probability, 0..1, that the conversation needs a person by now.
    pub value: f32,
    /// The escalation operating point in force: the tenant's, else the model's default.
    pub operating_point: f32,
    /// Strongest positive contributions first.
    pub drivers: Vec<RiskDriver>,
}

/// A count as the model reads it.
pub fn capped(count: u32) -> f32 {
    (count as f32).min(COUNT_CAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_looked_up_by_name() {
        let features = RiskFeatures {
            waited: 2.5,
            ..RiskFeatures::default()
        };
        let names: std::collections::HashSet<_> = features.named().map(|(n, _)| n).into();
        assert_eq!(names.len(), 18);
        assert_eq!(features.get("waited"), Some(2.5));
        assert_eq!(features.get("nonsense"), None);
        assert_eq!(capped(9), 5.0);
    }
}
