//! Appends this replica's signals to the shared Redis stream, in order, before any subscriber
//! sees them (subscribers are fed back from the stream by [`super::signal_tail`]).
//!
//! One Lua script per signal does `SET <prefix>:signal-id:<id> NX EX ttl` and, only if that
//! key was new, `XADD <prefix>:signals MAXLEN ~ N * field value …`: a signal resent by a retry
//! or by another replica that took the conversation over is appended once. Stream entry
//! fields: `signal_id`, `tenant_id`, `conversation_id`, `kind`, `priority`, `rule_id`,
//! `replica` (the id this process drew at start: the tail tells its own signals by it) and
//! `signal`, the whole signal as the JSON of the audit file (its `sequence` is 0: the
//! sequence is the entry id, see [`super::sequence`]).
//!
//! While Redis is unreachable signals wait in a bounded buffer and are retried in order;
//! a signal that finds the buffer full is dropped and counted.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use metrics::{counter, gauge};
use redis::aio::ConnectionManager;
use tokio::sync::Notify;

use super::ClusterConfig;
use super::health::{RedisHealth, SIGNALS_DROPPED, SIGNALS_PENDING};
use crate::policy::Priority;
use crate::signals::{Signal, SignalLog};

const APPEND: &str = r"
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  local xadd = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*'}
  for i = 3, #ARGV do xadd[#xadd + 1] = ARGV[i] end
  return redis.call(unpack(xadd))
end
return false
";

/// The stream entry field naming the replica that made the signal.
pub const REPLICA_FIELD: &str = "replica";

/// Signals per pipelined round trip.
const BATCH: usize = 128;

pub struct SignalAppender {
    queue: Mutex<VecDeque<Arc<Signal>>>,
    wake: Notify,
    capacity: usize,
}

impl SignalLog for SignalAppender {
    fn append(&self, signal: Arc<Signal>) {
        {
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            if queue.len() >= self.capacity {
                drop(queue);
                counter!(SIGNALS_DROPPED).increment(1);
                tracing::error!(
                    signal = %signal.id,
                    capacity = self.capacity,
                    "signal buffer full while redis is unreachable: signal dropped"
                );
                return;
            }
            queue.push_back(signal);
        }
        gauge!(SIGNALS_PENDING).increment(1.0);
        self.wake.notify_one();
    }
}

impl SignalAppender {
    /// Starts the writer task; the appender is handed to the hub.
    pub fn spawn(
        connection: ConnectionManager,
        config: Arc<ClusterConfig>,
        health: Arc<RedisHealth>,
        replica: Arc<str>,
    ) -> Arc<Self> {
        let appender = Arc::new(Self {
            queue: Mutex::new(VecDeque::new()),
            wake: Notify::new(),
            capacity: config.signal_buffer.max(1),
        });
        tokio::spawn(write(
            Arc::downgrade(&appender),
            connection,
            config,
            health,
            replica,
        ));
        appender
    }

    fn head(&self) -> Vec<Arc<Signal>> {
        let queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        queue.iter().take(BATCH).cloned().collect()
    }

    fn done(&self, n: usize) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        let n = n.min(queue.len());
        queue.drain(..n);
        drop(queue);
        gauge!(SIGNALS_PENDING).decrement(n as f64);
    }
}

async fn write(
    appender: std::sync::Weak<SignalAppender>,
    mut connection: ConnectionManager,
    config: Arc<ClusterConfig>,
    health: Arc<RedisHealth>,
    replica: Arc<str>,
) {
    let stream = config.stream_key();
    let timeout = Duration::from_millis(config.command_timeout_ms);
    let mut backoff = Backoff::default();
    loop {
        let Some(appender) = appender.upgrade() else {
            return;
        };
        let batch = appender.head();
        if batch.is_empty() {
            // The appender's owner (the hub) may go away while this waits; check now and then.
            let _ = tokio::time::timeout(Duration::from_secs(1), appender.wake.notified()).await;
            continue;
        }
        let mut pipe = redis::pipe();
        for signal in &batch {
            append_command(&mut pipe, &config, &stream, &replica, signal);
        }
        let sent = tokio::time::timeout(
            timeout,
            pipe.query_async::<Vec<redis::Value>>(&mut connection),
        );
        match sent.await {
            Ok(Ok(_)) => {
                health.ok();
                backoff.reset();
                appender.done(batch.len());
            }
            Ok(Err(error)) => {
                health.failed("append_signals", &error);
                drop(appender);
                backoff.wait().await;
            }
            Err(elapsed) => {
                health.failed("append_signals", &elapsed);
                drop(appender);
                backoff.wait().await;
            }
        }
    }
}

fn append_command(
    pipe: &mut redis::Pipeline,
    config: &ClusterConfig,
    stream: &str,
    replica: &str,
    signal: &Signal,
) {
    let json = serde_json::to_string(signal).unwrap_or_default();
    pipe.cmd("EVAL")
        .arg(APPEND)
        .arg(2)
        .arg(stream)
        .arg(config.dedupe_key(&signal.id))
        .arg(config.signal_dedupe_ttl_secs.max(1))
        .arg(config.stream_maxlen.max(1))
        .arg("signal_id")
        .arg(&signal.id)
        .arg("tenant_id")
        .arg(&signal.tenant_id)
        .arg("conversation_id")
        .arg(&signal.conversation_id)
        .arg("kind")
        .arg(signal.kind.as_str())
        .arg("priority")
        .arg(priority(signal.priority))
        .arg("rule_id")
        .arg(signal.rule_id)
        .arg(REPLICA_FIELD)
        .arg(replica)
        .arg("signal")
        .arg(json);
}

fn priority(priority: Priority) -> &'static str {
    match priority {
        Priority::Low => "low",
        Priority::Normal => "normal",
        Priority::High => "high",
        Priority::Urgent => "urgent",
    }
}

/// Retry delays for a Redis that does not answer: 50 ms doubling to 1 s.
#[derive(Default)]
pub struct Backoff(u32);

impl Backoff {
    pub fn reset(&mut self) {
        self.0 = 0;
    }

    pub async fn wait(&mut self) {
        let delay = Duration::from_millis(50 << self.0.min(4)).min(Duration::from_secs(1));
        self.0 += 1;
        tokio::time::sleep(delay).await;
    }
}
