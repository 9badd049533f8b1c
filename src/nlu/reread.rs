//! When a customer turn is read a second time, alone, for its intents.
//!
//! The model reads a turn after the bot's previous one (the context), which sentiment,
//! frustration and dissatisfaction learned from. Its intent heads learned from phrasings read
//! alone, and the bot's words pull their probabilities down: read after a bot turn, about one
//! request in ten was missed (README, "Explicit requests read after the bot's turn"). The context
//! also helps: after "Which dentist would you like?", "someone who takes my insurance" is no
//! request for a person. So when the read in context gives any intent at least [`SCREEN`] of its
//! threshold, the turn is read again without the context and each intent's probability is the
//! mean of the two reads ([`blend`]); the rest of the scores stay as read in context. On the dev
//! dialogues' customer turns the screen passes about 9%, so the second read costs a fraction of
//! a pass; the mean fires on their satisfied turns no more often than the read in context.

use super::{IntentScore, Scores};

/// Share of an intent's threshold its probability in context must reach for the second read.
pub const SCREEN: f32 = 0.1;

/// Whether the intents read in context hint at a request worth reading the turn alone for.
/// `thresholds[i]` is the threshold of `intents[i]`.
pub fn hints_at_intent(intents: &[IntentScore], thresholds: &[f32]) -> bool {
    intents
        .iter()
        .zip(thresholds)
        .any(|(intent, threshold)| intent.probability >= SCREEN * threshold)
}

/// Each intent's probability is the mean of its read in context and its read alone, detected
/// against its threshold as the model's own reads are ([`Scores::score_intents`]). The three
/// slices are in the model's intent order.
pub fn blend(
    in_context: &[IntentScore],
    alone: &[IntentScore],
    thresholds: &[f32],
) -> Vec<IntentScore> {
    let labels: Vec<_> = in_context.iter().map(|i| i.intent.clone()).collect();
    let means: Vec<f32> = in_context
        .iter()
        .zip(alone)
        .map(|(a, b)| (a.probability + b.probability) / 2.0)
        .collect();
    Scores::score_intents(&labels, thresholds, &means)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intents(probabilities: &[f32]) -> Vec<IntentScore> {
        probabilities
            .iter()
            .map(|&probability| IntentScore {
                intent: "person".into(),
                probability,
                detected: false,
            })
            .collect()
    }

    #[test]
    fn a_tenth_of_any_threshold_calls_for_the_second_read() {
        let thresholds = [0.5, 0.2];
        assert!(!hints_at_intent(&intents(&[0.01, 0.01]), &thresholds));
        assert!(hints_at_intent(&intents(&[0.06, 0.0]), &thresholds));
        assert!(hints_at_intent(&intents(&[0.0, 0.025]), &thresholds));
        assert!(!hints_at_intent(&intents(&[0.049, 0.019]), &thresholds));
        assert!(!hints_at_intent(&[], &[]));
    }

    #[test]
    fn the_blend_is_the_mean_of_both_reads_detected_against_the_threshold() {
        let blended = blend(&intents(&[0.3, 0.02]), &intents(&[0.9, 0.5]), &[0.5, 0.3]);
        let probabilities: Vec<f32> = blended.iter().map(|i| i.probability).collect();
        assert_eq!(probabilities, [0.6, 0.26]);
        assert!(blended[0].detected);
        assert!(!blended[1].detected, "0.26 is below its threshold 0.3");
    }
}
