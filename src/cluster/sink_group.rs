//! Hands the signal stream to this replica's sinks (audit file, webhooks) through the Redis
//! consumer group [`GROUP`] on `<prefix>:signals`, one consumer per replica named by the id the
//! process drew at start, so a signal reaches the sinks even when the replica that made it dies
//! right after appending it:
//!
//! - `XREADGROUP … >` (on a connection of its own: it blocks) takes new entries and hands each
//!   to the hub's sinks ([`SignalHub::hand_out`]) with a receipt; once every sink took it
//!   (webhook delivered, refused or given up; audit line written and flushed) it is `XACK`ed.
//! - Every third of `sink_claim_idle_ms` the entries this replica's sinks still work on get
//!   their idle time reset (`XCLAIM … 0 … JUSTID`), then entries another consumer left
//!   unacknowledged for `sink_claim_idle_ms` are taken over (`XAUTOCLAIM`) and handed out here:
//!   a dead replica's. `XPENDING` feeds `rapport_cluster_sink_pending`. Consumers with nothing
//!   pending and idle for an hour (replicas gone: each process is a new consumer) are deleted.
//! - The group is created when missing (`XGROUP CREATE … MKSTREAM`, atomically in a script):
//!   from the stream's end, or its start while it is empty; after Redis lost it, from the last
//!   entry read here.
//!
//! At least once: a replica that dies after a sink finished but before the `XACK`, or a stalled
//! one whose entries were taken over, means a second delivery of the same signal (same id).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use metrics::{counter, gauge};
use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimReply, StreamId, StreamInfoConsumersReply, StreamPendingReply, StreamReadReply,
};
use tokio::sync::mpsc;

use super::ClusterConfig;
use super::health::{RedisHealth, SINK_CLAIMED, SINK_LOST, SINK_PENDING};
use super::signal_log::Backoff;
use super::signal_tail::decode;
use crate::signals::{Receipt, SignalHub};

/// The consumer group of the sinks.
pub const GROUP: &str = "rapport-sinks";

const BLOCK_MS: u64 = 1_000;
const COUNT: usize = 128;
/// `XAUTOCLAIM` calls per pass at most (each scans up to ten times `COUNT` pending entries).
const CLAIM_ROUNDS: usize = 8;
/// Ids per `XCLAIM` / `XACK`.
const CHUNK: usize = 512;
/// A consumer with nothing pending and idle this long is a replica gone, in milliseconds.
const FORGET_AFTER_MS: usize = 3_600_000;

/// Creates the group unless it exists: from `ARGV[2]`, or from the start of an empty stream.
const JOIN: &str = r"
local start = ARGV[2]
if redis.call('XLEN', KEYS[1]) == 0 then start = '0' end
local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], start, 'MKSTREAM')
if type(created) == 'table' and created.err then
  if string.find(created.err, 'BUSYGROUP', 1, true) then return 0 end
  return redis.error_reply(created.err)
end
return 1
";

struct Shared {
    stream: String,
    replica: Arc<str>,
    timeout: Duration,
    /// Entries handed to the sinks and not yet acknowledged.
    in_flight: Mutex<HashSet<String>>,
    /// Ids of entries every sink took.
    acks: mpsc::UnboundedSender<String>,
    health: Arc<RedisHealth>,
}

impl Shared {
    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands an entry to the sinks unless they already have it; one that is not a rapport
    /// signal is acknowledged at once. Whether it was handed out.
    fn hand_out(&self, hub: &SignalHub, entry: &StreamId) -> bool {
        let Some(signal) = decode(entry) else {
            let _ = self.acks.send(entry.id.clone());
            return false;
        };
        if !self.in_flight().insert(entry.id.clone()) {
            return false;
        }
        let (acks, id) = (self.acks.clone(), entry.id.clone());
        hub.hand_out(
            Arc::new(signal),
            Receipt::new(move || {
                let _ = acks.send(id);
            }),
        );
        true
    }

    async fn query<T: redis::FromRedisValue>(
        &self,
        operation: &'static str,
        command: &redis::Cmd,
        connection: &mut ConnectionManager,
        timeout: Duration,
    ) -> Result<T, Option<redis::RedisError>> {
        match tokio::time::timeout(timeout, command.query_async::<T>(connection)).await {
            Ok(Ok(reply)) => {
                self.health.ok();
                Ok(reply)
            }
            Ok(Err(error)) => {
                // A missing group is no outage: the reader creates it again.
                if error.code() != Some("NOGROUP") {
                    self.health.failed(operation, &error);
                }
                Err(Some(error))
            }
            Err(elapsed) => {
                self.health.failed(operation, &elapsed);
                Err(None)
            }
        }
    }
}

