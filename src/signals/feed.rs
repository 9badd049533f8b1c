//! What the sinks that may block (the audit file, webhooks) read: a [`SinkFeed`] from
//! [`super::SignalHub::sink_feed`].
//!
//! Alone, it is the hub's signals this replica made ([`super::SignalHub::subscribe_made_here`]),
//! with receipts nobody waits for. In cluster mode a source outside this module (the cluster's
//! consumer group) hands signals out through [`Handouts`], each with a [`Receipt`] that each
//! sink takes once it has delivered, written or given up the signal; the source learns from it
//! when the signal is done. The signals module knows nothing of where handed-out signals come
//! from.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::{HubEvent, Receipt, Signal, SignalFilter, Subscription};

/// What a sink feed yields.
#[derive(Debug)]
pub enum SinkEvent {
    /// A signal for the sink; take the receipt when done with it.
    Signal(Arc<Signal>, Receipt),
    /// Alone only: signals from `requested_from` were missed (the sink fell that far behind).
    Gap {
        requested_from: u64,
        oldest_available: u64,
    },
}

type Handout = (Arc<Signal>, Receipt);

/// One sink's feed.
pub enum SinkFeed {
    /// Alone: this replica's signals, from the hub.
    MadeHere(Subscription),
    /// Cluster mode: signals handed out (already filtered) with their receipts.
    HandedOut(mpsc::UnboundedReceiver<Handout>),
}

impl SinkFeed {
    /// The next event; `None` when the hub (or the source) is gone.
    pub async fn next(&mut self) -> Option<SinkEvent> {
        match self {
            Self::MadeHere(subscription) => match subscription.next().await? {
                HubEvent::Signal(signal) => Some(SinkEvent::Signal(signal, Receipt::none())),
                HubEvent::Gap {
                    requested_from,
                    oldest_available,
                } => Some(SinkEvent::Gap {
                    requested_from,
                    oldest_available,
                }),
            },
            Self::HandedOut(handouts) => {
                let (signal, receipt) = handouts.recv().await?;
                Some(SinkEvent::Signal(signal, receipt))
            }
        }
    }

    /// Whether it is fed by a source outside the hub (cluster mode).
    pub fn is_handed_out(&self) -> bool {
        matches!(self, Self::HandedOut(_))
    }
}

/// The sinks signals are handed out to in cluster mode, each with its filter.
#[derive(Default)]
pub struct Handouts {
    feeds: Mutex<Vec<(SignalFilter, mpsc::UnboundedSender<Handout>)>>,
}

impl Handouts {
    pub fn register(&self, filter: SignalFilter) -> SinkFeed {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.lock().push((filter, sender));
        SinkFeed::HandedOut(receiver)
    }

    /// Gives a copy of the receipt with the signal to every sink whose filter accepts it; the
    /// receipt is done once each has taken its copy (at once when no sink wants the signal).
    /// A sink that has stopped drops its copy untaken: the receipt is abandoned.
    pub fn hand_out(&self, signal: Arc<Signal>, receipt: Receipt) {
        for (filter, sink) in self.lock().iter() {
            if filter.accepts(&signal) {
                let _ = sink.send((signal.clone(), receipt.share()));
            }
        }
        receipt.taken();
    }

    /// How many sinks are fed.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, Vec<(SignalFilter, mpsc::UnboundedSender<Handout>)>> {
        self.feeds.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn counted_receipt() -> (Receipt, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = count.clone();
        (
            Receipt::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
            count,
        )
    }

    fn take(event: Option<SinkEvent>) -> Arc<Signal> {
        match event {
            Some(SinkEvent::Signal(signal, receipt)) => {
                receipt.taken();
                signal
            }
            other => panic!("expected a signal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_handed_out_signal_is_done_when_every_sink_that_wants_it_took_it() {
        let handouts = Handouts::default();
        let mut everything = handouts.register(SignalFilter::default());
        let mut other_tenant = handouts.register(SignalFilter {
            tenants: vec!["other".into()],
            ..SignalFilter::default()
        });
        let (receipt, done) = counted_receipt();
        handouts.hand_out(Arc::new(super::super::signal::sample("s", 7)), receipt);
        assert_eq!(done.load(Ordering::SeqCst), 0);
        assert_eq!(take(everything.next().await).id, "s");
        assert_eq!(
            done.load(Ordering::SeqCst),
            1,
            "the other sink did not want it"
        );
        let (receipt, done) = counted_receipt();
        let theirs = Signal {
            tenant_id: "other".into(),
            ..super::super::signal::sample("o", 8)
        };
        handouts.hand_out(Arc::new(theirs), receipt);
        take(everything.next().await);
        assert_eq!(done.load(Ordering::SeqCst), 0);
        assert_eq!(take(other_tenant.next().await).id, "o");
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_stopped_sink_leaves_the_signal_owed() {
        let handouts = Handouts::default();
        let stopped = handouts.register(SignalFilter::default());
        drop(stopped);
        let (receipt, done) = counted_receipt();
        handouts.hand_out(Arc::new(super::super::signal::sample("s", 1)), receipt);
        assert_eq!(done.load(Ordering::SeqCst), 0);
    }
}
