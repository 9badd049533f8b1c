//! Exact resend detection for the life of a conversation, in bounded memory.
//!
//! Every applied turn id is kept as a 64-bit keyed hash (SipHash with a per-process random
//! key, so ids cannot be crafted to collide): about 16 bytes a turn whatever the id's length.
//! A conversation holds at most `[conversation] max_turns` turns (the pipeline refuses more),
//! which bounds the set. Two different ids share a hash with probability about n²/2⁶⁵: for
//! 10,000 turns, 3·10⁻¹². Turn ids need no order or format.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;

static KEY: LazyLock<RandomState> = LazyLock::new(RandomState::new);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeenTurns {
    hashes: HashSet<u64>,
}

impl SeenTurns {
    pub fn contains(&self, turn_id: &str) -> bool {
        self.hashes.contains(&KEY.hash_one(turn_id))
    }

    /// Records a turn id; whether it was new.
    pub fn insert(&mut self, turn_id: &str) -> bool {
        self.hashes.insert(KEY.hash_one(turn_id))
    }

    /// Turns recorded.
    pub fn count(&self) -> usize {
        self.hashes.len()
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        // hashbrown: ~8/7 buckets per usable slot, each an 8-byte value and a control byte.
        self.hashes.capacity() * 10
    }
}

#[cfg(test)]
mod tests {
    use super::SeenTurns;

    #[test]
    fn remembers_every_turn_not_just_the_newest() {
        let mut seen = SeenTurns::default();
        for i in 0..5_000 {
            assert!(seen.insert(&format!("turn-{i}")));
        }
        assert!(seen.contains("turn-0") && seen.contains("turn-4999"));
        assert!(!seen.contains("turn-5000") && !seen.contains(""));
        assert!(!seen.insert("turn-17"));
        assert_eq!(seen.count(), 5_000);
    }
}