/// Joins the group (waiting at most one command timeout for it, so that on a fresh Redis the
/// group exists before this replica serves turns), then starts the reader and the keeper.
pub async fn start(
    hub: &Arc<SignalHub>,
    mut reader: ConnectionManager,
    connection: ConnectionManager,
    config: &ClusterConfig,
    health: Arc<RedisHealth>,
    replica: Arc<str>,
) {
    let (acks, acked) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        stream: config.stream_key(),
        replica,
        timeout: Duration::from_millis(config.command_timeout_ms),
        in_flight: Mutex::default(),
        acks,
        health,
    });
    gauge!(SINK_PENDING).set(0.0);
    let joined = join(&shared, &mut reader, "$").await;
    tokio::spawn(read(Arc::downgrade(hub), reader, shared.clone(), joined));
    let claim_idle = Duration::from_millis(config.sink_claim_idle_ms);
    tokio::spawn(keep(
        Arc::downgrade(hub),
        connection,
        shared,
        acked,
        claim_idle,
    ));
}

async fn join(shared: &Shared, connection: &mut ConnectionManager, from: &str) -> bool {
    let command = redis::cmd("EVAL")
        .arg(JOIN)
        .arg(1)
        .arg(&shared.stream)
        .arg(GROUP)
        .arg(from)
        .to_owned();
    let joined = shared
        .query::<i64>("join_sink_group", &command, connection, shared.timeout)
        .await;
    if matches!(joined, Ok(1)) {
        tracing::info!(group = GROUP, from, "created the sinks' consumer group");
    }
    joined.is_ok()
}

/// New entries for this replica's sinks.
async fn read(
    hub: Weak<SignalHub>,
    mut connection: ConnectionManager,
    shared: Arc<Shared>,
    mut joined: bool,
) {
    let timeout = shared.timeout + Duration::from_millis(BLOCK_MS);
    let mut backoff = Backoff::default();
    // Where to create the group again if Redis lost it: after the last entry read here.
    let mut last_read: Option<String> = None;
    let mut rejoin_from = "$".to_string();
    loop {
        if hub.strong_count() == 0 {
            return;
        }
        if !joined {
            joined = join(&shared, &mut connection, &rejoin_from).await;
            if !joined {
                backoff.wait().await;
                continue;
            }
        }
        let command = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(GROUP)
            .arg(&*shared.replica)
            .arg("COUNT")
            .arg(COUNT)
            .arg("BLOCK")
            .arg(BLOCK_MS)
            .arg("STREAMS")
            .arg(&shared.stream)
            .arg(">")
            .to_owned();
        let read = shared
            .query::<Option<StreamReadReply>>("read_sink_group", &command, &mut connection, timeout)
            .await;
        let entries: Vec<StreamId> = match read {
            Ok(reply) => reply
                .unwrap_or_default()
                .keys
                .into_iter()
                .flat_map(|key| key.ids)
                .collect(),
            Err(Some(error)) if error.code() == Some("NOGROUP") => {
                tracing::warn!(
                    "the sinks' consumer group is gone (redis lost it?): creating it again"
                );
                joined = false;
                rejoin_from = last_read.clone().unwrap_or_else(|| "0".into());
                continue;
            }
            Err(_) => {
                backoff.wait().await;
                continue;
            }
        };
        backoff.reset();
        let Some(hub) = hub.upgrade() else { return };
        for entry in &entries {
            shared.hand_out(&hub, entry);
            last_read = Some(entry.id.clone());
        }
    }
}

