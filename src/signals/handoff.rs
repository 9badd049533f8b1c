//! The handoff package: what the agent sees so the customer never has to repeat themselves.
//! Built only from state, where text is already redacted.

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationState, RecordedTurn, TimelinePoint};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    pub recent_turns: Vec<RecordedTurn>,
    pub emotion_timeline: Vec<TimelinePoint>,
    pub bot_failed_attempts: Vec<String>,
    pub summary: String,
}

pub fn build_handoff(state: &ConversationState) -> Handoff {
    let mut summary = format!(
        "{} customer turns on {:?}; frustration {:.2} (peak {:.2}, {:?})",
        state.customer_turns, state.channel, state.frustration, state.peak_frustration, state.trend
    );
    if !state.bot_failures.is_empty() {
        summary.push_str(&format!(
            "; the bot failed {} times",
            state.bot_failures.len()
        ));
    }
    if state.repetitions > 0 {
        summary.push_str(&format!(
            "; the customer repeated themselves {} times",
            state.repetitions
        ));
    }
    if let Some(opening) = &state.opening {
        summary.push_str(&format!("; first message: \"{opening}\""));
    }
    Handoff {
        recent_turns: state.recent.iter().cloned().collect(),
        emotion_timeline: state.timeline.iter().cloned().collect(),
        bot_failed_attempts: state.bot_failures.iter().cloned().collect(),
        summary,
    }
}
