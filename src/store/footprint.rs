//! Bytes held by a stored conversation, as the allocator charges them (see
//! `conversation::footprint`): its map slot, key, boxed conversation, state and policy memory.
//! Its signals are the hub's replay buffer's (bounded by count), not the conversation's.

use std::mem::size_of;

use super::{Conversation, ConversationKey};
use crate::conversation::footprint::{Shared, block, string};

/// A map slot in the shard's hash table, with its control byte, at the table's average load
/// over its growth cycle (between 7/16 and 7/8 full: about two thirds), and the boxed
/// conversation.
fn slot() -> usize {
    (size_of::<(ConversationKey, Box<Conversation>)>() + 1) * 3 / 2
        + block(size_of::<Conversation>())
}

pub fn conversation(key: &ConversationKey, conversation: &Conversation) -> usize {
    let mut shared = Shared::default();
    slot()
        + string(&key.tenant_id)
        + string(&key.conversation_id)
        + conversation.state.heap_bytes(&mut shared)
        + block(conversation.policy.switched_to.capacity())
}
