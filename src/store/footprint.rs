//! Approximate bytes of a stored conversation: key, state, policy memory and its last signal
//! (whose handoff copies the recent turns), plus a fixed allowance for the map entry.

use std::mem::size_of;

use super::{Conversation, ConversationKey};
use crate::conversation::footprint::{recorded_turn, timeline_point};
use crate::signals::Signal;

/// Map slot, shard locks and allocator rounding, per entry.
const ENTRY_OVERHEAD: usize = 64;

pub fn conversation(key: &ConversationKey, conversation: &Conversation) -> usize {
    ENTRY_OVERHEAD
        + size_of::<(ConversationKey, Conversation)>()
        + key.tenant_id.len()
        + key.conversation_id.len()
        + conversation.state.approx_bytes()
        + conversation.policy.switched_to.capacity()
        + conversation.last_signal.as_deref().map_or(0, signal)
}

fn signal(signal: &Signal) -> usize {
    let handoff = &signal.handoff;
    size_of::<Signal>()
        + signal.id.len()
        + signal.tenant_id.len()
        + signal.conversation_id.len()
        + signal.turn_id.len()
        + signal.explanation.len()
        + signal
            .evidence
            .turn_ids
            .iter()
            .map(|id| 24 + id.len())
            .sum::<usize>()
        + signal
            .evidence
            .cues
            .iter()
            .map(|c| 64 + c.text.len())
            .sum::<usize>()
        + handoff
            .recent_turns
            .iter()
            .map(recorded_turn)
            .sum::<usize>()
        + handoff
            .emotion_timeline
            .iter()
            .map(timeline_point)
            .sum::<usize>()
        + handoff
            .bot_failed_attempts
            .iter()
            .map(|t| 24 + t.len())
            .sum::<usize>()
        + handoff.summary.len()
}
