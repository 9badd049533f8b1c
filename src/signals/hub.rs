//! The signal log: numbers signals, drops resent ones, keeps the newest in a bounded replay
//! buffer, and serves subscribers a gap-free stream (replay, then live; a subscriber that falls
//! behind the live channel is caught up from the buffer).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use super::{Signal, Sink};
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

struct Log {
    next_sequence: u64,
    buffer: VecDeque<Arc<Signal>>,
    ids: HashSet<String>,
}

impl Log {
    fn oldest_sequence(&self) -> u64 {
        self.buffer
            .front()
            .map_or(self.next_sequence, |s| s.sequence)
    }

    /// Buffered signals from `from` on, and a gap if some of them are gone. Sequences start
    /// at 1, so asking from 0 on a fresh log misses nothing.
    fn since(&self, from: u64) -> (VecDeque<Arc<Signal>>, Option<HubEvent>) {
        let oldest = self.oldest_sequence();
        let gap = (from.max(1) < oldest).then_some(HubEvent::Gap {
            requested_from: from,
            oldest_available: oldest,
        });
        (
            self.buffer
                .iter()
                .filter(|s| s.sequence >= from)
                .cloned()
                .collect(),
            gap,
        )
    }
}

pub struct SignalHub {
    log: Mutex<Log>,
    capacity: usize,
    live: broadcast::Sender<Arc<Signal>>,
    sinks: Vec<Box<dyn Sink>>,
}

impl SignalHub {
    /// `capacity` signals are kept for replay; sequences start at 1.
    pub fn new(capacity: usize, sinks: Vec<Box<dyn Sink>>) -> Self {
        let (live, _) = broadcast::channel(1024);
        Self {
            log: Mutex::new(Log {
                next_sequence: 1,
                buffer: VecDeque::new(),
                ids: HashSet::new(),
            }),
            capacity: capacity.max(1),
            live,
            sinks,
        }
    }

    /// Numbers and publishes a signal. A signal whose id is still in the buffer is not
    /// published again; `None` then.
    pub fn publish(&self, mut signal: Signal) -> Option<Arc<Signal>> {
        let signal = {
            let mut log = self.lock();
            if log.ids.contains(&signal.id) {
                return None;
            }
            signal.sequence = log.next_sequence;
            log.next_sequence += 1;
            let signal = Arc::new(signal);
            if log.buffer.len() == self.capacity {
                if let Some(evicted) = log.buffer.pop_front() {
                    log.ids.remove(&evicted.id);
                }
            }
            log.ids.insert(signal.id.clone());
            log.buffer.push_back(signal.clone());
            // Sent under the lock so a new subscriber sees each signal exactly once.
            let _ = self.live.send(signal.clone());
            signal
        };
        for reason in &signal.reasons {
            telemetry::signal(signal.kind.as_str(), reason.as_str());
        }
        for sink in &self.sinks {
            sink.deliver(&signal);
        }
        Some(signal)
    }

    /// Live signals matching `filter`, preceded by the buffered ones from `from_sequence`.
    pub fn subscribe(
        self: &Arc<Self>,
        filter: SignalFilter,
        from_sequence: Option<u64>,
    ) -> Subscription {
        let log = self.lock();
        let live = self.live.subscribe();
        let (backlog, gap) = match from_sequence {
            Some(from) => log.since(from),
            None => (VecDeque::new(), None),
        };
        let next_sequence = backlog.back().map_or(log.next_sequence, |s| s.sequence + 1);
        Subscription {
            hub: self.clone(),
            filter,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One subscriber's position in the log.
pub struct Subscription {
    hub: Arc<SignalHub>,
    filter: SignalFilter,
    gap: Option<HubEvent>,
    backlog: VecDeque<Arc<Signal>>,
    live: broadcast::Receiver<Arc<Signal>>,
    next_sequence: u64,
}

impl Subscription {
    /// The next event for this subscriber; `None` when the hub is gone.
    pub async fn next(&mut self) -> Option<HubEvent> {
        if let Some(gap) = self.gap.take() {
            return Some(gap);
        }
        loop {
            let signal = match self.backlog.pop_front() {
                Some(signal) => signal,
                None => match self.live.recv().await {
                    Ok(signal) if signal.sequence < self.next_sequence => continue,
                    Ok(signal) => signal,
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
            self.next_sequence = signal.sequence + 1;
            if self.filter.accepts(&signal) {
                return Some(HubEvent::Signal(signal));
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
