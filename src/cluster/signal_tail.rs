//! Feeds the local hub from the shared Redis stream, so `SubscribeSignals` on any replica
//! serves every replica's signals. At start (and until Redis first answers) it loads the
//! newest `replay_capacity` entries for `from_sequence` replays, then follows the stream with
//! `XREAD BLOCK` from the last id it saw, on a connection of its own (a blocking read would
//! hold up the commands multiplexed on the shared one). Each entry's sequence is its packed
//! id ([`super::sequence`]); the hub drops ids and sequences it already holds. An entry whose
//! `replica` field is this process's id is a signal this replica made: the hub hands it to
//! its log line sink too, now that it is numbered. Entries loaded at start are for
//! subscribers only. The audit file and webhooks are fed by [`super::sink_group`] instead.

use std::sync::{Arc, Weak};
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::streams::{StreamId, StreamRangeReply, StreamReadReply};

use super::ClusterConfig;
use super::health::RedisHealth;
use super::sequence;
use super::signal_log::{Backoff, REPLICA_FIELD};
use crate::signals::{MadeBy, Signal, SignalHub};

const BLOCK_MS: u64 = 1_000;
const COUNT: usize = 512;

pub fn spawn(
    hub: &Arc<SignalHub>,
    connection: ConnectionManager,
    config: Arc<ClusterConfig>,
    health: Arc<RedisHealth>,
    backfill: usize,
    replica: Arc<str>,
) {
    tokio::spawn(tail(
        Arc::downgrade(hub),
        connection,
        config,
        health,
        backfill,
        replica,
    ));
}

async fn tail(
    hub: Weak<SignalHub>,
    mut connection: ConnectionManager,
    config: Arc<ClusterConfig>,
    health: Arc<RedisHealth>,
    backfill: usize,
    replica: Arc<str>,
) {
    let stream = config.stream_key();
    let timeout = Duration::from_millis(config.command_timeout_ms + BLOCK_MS);
    let mut last_id: Option<String> = None;
    let mut backoff = Backoff::default();
    loop {
        if hub.strong_count() == 0 {
            return;
        }
        let result = match &last_id {
            None => {
                let command = redis::cmd("XREVRANGE")
                    .arg(&stream)
                    .arg("+")
                    .arg("-")
                    .arg("COUNT")
                    .arg(backfill.max(1))
                    .to_owned();
                let read = tokio::time::timeout(
                    timeout,
                    command.query_async::<StreamRangeReply>(&mut connection),
                );
                read.await.map(|r| {
                    r.map(|mut range| {
                        range.ids.reverse();
                        range.ids
                    })
                })
            }
            Some(from) => {
                let command = redis::cmd("XREAD")
                    .arg("COUNT")
                    .arg(COUNT)
                    .arg("BLOCK")
                    .arg(BLOCK_MS)
                    .arg("STREAMS")
                    .arg(&stream)
                    .arg(from)
                    .to_owned();
                let read = tokio::time::timeout(
                    timeout,
                    command.query_async::<Option<StreamReadReply>>(&mut connection),
                );
                read.await.map(|r| {
                    r.map(|reply| {
                        reply
                            .unwrap_or_default()
                            .keys
                            .into_iter()
                            .flat_map(|key| key.ids)
                            .collect()
                    })
                })
            }
        };
        let entries: Vec<StreamId> = match result {
            Ok(Ok(entries)) => entries,
            Ok(Err(error)) => {
                health.failed("read_signals", &error);
                backoff.wait().await;
                continue;
            }
            Err(elapsed) => {
                health.failed("read_signals", &elapsed);
                backoff.wait().await;
                continue;
            }
        };
        health.ok();
        backoff.reset();
        let Some(hub) = hub.upgrade() else { return };
        if last_id.is_none() {
            // Complete from the oldest entry loaded; everything, if the stream is shorter.
            let horizon = match entries.first() {
                Some(first) if entries.len() >= backfill => sequence::pack(&first.id).unwrap_or(0),
                _ => 0,
            };
            hub.set_horizon(horizon);
            last_id = Some("0-0".into());
        }
        for entry in &entries {
            if let Some(signal) = decode(entry) {
                hub.deliver(signal, made_by(entry, &replica));
            }
            last_id = Some(entry.id.clone());
        }
    }
}

