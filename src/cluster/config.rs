//! `[cluster]`: where the shared Redis is and how rapport uses it. Off by default: without
//! `redis_url` every replica keeps its signals and conversations in memory only.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// `redis://host:port/db`; cluster mode is on when set (or when `RAPPORT_REDIS_URL` is).
    pub redis_url: Option<String>,
    /// Prefix of every key rapport writes (`<prefix>:signals`, `<prefix>:conv:…`).
    pub key_prefix: String,
    /// The signal stream is trimmed to about this many entries (`XADD MAXLEN ~`).
    pub stream_maxlen: usize,
    /// How long a signal id is remembered to drop a resent signal, in seconds.
    pub signal_dedupe_ttl_secs: u64,
    /// Signals held while Redis is unreachable; beyond it new signals are dropped (and counted).
    pub signal_buffer: usize,
    /// Checkpoints waiting for the writer; beyond it checkpoints are skipped (and counted).
    pub checkpoint_queue: usize,
    /// Most commands the checkpoint writer sends in one pipeline.
    pub checkpoint_batch: usize,
    /// A turn waits at most this long for its conversation's checkpoint, in milliseconds.
    pub load_timeout_ms: u64,
    /// Any other Redis command gives up after this long, in milliseconds.
    pub command_timeout_ms: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            key_prefix: "rapport".into(),
            stream_maxlen: 100_000,
            signal_dedupe_ttl_secs: 86_400,
            signal_buffer: 10_000,
            checkpoint_queue: 10_000,
            checkpoint_batch: 256,
            load_timeout_ms: 100,
            command_timeout_ms: 1_000,
        }
    }
}

impl ClusterConfig {
    pub fn stream_key(&self) -> String {
        format!("{}:signals", self.key_prefix)
    }

    pub fn dedupe_key(&self, signal_id: &str) -> String {
        format!("{}:signal-id:{signal_id}", self.key_prefix)
    }

    /// `<prefix>:conv:<tenant length>:<tenant>:<conversation>`: the length keeps ids that
    /// contain `:` apart.
    pub fn checkpoint_key(&self, tenant_id: &str, conversation_id: &str) -> String {
        format!(
            "{}:conv:{}:{tenant_id}:{conversation_id}",
            self.key_prefix,
            tenant_id.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_keys_of_ids_with_colons_do_not_collide() {
        let config = ClusterConfig::default();
        assert_ne!(
            config.checkpoint_key("a:b", "c"),
            config.checkpoint_key("a", "b:c")
        );
        assert_eq!(
            config.checkpoint_key("acme", "c1"),
            "rapport:conv:4:acme:c1"
        );
    }
}
