//! The shared state: every live conversation in one concurrent map, bounded in size and
//! expired when idle. Each entry holds the conversation's state, the policy's memory of it
//! and its last signal.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use crate::conversation::{Channel, ConversationState};
use crate::policy::PolicyMemory;
use crate::signals::Signal;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConversationKey {
    pub tenant_id: String,
    pub conversation_id: String,
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub state: ConversationState,
    pub policy: PolicyMemory,
    pub last_signal: Option<Arc<Signal>>,
    touched: Instant,
}

/// The map is at capacity: no new conversation can start.
#[derive(Debug, thiserror::Error)]
#[error("conversation capacity ({0}) reached")]
pub struct StoreFull(pub usize);

pub struct Store {
    map: DashMap<ConversationKey, Conversation>,
    len: AtomicUsize,
    capacity: usize,
    idle_ttl: Duration,
}

impl Store {
    pub fn new(capacity: usize, idle_ttl: Duration) -> Self {
        Self {
            map: DashMap::new(),
            len: AtomicUsize::new(0),
            capacity,
            idle_ttl,
        }
    }

    /// Runs `f` on the conversation, starting it on `channel` if it is new.
    pub fn update<R>(
        &self,
        key: &ConversationKey,
        channel: Channel,
        f: impl FnOnce(&mut Conversation) -> R,
    ) -> Result<R, StoreFull> {
        if let Some(mut entry) = self.map.get_mut(key) {
            entry.touched = Instant::now();
            return Ok(f(&mut entry));
        }
        self.len
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .map_err(|_| StoreFull(self.capacity))?;
        let mut entry = match self.map.entry(key.clone()) {
            Entry::Occupied(occupied) => {
                // Another task started it between the lookup and here.
                self.len.fetch_sub(1, Ordering::AcqRel);
                occupied.into_ref()
            }
            Entry::Vacant(vacant) => vacant.insert(Conversation {
                state: ConversationState::new(channel),
                policy: PolicyMemory::default(),
                last_signal: None,
                touched: Instant::now(),
            }),
        };
        entry.touched = Instant::now();
        let result = f(&mut entry);
        Ok(result)
    }

    /// Puts a conversation taken over from another replica, unless one is already held (or the
    /// map is full); whether it was put.
    pub fn restore(
        &self,
        key: &ConversationKey,
        state: ConversationState,
        policy: PolicyMemory,
        last_signal: Option<Arc<Signal>>,
    ) -> bool {
        let Entry::Vacant(vacant) = self.map.entry(key.clone()) else {
            return false;
        };
        if self
            .len
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .is_err()
        {
            return false;
        }
        vacant.insert(Conversation {
            state,
            policy,
            last_signal,
            touched: Instant::now(),
        });
        true
    }

    /// A copy of the conversation, if it is held.
    pub fn get(&self, key: &ConversationKey) -> Option<Conversation> {
        self.map.get(key).map(|entry| entry.clone())
    }

    /// Runs `f` on the conversation if it is held, without touching it.
    pub fn read<R>(&self, key: &ConversationKey, f: impl FnOnce(&Conversation) -> R) -> Option<R> {
        self.map.get(key).map(|entry| f(&entry))
    }

    pub fn remove(&self, key: &ConversationKey) -> bool {
        let removed = self.map.remove(key).is_some();
        if removed {
            self.len.fetch_sub(1, Ordering::AcqRel);
        }
        removed
    }

    /// Drops conversations idle for longer than the TTL; returns how many.
    pub fn expire_idle(&self) -> usize {
        let mut expired = 0;
        self.map.retain(|_, conversation| {
            let keep = conversation.touched.elapsed() < self.idle_ttl;
            expired += usize::from(!keep);
            keep
        });
        self.len.fetch_sub(expired, Ordering::AcqRel);
        expired
    }

    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> ConversationKey {
        ConversationKey {
            tenant_id: "t".into(),
            conversation_id: id.into(),
        }
    }

    #[test]
    fn refuses_new_conversations_at_capacity_but_serves_existing_ones() {
        let store = Store::new(2, Duration::from_secs(60));
        store.update(&key("a"), Channel::Chat, |_| ()).unwrap();
        store.update(&key("b"), Channel::Chat, |_| ()).unwrap();
        assert!(store.update(&key("c"), Channel::Chat, |_| ()).is_err());
        assert!(store.update(&key("a"), Channel::Chat, |_| ()).is_ok());
        assert!(store.remove(&key("a")));
        assert!(store.update(&key("c"), Channel::Chat, |_| ()).is_ok());
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn expires_idle_conversations() {
        let store = Store::new(10, Duration::ZERO);
        store
            .update(&key("a"), Channel::Voice, |c| c.state.channel)
            .unwrap();
        assert_eq!(store.expire_idle(), 1);
        assert!(store.is_empty());
        assert!(store.get(&key("a")).is_none());
    }
}
