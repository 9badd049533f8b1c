//! The shared state: every live conversation in one concurrent map, bounded in size and
//! expired when idle. Each entry holds the conversation's state and the policy's memory of it;
//! its signals belong to the hub's replay buffer, where `Pipeline::last_signal` finds the
//! newest (a held pointer, even a weak one, kept each signal's allocation alive: ~0.5 KiB per
//! escalated conversation). Bounded twice: by count (`capacity`) and by approximate bytes
//! (`max_bytes`, see `footprint`); either refuses new conversations while existing ones go on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use crate::conversation::{Channel, ConversationState};
use crate::policy::PolicyMemory;
use crate::quota::{ConversationQuota, QuotaExceeded};

mod footprint;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConversationKey {
    pub tenant_id: String,
    pub conversation_id: String,
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub state: ConversationState,
    pub policy: PolicyMemory,
    touched: Instant,
    /// Approximate bytes, as last counted into the store's total.
    bytes: usize,
}

/// The map is full (by count or bytes), or the tenant at its quota: no new conversation can start.
#[derive(Debug, thiserror::Error)]
pub enum StoreFull {
    #[error("conversation capacity ({0}) reached")]
    Count(usize),
    #[error(
        "conversation memory limit reached (~{held} bytes held, store.max_bytes = {max}); \
         new conversations are refused until others end or expire"
    )]
    Bytes { held: usize, max: usize },
    #[error(transparent)]
    TenantQuota(#[from] QuotaExceeded),
}

pub struct Store {
    /// Boxed, so a slot of the hash table (which is never full) stays small.
    map: DashMap<ConversationKey, Box<Conversation>>,
    len: AtomicUsize,
    capacity: usize,
    idle_ttl: Duration,
    /// Sum of the entries' approximate bytes.
    bytes: AtomicUsize,
    max_bytes: usize,
    quota: Option<Arc<ConversationQuota>>,
}

impl Store {
    pub fn new(capacity: usize, idle_ttl: Duration) -> Self {
        Self {
            map: DashMap::new(),
            len: AtomicUsize::new(0),
            capacity,
            idle_ttl,
            bytes: AtomicUsize::new(0),
            max_bytes: usize::MAX,
            quota: None,
        }
    }

    /// Refuses new conversations once the entries hold about `max_bytes`.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Approximate bytes held by all conversations.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// Recounts an entry's bytes after a change.
    fn recount(&self, key: &ConversationKey, conversation: &mut Conversation) {
        let now = footprint::conversation(key, conversation);
        let before = std::mem::replace(&mut conversation.bytes, now);
        if now >= before {
            self.bytes.fetch_add(now - before, Ordering::AcqRel);
        } else {
            self.bytes.fetch_sub(before - now, Ordering::AcqRel);
        }
    }

