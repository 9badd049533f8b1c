//! The named command-line flags: a shorthand for the most used keys. Each is the same as
//! `--set <path>=<value>` and has the environment variable of its path
//! ([`super::overrides::env_name`]). Every other key is reachable with `--set` and its
//! `RAPPORT_SECTION__KEY` variable.

/// A named flag: `--<long>` sets the key `path`.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub path: &'static str,
    pub help: &'static str,
}

const fn flag(long: &'static str, path: &'static str, help: &'static str) -> Flag {
    Flag { long, path, help }
}

pub const FLAGS: &[Flag] = &[
    flag("listen", "server.listen", "gRPC address"),
    flag(
        "metrics-listen",
        "server.metrics_listen",
        "admin address: /metrics, /supervisor",
    ),
    flag(
        "drain-timeout-ms",
        "server.drain_timeout_ms",
        "after SIGTERM, how long open streams get to finish",
    ),
    flag(
        "max-in-flight-per-stream",
        "server.max_in_flight_per_stream",
        "turns of one stream scored at once",
    ),
    flag("model-dir", "nlu.model_dir", "model folder"),
    flag(
        "onnxruntime-lib",
        "nlu.onnxruntime_lib",
        "path of libonnxruntime.so.<version>",
    ),
    flag("threads", "nlu.threads", "ONNX Runtime intra-op threads"),
    flag(
        "max-text-bytes",
        "nlu.max_text_bytes",
        "longest accepted utterance",
    ),
    flag(
        "max-batch",
        "nlu.batch.max_batch",
        "most utterances per model run",
    ),
    flag(
        "max-batch-tokens",
        "nlu.batch.max_batch_tokens",
        "most padded tokens per model run",
    ),
    flag(
        "max-wait-us",
        "nlu.batch.max_wait_us",
        "how long the batcher waits to fill a batch",
    ),
    flag(
        "queue-capacity",
        "nlu.batch.queue_capacity",
        "utterances waiting for inference before refusal",
    ),
    flag(
        "store-capacity",
        "store.capacity",
        "most conversations held",
    ),
    flag(
        "idle-ttl-secs",
        "store.idle_ttl_secs",
        "idle conversations are dropped after this",
    ),
    flag(
        "replay-capacity",
        "signals.replay_capacity",
        "signals kept for reconnecting subscribers",
    ),
    flag(
        "audit-file",
        "signals.audit_file",
        "JSON-lines file of every signal",
    ),
    flag(
        "redis-url",
        "cluster.redis_url",
        "cluster mode: the Redis replicas share",
    ),
    flag(
        "otlp-endpoint",
        "tracing.otlp_endpoint",
        "OTLP/HTTP collector for a span per turn (http://host:4318)",
    ),
];

#[cfg(test)]
mod tests {
    use super::FLAGS;
    use crate::config::overrides::env_name;

    /// The README's flags table lists exactly these flags, keys and variables.
    #[test]
    fn the_readme_flags_table_matches() {
        let readme = include_str!("../../README.md");
        let rows: Vec<String> = readme
            .lines()
            .filter(|line| {
                line.starts_with("| `--") && !line.contains("--config") && !line.contains("--set")
            })
            .map(String::from)
            .collect();
        let expected: Vec<String> = FLAGS
            .iter()
            .map(|f| format!("| `--{}` | `{}` | `{}` |", f.long, f.path, env_name(f.path)))
            .collect();
        assert_eq!(rows, expected);
    }
}
