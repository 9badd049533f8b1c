//! Exact resend detection for the life of a conversation, in bounded memory.
//!
//! Every applied turn id is kept as a 64-bit keyed hash (SipHash-1-3 with a random key per
//! conversation, so ids cannot be crafted to collide), in a sorted vector: 8 bytes a turn
//! (plus the vector's spare capacity) whatever the id's length. The key travels with the hashes (serde), so a conversation checkpointed by one
//! replica and loaded by another still knows its turns. A conversation holds at most
//! `[conversation] max_turns` turns (the pipeline refuses more), which bounds the set. Two
//! different ids share a hash with probability about n²/2⁶⁵: for 10,000 turns, 3·10⁻¹². Turn
//! ids need no order or format.

use std::hash::Hasher;

use siphasher::sip::SipHasher13;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeenTurns {
    key: [u64; 2],
    /// Sorted.
    hashes: Vec<u64>,
}

impl Default for SeenTurns {
    fn default() -> Self {
        Self {
            key: rand::random(),
            hashes: Vec::new(),
        }
    }
}

impl SeenTurns {
    fn hash(&self, turn_id: &str) -> u64 {
        let mut hasher = SipHasher13::new_with_keys(self.key[0], self.key[1]);
        hasher.write(turn_id.as_bytes());
        hasher.finish()
    }

    pub fn contains(&self, turn_id: &str) -> bool {
        self.hashes.binary_search(&self.hash(turn_id)).is_ok()
    }

    /// Records a turn id; whether it was new.
    pub fn insert(&mut self, turn_id: &str) -> bool {
        let hash = self.hash(turn_id);
        match self.hashes.binary_search(&hash) {
            Ok(_) => false,
            Err(at) => {
                self.hashes.insert(at, hash);
                true
            }
        }
    }

    /// Turns recorded.
    pub fn count(&self) -> usize {
        self.hashes.len()
    }

    /// Heap bytes held, as the allocator charges them.
    pub fn heap_bytes(&self) -> usize {
        super::footprint::slots::<u64>(self.hashes.capacity())
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

    #[test]
    fn a_copy_made_elsewhere_still_knows_its_turns() {
        let mut seen = SeenTurns::default();
        seen.insert("turn-1");
        let json = serde_json::to_string(&seen).unwrap();
        let copy: SeenTurns = serde_json::from_str(&json).unwrap();
        assert!(copy.contains("turn-1") && !copy.contains("turn-2"));
        assert_ne!(SeenTurns::default().key, SeenTurns::default().key);
    }
}