    /// Counts each tenant's conversations against `quota` (none: no per-tenant limit).
    pub fn with_quota(mut self, quota: Option<Arc<ConversationQuota>>) -> Self {
        self.quota = quota;
        self
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
            let result = f(&mut entry);
            self.recount(key, &mut entry);
            return Ok(result);
        }
        let held = self.bytes();
        if held >= self.max_bytes {
            return Err(StoreFull::Bytes {
                held,
                max: self.max_bytes,
            });
        }
        self.len
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .map_err(|_| StoreFull::Count(self.capacity))?;
        let mut entry = match self.map.entry(key.clone()) {
            Entry::Occupied(occupied) => {
                // Another task started it between the lookup and here.
                self.len.fetch_sub(1, Ordering::AcqRel);
                occupied.into_ref()
            }
            Entry::Vacant(vacant) => {
                if let Some(Err(exceeded)) = self.quota.as_ref().map(|q| q.acquire(&key.tenant_id))
                {
                    self.len.fetch_sub(1, Ordering::AcqRel);
                    return Err(exceeded.into());
                }
                vacant.insert(Box::new(Conversation {
                    state: ConversationState::new(channel),
                    policy: PolicyMemory::default(),
                    touched: Instant::now(),
                    bytes: 0,
                }))
            }
        };
        entry.touched = Instant::now();
        let result = f(&mut entry);
        self.recount(key, &mut entry);
        Ok(result)
    }

    /// Puts a conversation taken over from another replica, unless one is already held, or a
    /// new one could not start (count, bytes or tenant quota, as for [`Self::update`]); whether
    /// it was put.
    pub fn restore(
        &self,
        key: &ConversationKey,
        state: ConversationState,
        policy: PolicyMemory,
    ) -> bool {
        if self.bytes() >= self.max_bytes {
            return false;
        }
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
        if let Some(Err(_)) = self.quota.as_ref().map(|q| q.acquire(&key.tenant_id)) {
            self.len.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        let mut entry = vacant.insert(Box::new(Conversation {
            state,
            policy,
            touched: Instant::now(),
            bytes: 0,
        }));
        self.recount(key, &mut entry);
        true
    }

    /// A copy of the conversation, if it is held.
    pub fn get(&self, key: &ConversationKey) -> Option<Conversation> {
        self.map.get(key).map(|entry| Conversation::clone(&entry))
    }

    /// Runs `f` on every conversation held, without touching them (for the supervisor page).
    pub fn for_each(&self, mut f: impl FnMut(&ConversationKey, &Conversation)) {
        for entry in self.map.iter() {
            f(entry.key(), entry.value());
        }
    }

    /// Runs `f` on the conversation if it is held, without touching it.
    pub fn read<R>(&self, key: &ConversationKey, f: impl FnOnce(&Conversation) -> R) -> Option<R> {
        self.map.get(key).map(|entry| f(&entry))
    }

    pub fn remove(&self, key: &ConversationKey) -> bool {
        match self.map.remove(key) {
            Some((_, conversation)) => {
                self.len.fetch_sub(1, Ordering::AcqRel);
                self.bytes.fetch_sub(conversation.bytes, Ordering::AcqRel);
                if let Some(quota) = &self.quota {
                    quota.release(&key.tenant_id);
                }
                true
            }
            None => false,
        }
    }

    /// Drops conversations idle for longer than the TTL; returns how many.
    pub fn expire_idle(&self) -> usize {
        let (mut expired, mut freed) = (0, 0);
        self.map.retain(|key, conversation| {
            let keep = conversation.touched.elapsed() < self.idle_ttl;
            if !keep {
                expired += 1;
                freed += conversation.bytes;
                if let Some(quota) = &self.quota {
                    quota.release(&key.tenant_id);
                }
            }
            keep
        });
        self.len.fetch_sub(expired, Ordering::AcqRel);
        self.bytes.fetch_sub(freed, Ordering::AcqRel);
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
    fn counts_bytes_and_refuses_new_conversations_beyond_max_bytes() {
        use crate::conversation::{Speaker, StateConfig, TurnInput};
        let one = Store::new(10, Duration::from_secs(60));
        one.update(&key("a"), Channel::Chat, |_| ()).unwrap();
        let empty = one.bytes();
        assert!(empty > 0);
        let store = Store::new(100, Duration::from_secs(60)).with_max_bytes(3 * empty + 4_000);
        let long = TurnInput {
            turn_id: "1".into(),
            speaker: Speaker::Bot,
            text: "x".repeat(4_000),
            channel: Channel::Chat,
            at_ms: 0,
            intent_confidence: None,
            fallback: false,
            available_channels: Vec::new(),
            language: None,
        };
        store
            .update(&key("a"), Channel::Chat, |c| {
                c.state.apply_reply_turn(&long, &StateConfig::default())
            })
            .unwrap();
        assert!(store.bytes() > empty + 4_000, "{}", store.bytes());
        store.update(&key("b"), Channel::Chat, |_| ()).unwrap();
        store.update(&key("c"), Channel::Chat, |_| ()).unwrap();
        assert!(matches!(
            store.update(&key("d"), Channel::Chat, |_| ()),
            Err(StoreFull::Bytes { .. })
        ));
        // Existing conversations go on; ending one frees its bytes.
        assert!(store.update(&key("b"), Channel::Chat, |_| ()).is_ok());
        assert!(store.remove(&key("a")));
        assert_eq!(store.bytes(), 2 * empty);
        assert!(store.update(&key("d"), Channel::Chat, |_| ()).is_ok());
    }

    #[test]
    fn a_tenant_quota_is_taken_by_starts_and_freed_by_ends_and_expiry() {
        let config = toml::from_str("max_conversations_per_tenant = 1").unwrap();
        let quotas = crate::quota::Quotas::new(&config, &Default::default()).unwrap();
        let store = Store::new(10, Duration::ZERO).with_quota(quotas.conversations());
        let start = |id| store.update(&key(id), Channel::Chat, |_| ());
        start("a").unwrap();
        assert!(matches!(start("b"), Err(StoreFull::TenantQuota(_))));
        assert_eq!(store.len(), 1, "a refused start holds no place");
        assert_eq!(store.expire_idle(), 1);
        start("b").unwrap();
        assert!(store.remove(&key("b")));
        start("c").unwrap();
    }

    #[test]
    fn expires_idle_conversations() {
        let store = Store::new(10, Duration::ZERO);
        store
            .update(&key("a"), Channel::Voice, |c| c.state.channel)
            .unwrap();
        assert_eq!(store.expire_idle(), 1);
        assert!(store.is_empty());
        assert_eq!(store.bytes(), 0);
        assert!(store.get(&key("a")).is_none());
    }
}