/// Acknowledges what the sinks took; keeps this replica's unfinished entries fresh and takes
/// over the ones other consumers left.
async fn keep(
    hub: Weak<SignalHub>,
    mut connection: ConnectionManager,
    shared: Arc<Shared>,
    mut acked: mpsc::UnboundedReceiver<String>,
    claim_idle: Duration,
) {
    let mut tick = tokio::time::interval((claim_idle / 3).max(Duration::from_millis(30)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut unacked: Vec<String> = Vec::new();
    loop {
        tokio::select! {
            id = acked.recv() => {
                let Some(id) = id else { return };
                unacked.push(id);
                while let Ok(id) = acked.try_recv() {
                    unacked.push(id);
                }
            }
            _ = tick.tick() => {
                let Some(hub) = hub.upgrade() else { return };
                claim(&hub, &mut connection, &shared, claim_idle).await;
            }
        }
        if !unacked.is_empty() && ack(&mut connection, &shared, &unacked).await {
            let mut in_flight = shared.in_flight();
            for id in unacked.drain(..) {
                in_flight.remove(&id);
            }
        }
    }
}

async fn ack(connection: &mut ConnectionManager, shared: &Shared, ids: &[String]) -> bool {
    for chunk in ids.chunks(CHUNK) {
        let command = redis::cmd("XACK")
            .arg(&shared.stream)
            .arg(GROUP)
            .arg(chunk)
            .to_owned();
        let acked = shared
            .query::<i64>("ack_sink_group", &command, connection, shared.timeout)
            .await;
        if acked.is_err() {
            return false;
        }
    }
    true
}

/// One pass: refresh, take over, measure.
async fn claim(
    hub: &SignalHub,
    connection: &mut ConnectionManager,
    shared: &Shared,
    claim_idle: Duration,
) {
    let mine: Vec<String> = shared.in_flight().iter().cloned().collect();
    for chunk in mine.chunks(CHUNK) {
        let command = redis::cmd("XCLAIM")
            .arg(&shared.stream)
            .arg(GROUP)
            .arg(&*shared.replica)
            .arg(0)
            .arg(chunk)
            .arg("JUSTID")
            .to_owned();
        let refreshed = shared
            .query::<redis::Value>("refresh_sink_group", &command, connection, shared.timeout)
            .await;
        if refreshed.is_err() {
            return;
        }
    }
    let mut cursor = "0-0".to_string();
    for _ in 0..CLAIM_ROUNDS {
        let command = redis::cmd("XAUTOCLAIM")
            .arg(&shared.stream)
            .arg(GROUP)
            .arg(&*shared.replica)
            .arg(claim_idle.as_millis() as u64)
            .arg(&cursor)
            .arg("COUNT")
            .arg(COUNT)
            .to_owned();
        let Ok(reply) = shared
            .query::<StreamAutoClaimReply>("claim_sink_group", &command, connection, shared.timeout)
            .await
        else {
            return;
        };
        let taken = reply
            .claimed
            .iter()
            .filter(|entry| shared.hand_out(hub, entry))
            .count();
        if taken > 0 {
            counter!(SINK_CLAIMED).increment(taken as u64);
            tracing::warn!(
                signals = taken,
                "took over signals another replica's sinks did not finish"
            );
        }
        if !reply.deleted_ids.is_empty() {
            counter!(SINK_LOST).increment(reply.deleted_ids.len() as u64);
            tracing::error!(
                signals = reply.deleted_ids.len(),
                "unfinished signals were trimmed from the stream before any sink took them"
            );
        }
        cursor = reply.next_stream_id;
        if cursor == "0-0" {
            break;
        }
    }
    let command = redis::cmd("XPENDING")
        .arg(&shared.stream)
        .arg(GROUP)
        .to_owned();
    if let Ok(pending) = shared
        .query::<StreamPendingReply>("pending_sink_group", &command, connection, shared.timeout)
        .await
    {
        gauge!(SINK_PENDING).set(pending.count() as f64);
    }
    forget_gone(connection, shared).await;
}

/// Deletes the consumers of replicas gone (nothing pending, long idle).
async fn forget_gone(connection: &mut ConnectionManager, shared: &Shared) {
    let command = redis::cmd("XINFO")
        .arg("CONSUMERS")
        .arg(&shared.stream)
        .arg(GROUP)
        .to_owned();
    let Ok(consumers) = shared
        .query::<StreamInfoConsumersReply>(
            "list_sink_consumers",
            &command,
            connection,
            shared.timeout,
        )
        .await
    else {
        return;
    };
    for name in gone(&consumers, &shared.replica) {
        let command = redis::cmd("XGROUP")
            .arg("DELCONSUMER")
            .arg(&shared.stream)
            .arg(GROUP)
            .arg(&name)
            .to_owned();
        let deleted = shared
            .query::<i64>("forget_sink_consumer", &command, connection, shared.timeout)
            .await;
        if deleted.is_ok() {
            tracing::info!(consumer = %name, "forgot the sinks' consumer of a replica gone");
        }
    }
}

/// The consumers other than `me` with nothing pending, idle past [`FORGET_AFTER_MS`]. (Deleting
/// one that is alive after all loses nothing: it has nothing pending, and its next read makes
/// it again.)
fn gone(consumers: &StreamInfoConsumersReply, me: &str) -> Vec<String> {
    consumers
        .consumers
        .iter()
        .filter(|c| c.name != me && c.pending == 0 && c.idle > FORGET_AFTER_MS)
        .map(|c| c.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use redis::streams::StreamInfoConsumer;

    use super::*;

    #[test]
    fn forgets_only_other_long_idle_consumers_with_nothing_pending() {
        let consumer = |name: &str, pending, idle| StreamInfoConsumer {
            name: name.into(),
            pending,
            idle,
        };
        let hour = FORGET_AFTER_MS;
        let consumers = StreamInfoConsumersReply {
            consumers: vec![
                consumer("gone", 0, hour + 1),
                consumer("owes-signals", 3, hour * 5),
                consumer("reading", 0, 900),
                consumer("me", 0, hour * 2),
            ],
        };
        assert_eq!(gone(&consumers, "me"), ["gone"]);
    }
}
