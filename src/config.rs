//! The TOML configuration: every section optional, defaults that run with the model in
//! `models/`. Unknown keys are errors, so a typo never silently falls back to a default.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::conversation::StateConfig;
use crate::nlu::NluConfig;
use crate::policy::PolicyBook;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub nlu: NluConfig,
    pub store: StoreConfig,
    pub conversation: StateConfig,
    pub signals: SignalsConfig,
    /// Policy defaults (see `policy::PolicyConfig` for the keys).
    pub policy: toml::Table,
    /// Per-tenant overrides: `[tenants.<tenant_id>.policy]`.
    pub tenants: HashMap<String, TenantConfig>,
    /// Several replicas sharing signals and conversations through Redis (off by default).
    pub cluster: crate::cluster::ClusterConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// gRPC address.
    pub listen: SocketAddr,
    /// Prometheus `/metrics` address; no exporter when absent.
    pub metrics_listen: Option<SocketAddr>,
    /// After SIGTERM, how long open streams get to finish their turns, in milliseconds.
    pub drain_timeout_ms: u64,
    /// Turns of one Converse stream being scored at once; the stream is not read beyond it.
    pub max_in_flight_per_stream: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: ([0, 0, 0, 0], 50051).into(),
            metrics_listen: Some(([0, 0, 0, 0], 9464).into()),
            drain_timeout_ms: 15_000,
            max_in_flight_per_stream: 64,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Most conversations held at once; new ones are refused beyond it.
    pub capacity: usize,
    /// A conversation with no turn for this long is dropped, in seconds.
    pub idle_ttl_secs: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            capacity: 100_000,
            idle_ttl_secs: 30 * 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalsConfig {
    /// Signals kept for subscribers that reconnect with `from_sequence`.
    pub replay_capacity: usize,
    /// Append every signal to this JSON-lines file.
    pub audit_file: Option<PathBuf>,
}

impl Default for SignalsConfig {
    fn default() -> Self {
        Self {
            replay_capacity: 10_000,
            audit_file: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantConfig {
    pub policy: toml::Table,
}

impl Config {
    /// Reads `path`, or the defaults when there is none.
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config: Self = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.policy_book()?;
        Ok(config)
    }

    /// The default and per-tenant policies, checked.
    pub fn policy_book(&self) -> Result<PolicyBook, String> {
        let tenants = self
            .tenants
            .iter()
            .map(|(id, t)| (id.clone(), t.policy.clone()))
            .collect();
        PolicyBook::from_tables(self.policy.clone(), &tenants)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/rapport.toml");
        let config = Config::load(Some(&path)).unwrap();
        assert!(config.policy_book().is_ok());
    }

    #[test]
    fn a_typo_is_an_error() {
        assert!(toml::from_str::<Config>("[store]\ncapacty = 3").is_err());
    }
}
