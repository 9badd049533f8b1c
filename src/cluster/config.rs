//! `[cluster]`: where the shared Redis is and how rapport uses it. Off by default: without
//! `redis_url` every replica keeps its signals and conversations in memory only.

use serde::{Deserialize, Serialize, Serializer};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// `redis://host:port/db`; cluster mode is on when set (`RAPPORT_CLUSTER__REDIS_URL`,
    /// `--redis-url`). A password in it is shown as `***` by `rapport config`.
    #[serde(serialize_with = "masked_url")]
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
    /// A signal read from the stream by a replica's sinks (audit file, webhooks) and not
    /// acknowledged for this long, in milliseconds, is taken over by another replica
    /// (`XAUTOCLAIM` in the consumer group `rapport-sinks`). A live replica keeps its own
    /// unfinished deliveries fresh, so this only decides how soon a dead replica's are redone.
    pub sink_claim_idle_ms: u64,
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
            sink_claim_idle_ms: 30_000,
        }
    }
}

/// `redis://user:secret@host` → `redis://user:***@host`.
fn masked_url<S: Serializer>(url: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    let masked = url.as_deref().map(|url| match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user, host)) => {
                let user = user.split_once(':').map_or(user, |(name, _)| name);
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_string(),
        },
        None => url.to_string(),
    });
    masked.serialize(serializer)
}

impl ClusterConfig {
    /// What is wrong with the values, each `cluster.key …`; empty when all are valid.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut range = |key: &str, value: u64, min: u64, max: u64| {
            if !(min..=max).contains(&value) {
                problems.push(format!(
                    "cluster.{key} must be between {min} and {max} (got {value})"
                ));
            }
        };
        range("stream_maxlen", self.stream_maxlen as u64, 1, 100_000_000);
        range(
            "signal_dedupe_ttl_secs",
            self.signal_dedupe_ttl_secs,
            1,
            30 * 24 * 3600,
        );
        range("signal_buffer", self.signal_buffer as u64, 1, 10_000_000);
        range(
            "checkpoint_queue",
            self.checkpoint_queue as u64,
            1,
            10_000_000,
        );
        range("checkpoint_batch", self.checkpoint_batch as u64, 1, 100_000);
        range("load_timeout_ms", self.load_timeout_ms, 1, 60_000);
        range("command_timeout_ms", self.command_timeout_ms, 1, 60_000);
        range(
            "sink_claim_idle_ms",
            self.sink_claim_idle_ms,
            100,
            3_600_000,
        );
        if self.key_prefix.is_empty() || self.key_prefix.len() > 64 {
            problems.push(format!(
                "cluster.key_prefix must be 1 to 64 bytes (got {:?})",
                self.key_prefix
            ));
        }
        if let Some(url) = &self.redis_url
            && let Err(error) = redis::Client::open(url.as_str())
        {
            problems.push(format!("cluster.redis_url is not a Redis URL: {error}"));
        }
        problems
    }

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
    fn the_defaults_are_valid_and_bad_values_are_named() {
        assert!(ClusterConfig::default().problems().is_empty());
        let config: ClusterConfig = toml::from_str(
            "redis_url = \"http://x\"\nsignal_buffer = 0\nload_timeout_ms = 0\nkey_prefix = \"\"\n\
             sink_claim_idle_ms = 10",
        )
        .unwrap();
        let problems = config.problems().join("; ");
        for key in [
            "cluster.redis_url",
            "cluster.signal_buffer",
            "cluster.load_timeout_ms",
            "cluster.key_prefix",
            "cluster.sink_claim_idle_ms",
        ] {
            assert!(problems.contains(key), "{key} not in {problems}");
        }
    }

    #[test]
    fn a_password_in_the_url_is_not_shown() {
        let config = ClusterConfig {
            redis_url: Some("redis://app:s3cret@redis:6379/0".into()),
            ..ClusterConfig::default()
        };
        let text = toml::to_string(&config).unwrap();
        assert!(text.contains("redis://app:***@redis:6379/0"), "{text}");
        assert!(!text.contains("s3cret"));
    }

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
