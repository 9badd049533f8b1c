//! The signal log: numbers signals, drops resent ones, keeps the newest in a bounded replay
//! buffer, and serves subscribers a gap-free stream (replay, then live; a subscriber that falls
//! behind the live channel is caught up from the buffer).
//!
//! In cluster mode a [`SignalLog`] (the Redis stream) sits in front: `publish` hands the signal
//! to it, and the stream's entries, every replica's, come back through `deliver` already
//! numbered, each marked with the replica that made it ([`MadeBy`]). Subscribers get every
//! replica's signals; the log line sink only this replica's, once numbered. The audit file and
//! webhooks read a [`SinkFeed`] ([`SignalHub::sink_feed`]): alone, this replica's signals; in
//! cluster mode, what the cluster hands out through [`SignalHub::hand_out`] (its consumer
//! group), each with a [`super::Receipt`] the sinks take when done.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::broadcast;

use super::feed::{Handouts, SinkFeed};
use super::{Receipt, Signal, Sink};
use crate::policy::{Priority, SignalKind};
use crate::telemetry;

/// Which signals a subscriber wants. Empty lists mean all.
#[derive(Debug, Clone, Default)]
pub struct SignalFilter {
    pub tenants: Vec<String>,
    pub kinds: Vec<SignalKind>,
    pub min_priority: Option<Priority>,
}

impl SignalFilter {
    pub fn accepts(&self, signal: &Signal) -> bool {
        (self.tenants.is_empty() || self.tenants.contains(&signal.tenant_id))
            && (self.kinds.is_empty() || self.kinds.contains(&signal.kind))
            && self.min_priority.is_none_or(|min| signal.priority >= min)
    }
}

/// What a subscriber receives.
#[derive(Debug, Clone, PartialEq)]
pub enum HubEvent {
    Signal(Arc<Signal>),
    /// Signals from `requested_from` were asked for but the oldest still held is `oldest_available`.
    Gap {
        requested_from: u64,
        oldest_available: u64,
    },
}

/// A shared log signals are appended to before subscribers see them (cluster mode).
pub trait SignalLog: Send + Sync {
    fn append(&self, signal: Arc<Signal>);
}

/// Which replica made a signal. The one that made it delivers it to its sinks; every replica
/// serves it to its subscribers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MadeBy {
    ThisReplica,
    /// Read from the cluster's stream, made elsewhere: for subscribers only.
    AnotherReplica,
}

/// A numbered signal as the hub holds and broadcasts it.
#[derive(Debug, Clone)]
struct Held {
    signal: Arc<Signal>,
    made_by: MadeBy,
}

struct Log {
    next_sequence: u64,
    /// Every signal from this sequence on is in the buffer (or still to come).
    horizon: u64,
    buffer: VecDeque<Held>,
    ids: HashSet<String>,
    /// The sequence of the newest signal this replica made; 0 before the first.
    newest_made_here: u64,
}

impl Log {
    fn oldest_sequence(&self) -> u64 {
        self.horizon
    }

    /// Buffered signals from `from` on, and a gap if some of them are gone. Sequences start
    /// at 1, so asking from 0 on a fresh log misses nothing.
    fn since(&self, from: u64) -> (VecDeque<Held>, Option<HubEvent>) {
        let oldest = self.oldest_sequence();
        let gap = (from.max(1) < oldest).then_some(HubEvent::Gap {
            requested_from: from,
            oldest_available: oldest,
        });
        (
            self.buffer
                .iter()
                .filter(|held| held.signal.sequence >= from)
                .cloned()
                .collect(),
            gap,
        )
    }
}

pub struct SignalHub {
    log: Mutex<Log>,
    capacity: usize,
    live: broadcast::Sender<Held>,
    sinks: Vec<Box<dyn Sink>>,
    upstream: OnceLock<Arc<dyn SignalLog>>,
    /// Cluster mode: the blocking sinks are fed by [`Self::hand_out`].
    handouts: OnceLock<Handouts>,
}

impl SignalHub {
    /// `capacity` signals are kept for replay; sequences start at 1.
    pub fn new(capacity: usize, sinks: Vec<Box<dyn Sink>>) -> Self {
        let (live, _) = broadcast::channel(1024);
        Self {
            log: Mutex::new(Log {
                next_sequence: 1,
                horizon: 1,
                buffer: VecDeque::new(),
                ids: HashSet::new(),
                newest_made_here: 0,
            }),
            capacity: capacity.max(1),
            live,
            sinks,
            upstream: OnceLock::new(),
            handouts: OnceLock::new(),
        }
    }

