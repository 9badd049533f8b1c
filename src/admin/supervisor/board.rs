//! The signals each live conversation fired, for the page: fed by its own hub subscription
//! (replaying the hub's buffer at start), bounded per conversation, forgotten with the
//! conversation.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::signals::{HubEvent, Signal, SignalFilter, SignalHub};
use crate::store::ConversationKey;

/// Signals kept per conversation.
const PER_CONVERSATION: usize = 20;

#[derive(Default)]
pub struct Board {
    fired: Mutex<HashMap<ConversationKey, VecDeque<Arc<Signal>>>>,
}

impl Board {
    /// A board kept up to date from `hub` until `shutdown`.
    pub fn spawn(hub: &Arc<SignalHub>, shutdown: CancellationToken) -> Arc<Self> {
        let board = Arc::new(Self::default());
        let mut subscription = hub.subscribe(SignalFilter::default(), Some(1));
        let fed = board.clone();
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    () = shutdown.cancelled() => return,
                    event = subscription.next() => event,
                };
                match event {
                    Some(HubEvent::Signal(signal)) => fed.record(signal),
                    Some(HubEvent::Gap { .. }) => {}
                    None => return,
                }
            }
        });
        board
    }

    fn record(&self, signal: Arc<Signal>) {
        let key = ConversationKey {
            tenant_id: signal.tenant_id.clone(),
            conversation_id: signal.conversation_id.clone(),
        };
        let mut fired = self.lock();
        let list = fired.entry(key).or_default();
        if list.len() == PER_CONVERSATION {
            list.pop_front();
        }
        list.push_back(signal);
    }

    /// The signals `key` fired, oldest first.
    pub fn signals(&self, key: &ConversationKey) -> Vec<Arc<Signal>> {
        self.lock()
            .get(key)
            .map(|list| list.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets conversations `live` says are gone.
    pub fn retain(&self, live: impl Fn(&ConversationKey) -> bool) {
        self.lock().retain(|key, _| live(key));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ConversationKey, VecDeque<Arc<Signal>>>> {
        self.fired
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