/// Whether the entry names this replica as the signal's maker.
fn made_by(entry: &StreamId, replica: &str) -> MadeBy {
    match entry.get::<String>(REPLICA_FIELD) {
        Some(maker) if maker == replica => MadeBy::ThisReplica,
        _ => MadeBy::AnotherReplica,
    }
}

/// The signal of a stream entry, numbered by the entry id.
pub(super) fn decode(entry: &StreamId) -> Option<Signal> {
    let sequence = sequence::pack(&entry.id)?;
    let json: String = entry.get("signal")?;
    match serde_json::from_str::<Signal>(&json) {
        Ok(mut signal) => {
            signal.sequence = sequence;
            Some(signal)
        }
        Err(error) => {
            tracing::warn!(id = %entry.id, %error, "stream entry is not a rapport signal: skipped");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::signals::{HubEvent, SignalFilter, SignalLog, Sink};

    /// What a replica appended to the shared log.
    #[derive(Default)]
    struct Appended(Mutex<Vec<Arc<Signal>>>);

    impl SignalLog for Appended {
        fn append(&self, signal: Arc<Signal>) {
            self.0.lock().unwrap().push(signal);
        }
    }

    fn signal(id: &str) -> Signal {
        crate::signals::signal::sample(id, 0)
    }

    fn numbered(id: &str, stream_id: &str) -> Signal {
        Signal {
            sequence: sequence::pack(stream_id).unwrap(),
            ..signal(id)
        }
    }

    fn next_id(event: Option<HubEvent>) -> String {
        match event {
            Some(HubEvent::Signal(s)) => s.id.clone(),
            other => panic!("expected a signal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn published_signals_reach_subscribers_only_through_the_log() {
        let hub = Arc::new(SignalHub::new(8, Vec::new()));
        let log = Arc::new(Appended::default());
        hub.set_log(log.clone());
        let mut subscription = hub.subscribe(SignalFilter::default(), None);
        let published = hub.publish(signal("a")).unwrap();
        assert_eq!(published.sequence, 0);
        assert_eq!(log.0.lock().unwrap().len(), 1);
        assert!(hub.deliver(numbered("a", "1795000000000-0"), MadeBy::ThisReplica));
        assert!(
            !hub.deliver(numbered("a", "1795000000001-0"), MadeBy::ThisReplica),
            "an id already held"
        );
        assert!(
            !hub.deliver(numbered("old", "1794000000000-0"), MadeBy::AnotherReplica),
            "older than the newest held"
        );
        assert_eq!(next_id(subscription.next().await), "a");
        assert!(hub.publish(signal("a")).is_none(), "already in the log");
    }

    /// The sequences the sink was handed, by signal id.
    #[derive(Default, Clone)]
    struct Sunk(Arc<Mutex<Vec<(String, u64)>>>);

    impl Sink for Sunk {
        fn deliver(&self, signal: &Signal) {
            self.0
                .lock()
                .unwrap()
                .push((signal.id.clone(), signal.sequence));
        }
    }

    #[tokio::test]
    async fn only_this_replicas_signals_reach_the_sinks_and_only_once_numbered() {
        let sunk = Sunk::default();
        let hub = Arc::new(SignalHub::new(8, vec![Box::new(sunk.clone())]));
        hub.set_log(Arc::new(Appended::default()));
        let mut everything = hub.subscribe(SignalFilter::default(), None);
        let mut made_here = hub.subscribe_made_here(SignalFilter::default());
        hub.publish(signal("mine")).unwrap();
        assert!(sunk.0.lock().unwrap().is_empty(), "not numbered yet");
        assert!(hub.deliver(
            numbered("theirs", "1795000000000-0"),
            MadeBy::AnotherReplica
        ));
        assert!(hub.deliver(numbered("mine", "1795000000001-0"), MadeBy::ThisReplica));
        let sequence = sequence::pack("1795000000001-0").unwrap();
        assert_eq!(
            *sunk.0.lock().unwrap(),
            vec![("mine".to_string(), sequence)]
        );
        assert_eq!(hub.newest_made_here(), sequence);
        assert_eq!(next_id(everything.next().await), "theirs");
        assert_eq!(next_id(everything.next().await), "mine");
        match made_here.next().await {
            Some(HubEvent::Signal(s)) => {
                assert_eq!((s.id.as_str(), s.sequence), ("mine", sequence))
            }
            other => panic!("expected this replica's signal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_subscriber_sees_only_its_tenants_of_the_stream() {
        let hub = Arc::new(SignalHub::new(8, Vec::new()));
        hub.set_log(Arc::new(Appended::default()));
        let filter = SignalFilter {
            tenants: vec!["t".into()],
            ..SignalFilter::default()
        };
        let mut subscription = hub.subscribe(filter, None);
        let other = Signal {
            tenant_id: "other".into(),
            ..numbered("x", "1795000000000-0")
        };
        assert!(hub.deliver(other, MadeBy::AnotherReplica));
        assert!(hub.deliver(numbered("mine", "1795000000001-0"), MadeBy::AnotherReplica));
        assert_eq!(next_id(subscription.next().await), "mine");
    }

    #[tokio::test]
    async fn from_sequence_replays_sparse_stream_sequences_without_a_false_gap() {
        let hub = Arc::new(SignalHub::new(2, Vec::new()));
        hub.set_log(Arc::new(Appended::default()));
        hub.set_horizon(0);
        for (id, stream_id) in [
            ("a", "1795000000000-0"),
            ("b", "1795000000007-3"),
            ("c", "1795000000100-0"),
        ] {
            hub.deliver(numbered(id, stream_id), MadeBy::AnotherReplica);
        }
        let after_b = sequence::pack("1795000000007-3").unwrap() + 1;
        let mut subscription = hub.subscribe(SignalFilter::default(), Some(after_b));
        assert_eq!(next_id(subscription.next().await), "c");
        // "a" was evicted (capacity 2): asking from it is a gap up to just after it.
        let mut subscription = hub.subscribe(SignalFilter::default(), Some(1));
        let after_a = sequence::pack("1795000000000-0").unwrap() + 1;
        assert_eq!(
            subscription.next().await,
            Some(HubEvent::Gap {
                requested_from: 1,
                oldest_available: after_a
            })
        );
        assert_eq!(next_id(subscription.next().await), "b");
    }

    #[test]
    fn decodes_stream_entries_numbered_by_their_id() {
        let json = serde_json::to_string(&signal("x")).unwrap();
        let entry = StreamId {
            id: "1795000000123-7".into(),
            map: [(
                "signal".to_string(),
                redis::Value::BulkString(json.into_bytes()),
            )]
            .into(),
            ..StreamId::default()
        };
        let decoded = decode(&entry).unwrap();
        assert_eq!(decoded.id, "x");
        assert_eq!(decoded.rule_id, "escalate.explicit-human-request");
        assert_eq!(decoded.sequence, sequence::pack("1795000000123-7").unwrap());
        let garbage = StreamId {
            id: "1795000000123-8".into(),
            map: [(
                "signal".to_string(),
                redis::Value::BulkString(b"{}".to_vec()),
            )]
            .into(),
            ..StreamId::default()
        };
        assert!(decode(&garbage).is_none());
    }

    #[test]
    fn an_entry_is_this_replicas_only_when_it_names_this_replica() {
        let entry = |replica: Option<&str>| StreamId {
            id: "1795000000123-7".into(),
            map: replica
                .map(|r| {
                    (
                        REPLICA_FIELD.to_string(),
                        redis::Value::BulkString(r.as_bytes().to_vec()),
                    )
                })
                .into_iter()
                .collect(),
            ..StreamId::default()
        };
        assert_eq!(made_by(&entry(Some("r1")), "r1"), MadeBy::ThisReplica);
        assert_eq!(made_by(&entry(Some("r2")), "r1"), MadeBy::AnotherReplica);
        assert_eq!(made_by(&entry(None), "r1"), MadeBy::AnotherReplica);
    }
}