    /// Numbers and publishes a signal this replica made. A signal whose id is still in the
    /// buffer is not published again; `None` then. In cluster mode the signal goes to the
    /// shared log instead and comes back numbered through [`Self::deliver`]; the one returned
    /// carries `sequence = 0`.
    pub fn publish(&self, mut signal: Signal) -> Option<Arc<Signal>> {
        if let Some(upstream) = self.upstream.get() {
            if self.lock().ids.contains(&signal.id) {
                return None;
            }
            let signal = Arc::new(signal);
            count(&signal);
            upstream.append(signal.clone());
            return Some(signal);
        }
        let signal = {
            let mut log = self.lock();
            if log.ids.contains(&signal.id) {
                return None;
            }
            signal.sequence = log.next_sequence;
            self.push(&mut log, signal, MadeBy::ThisReplica)
        };
        count(&signal);
        self.to_sinks(&signal);
        Some(signal)
    }

    /// Buffers and broadcasts a numbered signal; the caller holds the lock.
    fn push(&self, log: &mut Log, signal: Signal, made_by: MadeBy) -> Arc<Signal> {
        log.next_sequence = signal.sequence + 1;
        if made_by == MadeBy::ThisReplica {
            log.newest_made_here = signal.sequence;
        }
        let signal = Arc::new(signal);
        if log.buffer.len() == self.capacity
            && let Some(evicted) = log.buffer.pop_front()
        {
            log.ids.remove(&evicted.signal.id);
            log.horizon = evicted.signal.sequence + 1;
        }
        log.ids.insert(signal.id.clone());
        let held = Held {
            signal: signal.clone(),
            made_by,
        };
        log.buffer.push_back(held.clone());
        // Sent under the lock so a new subscriber sees each signal exactly once.
        let _ = self.live.send(held);
        signal
    }

    /// The sinks of a numbered signal this replica made; no lock held.
    fn to_sinks(&self, signal: &Signal) {
        for sink in &self.sinks {
            sink.deliver(signal);
        }
    }

    /// Cluster mode: from now on `publish` appends to `log`, and subscribers get what
    /// [`Self::deliver`] brings back from it.
    pub fn set_log(&self, log: Arc<dyn SignalLog>) {
        let _ = self.upstream.set(log);
    }

    /// Cluster mode: from now on [`Self::sink_feed`] registers the sink for signals handed out
    /// through [`Self::hand_out`] instead of subscribing it to the signals made here.
    pub fn hand_out_to_sinks(&self) {
        let _ = self.handouts.set(Handouts::default());
    }

    /// The feed of a sink that may block (the audit file, a webhook): the signals it accepts.
    pub fn sink_feed(self: &Arc<Self>, filter: SignalFilter) -> SinkFeed {
        match self.handouts.get() {
            Some(handouts) => handouts.register(filter),
            None => SinkFeed::MadeHere(self.subscribe_made_here(filter)),
        }
    }

    /// How many sinks signals are handed out to (0 unless [`Self::hand_out_to_sinks`]).
    pub fn handed_out_sinks(&self) -> usize {
        self.handouts.get().map_or(0, Handouts::len)
    }

    /// Cluster mode: a numbered signal for the sinks, whichever replica made it; `receipt` is
    /// done when every sink that wants it has taken it. Without
    /// [`Self::hand_out_to_sinks`] nobody wants it.
    pub fn hand_out(&self, signal: Arc<Signal>, receipt: Receipt) {
        match self.handouts.get() {
            Some(handouts) => handouts.hand_out(signal, receipt),
            None => receipt.taken(),
        }
    }

    /// A signal numbered by the shared log, for subscribers, and for the sinks if this
    /// replica made it. Older than the newest held, or already held: dropped, `false`.
    pub fn deliver(&self, signal: Signal, made_by: MadeBy) -> bool {
        let signal = {
            let mut log = self.lock();
            if signal.sequence < log.next_sequence || log.ids.contains(&signal.id) {
                return false;
            }
            self.push(&mut log, signal, made_by)
        };
        if made_by == MadeBy::ThisReplica {
            self.to_sinks(&signal);
        }
        true
    }

    /// The newest held signal of a conversation (a backwards scan of the replay buffer).
    pub fn newest_of(&self, tenant_id: &str, conversation_id: &str) -> Option<Arc<Signal>> {
        self.lock()
            .buffer
            .iter()
            .rev()
            .map(|held| &held.signal)
            .find(|s| s.conversation_id == conversation_id && s.tenant_id == tenant_id)
            .cloned()
    }

