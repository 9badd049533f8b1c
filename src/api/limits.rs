//! What one Converse stream may do: how many turns it reads ahead of its answers, and how
//! long after shutdown starts it keeps answering while it waits for its client to half-close.

use std::time::Duration;

use crate::config::ServerConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// Turns being scored at once; the stream is not read beyond it.
    pub max_in_flight: usize,
    /// After shutdown starts, how long the stream answers (`UNAVAILABLE` for new turns) before
    /// it ends without waiting any longer for the client to half-close.
    pub drain: Duration,
}

impl StreamLimits {
    /// From `[server]`: streams get nine tenths of `drain_timeout_ms`, so they end with a status
    /// before the process stops at the full drain timeout.
    pub fn from_config(server: &ServerConfig) -> Self {
        Self {
            max_in_flight: server.max_in_flight_per_stream,
            drain: Duration::from_millis(server.drain_timeout_ms / 10 * 9),
        }
    }
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self::from_config(&ServerConfig::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_end_before_the_process_drain_runs_out() {
        let server = ServerConfig {
            drain_timeout_ms: 15_000,
            ..ServerConfig::default()
        };
        assert_eq!(
            StreamLimits::from_config(&server).drain,
            Duration::from_millis(13_500)
        );
    }
}
