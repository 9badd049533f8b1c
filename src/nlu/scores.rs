//! What the model says about one utterance.

use std::sync::Arc;

/// Sentiment probabilities; they sum to 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Sentiment {
    pub negative: f32,
    pub neutral: f32,
    pub positive: f32,
}

/// An emotion above its tuned threshold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EmotionScore {
    pub label: Arc<str>,
    pub score: f32,
}

/// Model scores of one utterance.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Scores {
    pub sentiment: Sentiment,
    /// Emotions above their threshold, strongest first, at most [`Scores::MAX_EMOTIONS`].
    pub top_emotions: Vec<EmotionScore>,
    pub frustration: f32,
    /// Unhappy with the service at this turn (read with the bot's previous turn); 0 for models
    /// without the head.
    pub dissatisfaction: f32,
    /// Every intent of the model with its probability, in the model's order.
    pub intents: Vec<IntentScore>,
}

/// An explicit request the model recognises ("person", "voice", "sms", …) and its probability.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IntentScore {
    pub intent: Arc<str>,
    pub probability: f32,
    /// At or above the intent's tuned threshold.
    pub detected: bool,
}

impl Scores {
    pub const MAX_EMOTIONS: usize = 5;

    /// The named intent, if the model has it.
    pub fn intent(&self, name: &str) -> Option<&IntentScore> {
        self.intents.iter().find(|i| &*i.intent == name)
    }

    /// Every intent with its probability, flagged at its threshold.
    pub fn score_intents(
        labels: &[Arc<str>],
        thresholds: &[f32],
        probs: &[f32],
    ) -> Vec<IntentScore> {
        labels
            .iter()
            .zip(thresholds)
            .zip(probs)
            .map(|((intent, threshold), p)| IntentScore {
                intent: intent.clone(),
                probability: *p,
                detected: *p >= *threshold,
            })
            .collect()
    }

    /// Keeps the emotions at or above their threshold, strongest first.
    pub fn pick_emotions(
        labels: &[Arc<str>],
        thresholds: &[f32],
        probs: &[f32],
    ) -> Vec<EmotionScore> {
        let mut picked: Vec<EmotionScore> = labels
            .iter()
            .zip(thresholds)
            .zip(probs)
            .filter(|((_, threshold), p)| *p >= *threshold)
            .map(|((label, _), p)| EmotionScore {
                label: label.clone(),
                score: *p,
            })
            .collect();
        picked.sort_by(|a, b| b.score.total_cmp(&a.score));
        picked.truncate(Self::MAX_EMOTIONS);
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_emotions_above_their_own_threshold_strongest_first() {
        let labels: Vec<Arc<str>> = ["anger", "joy", "neutral"].map(Arc::from).to_vec();
        let picked = Scores::pick_emotions(&labels, &[0.3, 0.5, 0.2], &[0.4, 0.45, 0.9]);
        let names: Vec<&str> = picked.iter().map(|e| &*e.label).collect();
        assert_eq!(names, ["neutral", "anger"]);
    }
}
