//! Every configuration value checked at start, so a bad value is a clear error before the
//! server takes traffic instead of a hang or a wrap later (`max_in_flight_per_stream = 0` would
//! stall every stream). All problems are reported at once. Policy keys are checked by
//! `PolicyBook`.

use super::Config;

/// Problems found so far, each `section.key: what is wrong`.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check(&mut self, ok: bool, key: &str, rule: &str, value: impl std::fmt::Display) {
        if !ok {
            self.0.push(format!("{key} {rule} (got {value})"));
        }
    }

    fn count(&mut self, key: &str, value: usize, min: usize, max: usize) {
        self.check(
            (min..=max).contains(&value),
            key,
            &format!("must be between {min} and {max}"),
            value,
        );
    }

    /// A probability-like value in `[lo, 1]`, or `(0, 1]` when `lo_open`; NaN always fails.
    fn fraction(&mut self, key: &str, value: f64, lo_open: bool) {
        let ok = value <= 1.0 && if lo_open { value > 0.0 } else { value >= 0.0 };
        let rule = if lo_open {
            "must be in (0, 1]"
        } else {
            "must be in [0, 1]"
        };
        self.check(ok, key, rule, value);
    }
}

const MIB: usize = 1024 * 1024;

impl Config {
    /// Checks every value; the error lists all problems.
    pub fn validate(&self) -> Result<(), String> {
        let mut p = Problems::default();
        let server = &self.server;
        p.count(
            "server.max_in_flight_per_stream",
            server.max_in_flight_per_stream,
            1,
            65_536,
        );
        p.check(
            server.drain_timeout_ms <= 3_600_000,
            "server.drain_timeout_ms",
            "must be at most 3600000 (one hour)",
            server.drain_timeout_ms,
        );
        // Port 0 on both is fine: the kernel gives each its own free port.
        p.check(
            server.listen.port() == 0 || server.metrics_listen != Some(server.listen),
            "server.metrics_listen",
            "must differ from server.listen",
            server.listen,
        );

        p.0.extend(self.tracing.problems());

        let nlu = &self.nlu;
        p.count("nlu.threads", nlu.threads, 1, 256);
        // gRPC refuses messages over 4 MiB anyway.
        p.count("nlu.max_text_bytes", nlu.max_text_bytes, 1, 4 * MIB - 1024);
        for file in ["model.onnx", "tokenizer.json", "labels.json"] {
            let path = nlu.model_dir.join(file);
            p.check(
                path.is_file(),
                "nlu.model_dir",
                &format!("must hold {file}"),
                nlu.model_dir.display(),
            );
        }
        if let Some(lib) = &nlu.onnxruntime_lib {
            p.check(
                lib.is_file(),
                "nlu.onnxruntime_lib",
                "must be an existing file",
                lib.display(),
            );
        }
        let batch = &nlu.batch;
        p.count("nlu.batch.max_batch", batch.max_batch, 1, 1024);
        p.count(
            "nlu.batch.max_batch_tokens",
            batch.max_batch_tokens,
            1,
            1 << 20,
        );
        p.check(
            batch.max_wait_us <= 1_000_000,
            "nlu.batch.max_wait_us",
            "must be at most 1000000 (one second)",
            batch.max_wait_us,
        );
        p.count("nlu.batch.queue_capacity", batch.queue_capacity, 1, 1 << 20);

        let store = &self.store;
        p.count("store.capacity", store.capacity, 1, 100_000_000);
        p.check(
            (1..=30 * 24 * 3600).contains(&store.idle_ttl_secs),
            "store.idle_ttl_secs",
            "must be between 1 and 2592000 (30 days)",
            store.idle_ttl_secs,
        );
        p.check(
            store.max_bytes >= MIB,
            "store.max_bytes",
            "must be at least 1048576 (1 MiB)",
            store.max_bytes,
        );

        let c = &self.conversation;
        p.fraction("conversation.ewma_alpha", c.ewma_alpha.into(), true);
        p.count("conversation.slope_window", c.slope_window, 2, 1000);
        p.check(
            c.trend_slope >= 0.0 && c.trend_slope.is_finite(),
            "conversation.trend_slope",
            "must be a finite number ≥ 0",
            c.trend_slope,
        );
        p.fraction(
            "conversation.negative_sentiment",
            c.negative_sentiment.into(),
            false,
        );
        p.fraction(
            "conversation.low_intent_confidence",
            c.low_intent_confidence.into(),
            false,
        );
        p.fraction(
            "conversation.repetition_similarity",
            c.repetition_similarity,
            true,
        );
        p.count(
            "conversation.repetition_lookback",
            c.repetition_lookback,
            0,
            100,
        );
        p.count("conversation.recent_turns", c.recent_turns, 0, 1000);
        p.count("conversation.timeline_len", c.timeline_len, 0, 1000);
        p.count("conversation.max_turns", c.max_turns, 1, 1_000_000);

        p.count(
            "signals.replay_capacity",
            self.signals.replay_capacity,
            1,
            10_000_000,
        );
        p.count(
            "signals.audit_buffer",
            self.signals.audit_buffer,
            1,
            10_000_000,
        );
        if let Err(policy) = self.policy_book() {
            p.0.push(policy);
        }
        p.0.extend(self.cluster.problems());
        if p.0.is_empty() {
            Ok(())
        } else {
            Err(format!("invalid configuration: {}", p.0.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(toml: &str) -> String {
        let config: Config = toml::from_str(toml).unwrap();
        config.validate().unwrap_err()
    }

    #[test]
    fn the_defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn port_zero_on_both_listeners_is_valid() {
        let config: Config =
            toml::from_str("[server]\nlisten = \"127.0.0.1:0\"\nmetrics_listen = \"127.0.0.1:0\"")
                .unwrap();
        config.validate().unwrap();
    }

    #[test]
    fn each_bad_value_is_named_with_its_rule() {
        for (toml, expected) in [
            (
                "[server]\nmax_in_flight_per_stream = 0",
                "server.max_in_flight_per_stream must be between 1 and 65536 (got 0)",
            ),
            (
                "[server]\nlisten = \"0.0.0.0:9464\"",
                "server.metrics_listen must differ",
            ),
            (
                "[server]\ndrain_timeout_ms = 99999999",
                "server.drain_timeout_ms",
            ),
            ("[nlu]\nthreads = 0", "nlu.threads"),
            ("[nlu]\nmax_text_bytes = 0", "nlu.max_text_bytes"),
            (
                "[nlu]\nmodel_dir = \"/nonexistent\"",
                "nlu.model_dir must hold model.onnx",
            ),
            (
                "[nlu]\nonnxruntime_lib = \"/nonexistent.so\"",
                "nlu.onnxruntime_lib",
            ),
            ("[nlu.batch]\nmax_batch = 0", "nlu.batch.max_batch"),
            (
                "[nlu.batch]\nmax_batch_tokens = 0",
                "nlu.batch.max_batch_tokens",
            ),
            (
                "[nlu.batch]\nqueue_capacity = 0",
                "nlu.batch.queue_capacity",
            ),
            (
                "[nlu.batch]\nmax_wait_us = 5000000",
                "nlu.batch.max_wait_us",
            ),
            ("[store]\ncapacity = 0", "store.capacity"),
            ("[store]\nidle_ttl_secs = 0", "store.idle_ttl_secs"),
            ("[store]\nmax_bytes = 10", "store.max_bytes"),
            (
                "[conversation]\newma_alpha = 0.0",
                "conversation.ewma_alpha must be in (0, 1]",
            ),
            (
                "[conversation]\newma_alpha = nan",
                "conversation.ewma_alpha",
            ),
            (
                "[conversation]\nslope_window = 1",
                "conversation.slope_window",
            ),
            (
                "[conversation]\ntrend_slope = -1.0",
                "conversation.trend_slope",
            ),
            (
                "[conversation]\nnegative_sentiment = 1.5",
                "conversation.negative_sentiment",
            ),
            (
                "[conversation]\nlow_intent_confidence = -0.1",
                "conversation.low_intent_confidence",
            ),
            (
                "[conversation]\nrepetition_similarity = 0.0",
                "conversation.repetition_similarity",
            ),
            ("[conversation]\nmax_turns = 0", "conversation.max_turns"),
            ("[signals]\nreplay_capacity = 0", "signals.replay_capacity"),
            (
                "[policy]\nenter_frustration = 0.3\nexit_frustration = 0.5",
                "[policy]",
            ),
        ] {
            let error = problems(toml);
            assert!(error.contains(expected), "{toml}: {error}");
        }
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let error = problems("[server]\nmax_in_flight_per_stream = 0\n[store]\ncapacity = 0");
        assert!(error.contains("max_in_flight_per_stream") && error.contains("store.capacity"));
    }
}