    /// Cluster mode: the buffer holds every signal from `sequence` on.
    pub fn set_horizon(&self, sequence: u64) {
        self.lock().horizon = sequence;
    }

    /// Live signals matching `filter`, preceded by the buffered ones from `from_sequence`.
    pub fn subscribe(
        self: &Arc<Self>,
        filter: SignalFilter,
        from_sequence: Option<u64>,
    ) -> Subscription {
        self.subscribe_to(filter, from_sequence, false)
    }

    /// Live signals matching `filter` that this replica made, once numbered: alone, what the
    /// audit file and webhooks deliver ([`Self::sink_feed`]).
    pub fn subscribe_made_here(self: &Arc<Self>, filter: SignalFilter) -> Subscription {
        self.subscribe_to(filter, None, true)
    }

    fn subscribe_to(
        self: &Arc<Self>,
        filter: SignalFilter,
        from_sequence: Option<u64>,
        made_here_only: bool,
    ) -> Subscription {
        let log = self.lock();
        let live = self.live.subscribe();
        let (backlog, gap) = match from_sequence {
            Some(from) => log.since(from),
            None => (VecDeque::new(), None),
        };
        let next_sequence = backlog
            .back()
            .map_or(log.next_sequence, |held| held.signal.sequence + 1);
        Subscription {
            hub: self.clone(),
            filter,
            made_here_only,
            gap,
            backlog,
            live,
            next_sequence,
        }
    }

    /// The sequence the next signal will get.
    pub fn next_sequence(&self) -> u64 {
        self.lock().next_sequence
    }

