//! Memory held by one conversation's state, for the store's byte budget, counted the way the
//! allocator charges it: each heap block at glibc's chunk size (the request plus an 8-byte
//! header, rounded up to 16, at least 32), collections at their capacity, and each shared text
//! (`Arc<str>`, with its two counters) once however many rings and handoffs point at it. `tests/memory.rs` checks the count against a
//! counting allocator.

use std::collections::VecDeque;
use std::mem::size_of;
use std::sync::Arc;

use super::ConversationState;
use crate::conversation::{Channel, RecordedTurn, TimelinePoint};

/// What the allocator hands out for a request of `bytes` (glibc malloc on 64-bit).
pub fn block(bytes: usize) -> usize {
    if bytes == 0 {
        return 0;
    }
    (bytes + 8).next_multiple_of(16).max(32)
}

/// A `String`'s heap block.
pub fn string(s: &String) -> usize {
    block(s.capacity())
}

/// A `Vec`'s or `VecDeque`'s heap block.
pub fn slots<T>(capacity: usize) -> usize {
    block(capacity * size_of::<T>())
}

/// Shared texts already counted, by address.
#[derive(Default)]
pub struct Shared(Vec<*const u8>);

impl Shared {
    /// The block of `text` if it was not counted yet.
    pub fn text(&mut self, text: &Arc<str>) -> usize {
        let at = Arc::as_ptr(text).cast::<u8>();
        if self.0.contains(&at) {
            return 0;
        }
        self.0.push(at);
        // Strong and weak counts, then the bytes.
        block(2 * size_of::<usize>() + text.len())
    }
}

/// One recorded turn's texts (its slot is counted with its ring).
pub fn recorded_turn(turn: &RecordedTurn, shared: &mut Shared) -> usize {
    shared.text(&turn.turn_id) + shared.text(&turn.text)
}

/// One timeline point's text (its slot is counted with its ring; emotion labels belong to the
/// model).
pub fn timeline_point(point: &TimelinePoint, shared: &mut Shared) -> usize {
    shared.text(&point.turn_id)
}

fn ring<T>(ring: &VecDeque<T>) -> usize {
    slots::<T>(ring.capacity())
}

impl ConversationState {
    /// Bytes this state holds beyond its own struct, counting texts into `shared`.
    pub fn heap_bytes(&self, shared: &mut Shared) -> usize {
        slots::<Channel>(self.available_channels.capacity())
            + ring(&self.recent)
            + self
                .recent
                .iter()
                .map(|t| recorded_turn(t, shared))
                .sum::<usize>()
            + ring(&self.timeline)
            + self
                .timeline
                .iter()
                .map(|p| timeline_point(p, shared))
                .sum::<usize>()
            + ring(&self.bot_failures)
            + self
                .bot_failures
                .iter()
                .map(|t| shared.text(t))
                .sum::<usize>()
            + self.opening.as_ref().map_or(0, |t| shared.text(t))
            + self.last_reply.as_ref().map_or(0, |t| shared.text(t))
            + ring(&self.recent_customer_texts)
            + self
                .recent_customer_texts
                .iter()
                .map(|t| shared.text(t))
                .sum::<usize>()
            + self.seen_turn_ids.heap_bytes()
    }

    /// Approximate bytes this state holds, its struct included.
    pub fn approx_bytes(&self) -> usize {
        size_of::<Self>() + self.heap_bytes(&mut Shared::default())
    }
}
