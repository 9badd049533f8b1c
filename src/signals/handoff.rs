//! The handoff package: what the agent sees so the customer never has to repeat themselves.
//! Built only from a snapshot of the state, where text is already redacted (and shared, not
//! copied), after the conversation's lock is released.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::conversation::{RecordedTurn, Snapshot, TimelinePoint};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    pub recent_turns: Vec<RecordedTurn>,
    pub emotion_timeline: Vec<TimelinePoint>,
    pub bot_failed_attempts: Vec<Arc<str>>,
    pub summary: String,
}

pub fn build_handoff(state: &Snapshot) -> Handoff {
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
        recent_turns: state.recent.clone(),
        emotion_timeline: state.timeline.clone(),
        bot_failed_attempts: state.bot_failures.clone(),
        summary,
    }
}