    /// The sequence of the newest signal this replica made that is numbered; 0 before one.
    pub fn newest_made_here(&self) -> u64 {
        self.lock().newest_made_here
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The signal counter of a signal's kind and reasons, on the replica that made it.
fn count(signal: &Signal) {
    for reason in &signal.reasons {
        telemetry::signal(signal.kind.as_str(), reason.as_str());
    }
}

/// One subscriber's position in the log.
pub struct Subscription {
    hub: Arc<SignalHub>,
    filter: SignalFilter,
    /// Only the signals this replica made (sinks).
    made_here_only: bool,
    gap: Option<HubEvent>,
    backlog: VecDeque<Held>,
    live: broadcast::Receiver<Held>,
    next_sequence: u64,
}

impl Subscription {
    /// The next event for this subscriber; `None` when the hub is gone.
    pub async fn next(&mut self) -> Option<HubEvent> {
        if let Some(gap) = self.gap.take() {
            return Some(gap);
        }
        loop {
            let held = match self.backlog.pop_front() {
                Some(held) => held,
                None => match self.live.recv().await {
                    Ok(held) if held.signal.sequence < self.next_sequence => continue,
                    Ok(held) => held,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let (backlog, gap) = self.hub.lock().since(self.next_sequence);
                        self.backlog = backlog;
                        if gap.is_some() {
                            return gap;
                        }
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            };
            self.next_sequence = held.signal.sequence + 1;
            let wanted = !self.made_here_only || held.made_by == MadeBy::ThisReplica;
            if wanted && self.filter.accepts(&held.signal) {
                return Some(HubEvent::Signal(held.signal));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Channel;
    use crate::signals::{Evidence, Handoff};

    fn signal(id: &str, tenant: &str, priority: Priority) -> Signal {
        Signal {
            id: id.into(),
            sequence: 0,
            kind: SignalKind::Escalate,
            priority,
            tenant_id: tenant.into(),
            conversation_id: "c".into(),
            turn_id: "1".into(),
            reasons: Vec::new(),
            rule_id: "escalate.test",
            explanation: String::new(),
            evidence: Evidence {
                turn_ids: Vec::new(),
                turn_frustration: 0.0,
                conversation_frustration: 0.0,
                frustration_slope: 0.0,
                consecutive_negative: 0,
                bot_fallback_streak: 0,
                cues: Vec::new(),
                turn_dissatisfaction: 0.0,
                risk: Default::default(),
            },
            current_channel: Channel::Chat,
            target_channel: None,
            handoff: Handoff::default(),
            model_version: "m".into(),
            emitted_at_ms: 0,
        }
    }

    fn sequence(event: Option<HubEvent>) -> u64 {
        match event {
            Some(HubEvent::Signal(s)) => s.sequence,
            other => panic!("expected a signal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn numbers_signals_and_drops_resent_ids() {
        let hub = Arc::new(SignalHub::new(8, Vec::new()));
        assert_eq!(
            hub.publish(signal("a", "t", Priority::High))
                .unwrap()
                .sequence,
            1
        );
        assert!(hub.publish(signal("a", "t", Priority::High)).is_none());
        assert_eq!(
            hub.publish(signal("b", "t", Priority::High))
                .unwrap()
                .sequence,
            2
        );
    }

    #[tokio::test]
    async fn replays_from_a_sequence_then_goes_live_with_the_filter_applied() {
        let hub = Arc::new(SignalHub::new(8, Vec::new()));
        for (id, tenant) in [("1", "t"), ("2", "other"), ("3", "t")] {
            hub.publish(signal(id, tenant, Priority::High));
        }
        let filter = SignalFilter {
            tenants: vec!["t".into()],
            ..SignalFilter::default()
        };
        let mut subscription = hub.subscribe(filter, Some(2));
        assert_eq!(sequence(subscription.next().await), 3);
        hub.publish(signal("4", "other", Priority::High));
        hub.publish(signal("5", "t", Priority::Low));
        assert_eq!(sequence(subscription.next().await), 5);
    }

    #[tokio::test]
    async fn says_so_when_the_gap_is_older_than_the_buffer() {
        let hub = Arc::new(SignalHub::new(2, Vec::new()));
        for id in ["1", "2", "3"] {
            hub.publish(signal(id, "t", Priority::High));
        }
        let mut subscription = hub.subscribe(SignalFilter::default(), Some(1));
        assert_eq!(
            subscription.next().await,
            Some(HubEvent::Gap {
                requested_from: 1,
                oldest_available: 2
            })
        );
        assert_eq!(sequence(subscription.next().await), 2);
        assert_eq!(sequence(subscription.next().await), 3);
    }

    #[tokio::test]
    async fn replaying_from_zero_reports_a_gap_only_when_signals_were_evicted() {
        let hub = Arc::new(SignalHub::new(2, Vec::new()));
        let mut fresh = hub.subscribe(SignalFilter::default(), Some(0));
        hub.publish(signal("1", "t", Priority::High));
        assert_eq!(sequence(fresh.next().await), 1);
        let mut all_held = hub.subscribe(SignalFilter::default(), Some(0));
        assert_eq!(sequence(all_held.next().await), 1);
        for id in ["2", "3"] {
            hub.publish(signal(id, "t", Priority::High));
        }
        let mut evicted = hub.subscribe(SignalFilter::default(), Some(0));
        assert_eq!(
            evicted.next().await,
            Some(HubEvent::Gap {
                requested_from: 0,
                oldest_available: 2
            })
        );
    }

    #[tokio::test]
    async fn finds_a_conversations_newest_signal_while_the_buffer_holds_it() {
        let hub = Arc::new(SignalHub::new(3, Vec::new()));
        let in_conversation = |id: &str, tenant: &str, conversation: &str| Signal {
            conversation_id: conversation.into(),
            ..signal(id, tenant, Priority::High)
        };
        hub.publish(in_conversation("c-1", "t", "c"));
        hub.publish(in_conversation("c-2", "t", "c"));
        hub.publish(in_conversation("other-tenant", "u", "c"));
        hub.publish(in_conversation("d-1", "t", "d"));
        assert_eq!(hub.newest_of("t", "c").unwrap().id, "c-2");
        assert_eq!(hub.newest_of("u", "c").unwrap().id, "other-tenant");
        hub.publish(in_conversation("d-2", "t", "d"));
        hub.publish(in_conversation("d-3", "t", "d"));
        assert!(hub.newest_of("t", "c").is_none(), "evicted");
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_the_live_channel_is_caught_up_from_the_buffer() {
        let hub = Arc::new(SignalHub::new(4096, Vec::new()));
        let filter = SignalFilter {
            min_priority: Some(Priority::High),
            ..SignalFilter::default()
        };
        let mut subscription = hub.subscribe(filter, None);
        for i in 0..2000 {
            let priority = if i % 2 == 0 {
                Priority::High
            } else {
                Priority::Low
            };
            hub.publish(signal(&i.to_string(), "t", priority));
        }
        let mut seen = Vec::new();
        for _ in 0..1000 {
            seen.push(sequence(subscription.next().await));
        }
        let expected: Vec<u64> = (1..=2000).step_by(2).collect();
        assert_eq!(seen, expected);
    }
}
