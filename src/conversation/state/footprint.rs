//! Approximate memory held by one conversation's state, for the store's byte budget.
//! Counts the struct, every string and ring it owns and the resend set; allocator slack and
//! map overhead are left to the caller's margin.

use std::mem::size_of;

use super::{ConversationState, RecordedTurn, TimelinePoint};
use crate::conversation::Channel;

fn string(s: &String) -> usize {
    size_of::<String>() + s.capacity()
}

/// Heap bytes of one recorded turn (its strings) plus its slot.
pub fn recorded_turn(turn: &RecordedTurn) -> usize {
    size_of::<RecordedTurn>() + turn.turn_id.capacity() + turn.text.capacity()
}

/// Heap bytes of one timeline point plus its slot.
pub fn timeline_point(point: &TimelinePoint) -> usize {
    size_of::<TimelinePoint>() + point.turn_id.capacity()
}

impl ConversationState {
    /// Approximate bytes this state holds.
    pub fn approx_bytes(&self) -> usize {
        size_of::<Self>()
            + self.available_channels.capacity() * size_of::<Channel>()
            + self.recent.iter().map(recorded_turn).sum::<usize>()
            + self.timeline.iter().map(timeline_point).sum::<usize>()
            + self.bot_failures.iter().map(string).sum::<usize>()
            + self.opening.as_ref().map_or(0, string)
            + self.recent_customer_texts.iter().map(string).sum::<usize>()
            + self.seen_turn_ids.heap_bytes()
    }
}
