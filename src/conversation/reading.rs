//! What a turn's own text says, worked out before its conversation is locked: the redacted
//! text (allocated once, then shared by history, handoff and repetition detection), and for a
//! customer turn its language, its cues and whether it repeats one of the customer's recent
//! turns. All of it needs only the incoming text, its scores and (for repetition) the few
//! earlier texts, so the store's lock is held only for the cheap state update.

use std::collections::VecDeque;
use std::sync::Arc;

use super::cues::{Cue, combine};
use super::language::{Language, identify};
use super::redact::redact;
use super::repetition::{normalise, repeats};
use super::{StateConfig, TurnInput};
use crate::nlu::Scores;

/// A turn read before it is applied.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The redacted text: the only form of the text the state keeps.
    pub text: Arc<str>,
    /// Customer turns only.
    pub customer: Option<CustomerReading>,
}

/// The reading of a customer turn.
#[derive(Debug, Clone)]
pub struct CustomerReading {
    pub language: Language,
    /// Cues of the text (repetition is added when the turn is applied).
    pub cues: Vec<Cue>,
    normalised: String,
    /// The repetition verdict and the earlier texts it was reached against.
    repetition: Option<(Vec<Arc<str>>, bool)>,
}

impl Reading {
    /// A bot or agent turn: only its redacted text.
    pub fn reply(turn: &TurnInput) -> Self {
        Self {
            text: redact(&turn.text).into(),
            customer: None,
        }
    }

    /// A customer turn with its scores: redaction, language and cues.
    pub fn customer(turn: &TurnInput, scores: &Scores) -> Self {
        let text: Arc<str> = redact(&turn.text).into();
        let language = identify(&turn.text, turn.language.as_deref());
        let cues = combine(&text, &scores.intents, language.intents_known);
        let normalised = normalise(&text);
        Self {
            text,
            customer: Some(CustomerReading {
                language,
                cues,
                normalised,
                repetition: None,
            }),
        }
    }

    /// Compares a customer turn with the conversation's recent customer texts (as
    /// [`super::ConversationState::repetition_window`] gives them).
    pub fn compare(mut self, earlier: Vec<Arc<str>>, config: &StateConfig) -> Self {
        if let Some(customer) = &mut self.customer {
            let repeated = repeated(&customer.normalised, &earlier, config);
            customer.repetition = Some((earlier, repeated));
        }
        self
    }
}

impl CustomerReading {
    /// Whether the turn repeats one of `window`: the verdict of [`Reading::compare`] when it
    /// was reached against these very texts, else worked out now (another turn of the
    /// conversation was applied in between; rare, and cheap for a few short texts).
    pub(super) fn repeats(&self, window: &VecDeque<Arc<str>>, config: &StateConfig) -> bool {
        match &self.repetition {
            Some((against, verdict))
                if against.len() == window.len()
                    && against.iter().zip(window).all(|(a, b)| Arc::ptr_eq(a, b)) =>
            {
                *verdict
            }
            _ => {
                let window: Vec<Arc<str>> = window.iter().cloned().collect();
                repeated(&self.normalised, &window, config)
            }
        }
    }
}

fn repeated(normalised: &str, earlier: &[Arc<str>], config: &StateConfig) -> bool {
    let earlier: Vec<String> = earlier.iter().map(|text| normalise(text)).collect();
    repeats(
        normalised,
        earlier.iter().map(String::as_str),
        config.repetition_similarity,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Channel, ConversationState, CueKind, Speaker};
    use crate::nlu::Sentiment;

    fn turn(id: &str, text: &str) -> TurnInput {
        TurnInput {
            turn_id: id.into(),
            speaker: Speaker::Customer,
            text: text.into(),
            channel: Channel::Chat,
            at_ms: 0,
            intent_confidence: None,
            fallback: false,
            available_channels: Vec::new(),
            language: None,
        }
    }

    fn scores() -> Scores {
        Scores {
            sentiment: Sentiment::default(),
            top_emotions: Vec::new(),
            frustration: 0.1,
            dissatisfaction: 0.1,
            intents: Vec::new(),
        }
    }

    #[test]
    fn reads_the_redacted_text_once_and_finds_cues_in_it() {
        let reading = Reading::customer(
            &turn("1", "let me talk to a human, I'm jane@example.com"),
            &scores(),
        );
        assert_eq!(&*reading.text, "let me talk to a human, I'm [EMAIL]");
        let customer = reading.customer.unwrap();
        assert!(
            customer
                .cues
                .iter()
                .any(|c| c.kind == CueKind::HumanRequest)
        );
    }

    #[test]
    fn a_verdict_reached_against_an_older_window_is_worked_out_again_when_applied() {
        let config = StateConfig::default();
        let mut state = ConversationState::new(Channel::Chat);
        let repeat = turn("2", "I need to reset my password please");
        // Read while the conversation was still empty: no repetition.
        let stale =
            Reading::customer(&repeat, &scores()).compare(state.repetition_window(), &config);
        state.apply_customer_turn(
            &turn("1", "I need to reset my password please!"),
            scores(),
            &config,
        );
        let facts = state.apply_customer(&repeat, stale, scores(), &config);
        assert!(facts.has_cue(CueKind::Repetition));
        assert_eq!(state.repetitions, 1);
        // Read against the current window: the verdict is taken as it is.
        let fresh = Reading::customer(&turn("3", "something else entirely now"), &scores())
            .compare(state.repetition_window(), &config);
        let facts = state.apply_customer(
            &turn("3", "something else entirely now"),
            fresh,
            scores(),
            &config,
        );
        assert!(!facts.has_cue(CueKind::Repetition));
    }

    #[test]
    fn history_handoff_and_repetition_share_one_copy_of_each_text() {
        let config = StateConfig::default();
        let mut state = ConversationState::new(Channel::Chat);
        state.apply_customer_turn(&turn("1", "where is my parcel"), scores(), &config);
        let recorded = &state.recent[0].text;
        assert!(Arc::ptr_eq(recorded, state.opening.as_ref().unwrap()));
        assert!(Arc::ptr_eq(recorded, &state.repetition_window()[0]));
        let handoff = state.snapshot();
        assert!(Arc::ptr_eq(recorded, &handoff.recent[0].text));
        assert!(Arc::ptr_eq(
            &state.recent[0].turn_id,
            &state.timeline[0].turn_id
        ));
    }
}
