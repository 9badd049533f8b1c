//! Whether Redis answers, as the cluster tasks see it, and the cluster metrics. While Redis is
//! down rapport is degraded, not down: turns are answered from memory, signals wait in a
//! bounded buffer, checkpoints are coalesced and retried; gRPC health stays SERVING and one log
//! line at each change says why.

use std::sync::atomic::{AtomicBool, Ordering};

use metrics::{counter, describe_counter, describe_gauge, gauge};

pub const REDIS_UP: &str = "rapport_cluster_redis_up";
pub const REDIS_ERRORS: &str = "rapport_cluster_redis_errors_total";
pub const SIGNALS_PENDING: &str = "rapport_cluster_signals_pending";
pub const SIGNALS_DROPPED: &str = "rapport_cluster_signals_dropped_total";
pub const CHECKPOINT_BACKLOG: &str = "rapport_cluster_checkpoint_backlog";
pub const CHECKPOINTS_DROPPED: &str = "rapport_cluster_checkpoints_dropped_total";
pub const CHECKPOINTS_LOADED: &str = "rapport_cluster_checkpoints_loaded_total";
pub const SINK_PENDING: &str = "rapport_cluster_sink_pending";
pub const SINK_CLAIMED: &str = "rapport_cluster_sink_claimed_total";
pub const SINK_LOST: &str = "rapport_cluster_sink_lost_total";

pub struct RedisHealth {
    up: AtomicBool,
}

impl Default for RedisHealth {
    fn default() -> Self {
        Self::new()
    }
}

impl RedisHealth {
    /// Starts optimistic: the first failure says so.
    pub fn new() -> Self {
        describe_gauge!(
            REDIS_UP,
            "1 while Redis answers; 0 while rapport serves from memory only"
        );
        describe_counter!(
            REDIS_ERRORS,
            "Failed or timed-out Redis operations, by operation"
        );
        describe_gauge!(
            SIGNALS_PENDING,
            "Signals waiting to be appended to the Redis stream"
        );
        describe_counter!(
            SIGNALS_DROPPED,
            "Signals dropped because the Redis buffer was full"
        );
        describe_gauge!(
            CHECKPOINT_BACKLOG,
            "Conversation checkpoints not yet written to Redis"
        );
        describe_counter!(
            CHECKPOINTS_DROPPED,
            "Checkpoints skipped because the writer queue was full"
        );
        describe_counter!(
            CHECKPOINTS_LOADED,
            "Conversations taken over from a Redis checkpoint"
        );
        describe_gauge!(
            SINK_PENDING,
            "Signals read by some replica's sinks and not yet acknowledged, in the whole consumer group"
        );
        describe_counter!(
            SINK_CLAIMED,
            "Signals this replica took over from a replica that did not finish them in time"
        );
        describe_counter!(
            SINK_LOST,
            "Unfinished signals trimmed from the stream before any replica's sinks took them"
        );
        gauge!(REDIS_UP).set(1.0);
        // Present from the start: `increase()` in an alert sees the first drop, panels are not
        // empty. Errors are labelled by operation and appear with the first one.
        for name in [
            SIGNALS_DROPPED,
            CHECKPOINTS_DROPPED,
            CHECKPOINTS_LOADED,
            SINK_CLAIMED,
            SINK_LOST,
        ] {
            counter!(name).increment(0);
        }
        for name in [SIGNALS_PENDING, CHECKPOINT_BACKLOG, SINK_PENDING] {
            gauge!(name).increment(0.0);
        }
        Self {
            up: AtomicBool::new(true),
        }
    }

    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    pub fn ok(&self) {
        if !self.up.swap(true, Ordering::AcqRel) {
            gauge!(REDIS_UP).set(1.0);
            tracing::info!("redis reachable again: flushing buffered signals and checkpoints");
        }
    }

    pub fn failed(&self, operation: &'static str, error: &dyn std::fmt::Display) {
        counter!(REDIS_ERRORS, "operation" => operation).increment(1);
        if self.up.swap(false, Ordering::AcqRel) {
            gauge!(REDIS_UP).set(0.0);
            tracing::warn!(
                operation,
                %error,
                "redis unavailable: degraded, answering turns from memory and buffering signals (health stays SERVING)"
            );
        }
    }
}
