//! Writes conversation checkpoints to Redis off the turn path. The turn path encodes and
//! `try_send`s into a bounded queue (never waits); one writer task drains it, keeps only the
//! newest checkpoint per conversation, and writes them in pipelined batches of
//! `SET key value EX idle_ttl_secs` (or `DEL` for an ended conversation). While Redis is
//! unreachable the newest checkpoints wait (bounded by `checkpoint_queue`) and are retried;
//! `rapport_cluster_checkpoint_backlog` says how many are not written yet.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::time::Duration;

use metrics::{counter, gauge};
use redis::aio::ConnectionManager;
use tokio::sync::mpsc;

use super::ClusterConfig;
use super::health::{CHECKPOINT_BACKLOG, CHECKPOINTS_DROPPED, RedisHealth};
use super::signal_log::Backoff;

enum Write {
    Put(Vec<u8>),
    Delete,
}

pub struct CheckpointWriter {
    queue: mpsc::Sender<(String, Write)>,
}

impl CheckpointWriter {
    pub fn spawn(
        connection: ConnectionManager,
        config: Arc<ClusterConfig>,
        health: Arc<RedisHealth>,
        ttl_secs: u64,
    ) -> Self {
        let (queue, receiver) = mpsc::channel(config.checkpoint_queue.max(1));
        tokio::spawn(write(receiver, connection, config, health, ttl_secs.max(1)));
        Self { queue }
    }

    /// Queues a checkpoint; skipped (and counted) when the queue is full.
    pub fn save(&self, key: String, checkpoint: Vec<u8>) {
        self.send(key, Write::Put(checkpoint));
    }

    /// Queues the removal of a checkpoint.
    pub fn forget(&self, key: String) {
        self.send(key, Write::Delete);
    }

    fn send(&self, key: String, write: Write) {
        match self.queue.try_send((key, write)) {
            Ok(()) => gauge!(CHECKPOINT_BACKLOG).increment(1.0),
            Err(_) => {
                counter!(CHECKPOINTS_DROPPED).increment(1);
                tracing::debug!("checkpoint queue full: checkpoint skipped");
            }
        }
    }
}

async fn write(
    mut receiver: mpsc::Receiver<(String, Write)>,
    mut connection: ConnectionManager,
    config: Arc<ClusterConfig>,
    health: Arc<RedisHealth>,
    ttl_secs: u64,
) {
    let limit = config.checkpoint_queue.max(1);
    let batch = config.checkpoint_batch.max(1);
    let timeout = Duration::from_millis(config.command_timeout_ms);
    let mut pending: HashMap<String, Write> = HashMap::new();
    let mut backoff = Backoff::default();
    loop {
        if pending.is_empty() {
            let Some((key, write)) = receiver.recv().await else {
                return;
            };
            pending.insert(key, write);
        }
        while pending.len() < limit {
            let Ok((key, write)) = receiver.try_recv() else {
                break;
            };
            if pending.insert(key, write).is_some() {
                gauge!(CHECKPOINT_BACKLOG).decrement(1.0);
            }
        }
        let keys: Vec<String> = pending.keys().take(batch).cloned().collect();
        let chunk: Vec<(String, Write)> = keys
            .into_iter()
            .filter_map(|key| pending.remove_entry(&key))
            .collect();
        let mut pipe = redis::pipe();
        for (key, write) in &chunk {
            match write {
                Write::Put(bytes) => pipe
                    .cmd("SET")
                    .arg(key)
                    .arg(bytes)
                    .arg("EX")
                    .arg(ttl_secs)
                    .ignore(),
                Write::Delete => pipe.cmd("DEL").arg(key).ignore(),
            };
        }
        let sent = tokio::time::timeout(timeout, pipe.query_async::<()>(&mut connection)).await;
        let error: Option<Box<dyn std::fmt::Display + Send>> = match sent {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(Box::new(error)),
            Err(elapsed) => Some(Box::new(elapsed)),
        };
        match error {
            None => {
                health.ok();
                backoff.reset();
                gauge!(CHECKPOINT_BACKLOG).decrement(chunk.len() as f64);
            }
            Some(error) => {
                health.failed("write_checkpoints", &error);
                // Put them back unless a newer checkpoint of the same conversation came in.
                for (key, write) in chunk {
                    match pending.entry(key) {
                        Entry::Occupied(_) => gauge!(CHECKPOINT_BACKLOG).decrement(1.0),
                        Entry::Vacant(slot) => {
                            slot.insert(write);
                        }
                    }
                }
                backoff.wait().await;
            }
        }
    }
}
