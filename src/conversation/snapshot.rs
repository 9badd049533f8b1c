//! What a signal's handoff carries of a conversation, taken while the conversation is locked:
//! counters and the history rings, whose texts are shared (`Arc<str>`), not copied. The
//! handoff is then built from it after the lock is released.

use std::sync::Arc;

use super::{Channel, ConversationState, RecordedTurn, TimelinePoint, Trend};

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub channel: Channel,
    pub customer_turns: u32,
    pub frustration: f32,
    pub peak_frustration: f32,
    pub trend: Trend,
    pub repetitions: u32,
    pub recent: Vec<RecordedTurn>,
    pub timeline: Vec<TimelinePoint>,
    pub bot_failures: Vec<Arc<str>>,
    pub opening: Option<Arc<str>>,
}

impl ConversationState {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            channel: self.channel,
            customer_turns: self.customer_turns,
            frustration: self.frustration,
            peak_frustration: self.peak_frustration,
            trend: self.trend,
            repetitions: self.repetitions,
            recent: self.recent.iter().cloned().collect(),
            timeline: self.timeline.iter().cloned().collect(),
            bot_failures: self.bot_failures.iter().cloned().collect(),
            opening: self.opening.clone(),
        }
    }
}

impl Snapshot {
    /// Customer turn ids in the timeline, oldest first, at most `n` of the newest.
    pub fn recent_customer_turn_ids(&self, n: usize) -> Vec<String> {
        let skip = self.timeline.len().saturating_sub(n);
        self.timeline[skip..]
            .iter()
            .map(|p| p.turn_id.to_string())
            .collect()
    }
}
