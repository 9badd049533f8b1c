//! Bytes held by a stored conversation, as the allocator charges them (see
//! `conversation::footprint`): its map slot, key, state, policy memory and last signal. The
//! signal's handoff shares its texts with the state, so they are counted once; the signal
//! itself is counted in full although the hub's replay buffer may hold it too.

use std::mem::size_of;

use super::{Conversation, ConversationKey};
use crate::conversation::Cue;
use crate::conversation::footprint::{
    Shared, block, recorded_turn, slots, string, timeline_point,
};
use crate::conversation::{RecordedTurn, RiskDriver, TimelinePoint};
use crate::policy::Reason;
use crate::signals::Signal;

/// A map slot in the shard's hash table, with its control byte, at the table's average load
/// over its growth cycle (between 7/16 and 7/8 full: about two thirds).
fn slot() -> usize {
    (size_of::<(ConversationKey, Conversation)>() + 1) * 3 / 2
}

pub fn conversation(key: &ConversationKey, conversation: &Conversation) -> usize {
    let mut shared = Shared::default();
    slot()
        + string(&key.tenant_id)
        + string(&key.conversation_id)
        + conversation.state.heap_bytes(&mut shared)
        + block(conversation.policy.switched_to.capacity())
        + conversation
            .last_signal
            .as_deref()
            .map_or(0, |s| signal(s, &mut shared))
}

fn signal(signal: &Signal, shared: &mut Shared) -> usize {
    let handoff = &signal.handoff;
    let evidence = &signal.evidence;
    // The Arc's counters and the signal.
    block(2 * size_of::<usize>() + size_of::<Signal>())
        + string(&signal.id)
        + string(&signal.tenant_id)
        + string(&signal.conversation_id)
        + string(&signal.turn_id)
        + string(&signal.explanation)
        + slots::<Reason>(signal.reasons.capacity())
        + slots::<String>(evidence.turn_ids.capacity())
        + evidence.turn_ids.iter().map(string).sum::<usize>()
        + slots::<Cue>(evidence.cues.capacity())
        + evidence.cues.iter().map(|c| string(&c.text)).sum::<usize>()
        + slots::<RiskDriver>(evidence.risk.drivers.capacity())
        + slots::<RecordedTurn>(handoff.recent_turns.capacity())
        + handoff
            .recent_turns
            .iter()
            .map(|t| recorded_turn(t, shared))
            .sum::<usize>()
        + slots::<TimelinePoint>(handoff.emotion_timeline.capacity())
        + handoff
            .emotion_timeline
            .iter()
            .map(|p| timeline_point(p, shared))
            .sum::<usize>()
        + slots::<std::sync::Arc<str>>(handoff.bot_failed_attempts.capacity())
        + handoff
            .bot_failed_attempts
            .iter()
            .map(|t| shared.text(t))
            .sum::<usize>()
        + string(&handoff.summary)
}
