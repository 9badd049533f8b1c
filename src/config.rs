//! The TOML configuration: every section optional, defaults that run with the model in
//! `models/`. Unknown keys are errors, so a typo never silently falls back to a default, and
//! every value is range-checked at load (`validate`). Environment variables and flags are
//! layered over the file ([`overrides`]).

pub mod flags;
mod optional_addr;
pub mod overrides;
pub mod show;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::auth::{AuthConfig, TlsConfig};
use crate::conversation::StateConfig;
use crate::nlu::NluConfig;
use crate::policy::PolicyBook;
use crate::quota::{QuotaConfig, QuotaLimits};

mod validate;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub nlu: NluConfig,
    pub store: StoreConfig,
    pub conversation: StateConfig,
    pub signals: SignalsConfig,
    /// Policy defaults (see `policy::PolicyConfig` for the keys).
    pub policy: toml::Table,
    /// Per-tenant overrides: `[tenants.<tenant_id>.policy]`, `[tenants.<tenant_id>.quotas]`.
    pub tenants: HashMap<String, TenantConfig>,
    /// Bearer tokens; absent: no authentication, allowed on loopback addresses only.
    pub auth: Option<AuthConfig>,
    /// Per-tenant limits; all off by default.
    pub quotas: QuotaConfig,
    /// Several replicas sharing signals and conversations through Redis (off by default).
    pub cluster: crate::cluster::ClusterConfig,
    /// OTLP span export; off by default.
    pub tracing: crate::trace::TracingConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// gRPC address.
    pub listen: SocketAddr,
    /// Admin listener (`/metrics`, supervisor page); `""` for none.
    #[serde(with = "optional_addr")]
    pub metrics_listen: Option<SocketAddr>,
    /// After SIGTERM, how long open streams get to finish their turns, in milliseconds.
    pub drain_timeout_ms: u64,
    /// Turns of one Converse stream being scored at once; the stream is not read beyond it.
    pub max_in_flight_per_stream: usize,
    /// `[server.tls]`: serve gRPC over TLS (optionally requiring client certificates).
    pub tls: Option<TlsConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: ([127, 0, 0, 1], 50051).into(),
            metrics_listen: Some(([0, 0, 0, 0], 9464).into()),
            drain_timeout_ms: 15_000,
            max_in_flight_per_stream: 64,
            tls: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Most conversations held at once; new ones are refused beyond it.
    pub capacity: usize,
    /// A conversation with no turn for this long is dropped, in seconds.
    pub idle_ttl_secs: u64,
    /// Approximate bytes all conversations may hold; new ones are refused beyond it. The
    /// default leaves half of a 1 GiB pod for the model, ONNX Runtime and connections.
    pub max_bytes: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            capacity: 100_000,
            idle_ttl_secs: 30 * 60,
            max_bytes: 512 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalsConfig {
    /// Signals kept for subscribers that reconnect with `from_sequence`.
    pub replay_capacity: usize,
    /// Append every signal to this JSON-lines file.
    pub audit_file: Option<PathBuf>,
    /// Signals waiting for the audit file's writer; beyond this they are dropped and counted.
    pub audit_buffer: usize,
    /// `[[signals.webhooks]]`: POST signals to these URLs (see `signals::webhook`).
    pub webhooks: Vec<crate::signals::webhook::WebhookConfig>,
}

impl Default for SignalsConfig {
    fn default() -> Self {
        Self {
            replay_capacity: 10_000,
            audit_file: None,
            audit_buffer: 4096,
            webhooks: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantConfig {
    pub policy: toml::Table,
    pub quotas: QuotaLimits,
}

impl Config {
    /// Reads and checks `path`, or the (checked) defaults when there is none.
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let Some(path) = path else {
            let config = Self::default();
            config.validate()?;
            return Ok(config);
        };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config: Self = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config
            .validate()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        config.policy_book()?;
        config.quota_book()?;
        Ok(config)
    }

    /// The file (if any) with `overrides` set over it, in order (later wins), then checked.
    pub fn layered(path: Option<&Path>, overrides: &[overrides::Override]) -> Result<Self, String> {
        let mut table = match path {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|text| toml::from_str::<toml::Table>(&text).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", path.display()))?,
            None => toml::Table::new(),
        };
        for item in overrides {
            overrides::apply(&mut table, item)?;
        }
        let config: Self = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| {
                let origin = path.map_or("configuration".into(), |p| p.display().to_string());
                format!("{origin} with flags and RAPPORT_* variables: {e}")
            })?;
        config.validate().map_err(|e| {
            let origin = path.map_or("configuration".into(), |p| p.display().to_string());
            format!("{origin}: {e}")
        })?;
        config.policy_book()?;
        config.quota_book()?;
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

    /// The per-tenant quotas, checked.
    pub fn quota_book(&self) -> Result<crate::quota::Quotas, String> {
        let overrides = self
            .tenants
            .iter()
            .map(|(id, t)| (id.clone(), t.quotas))
            .collect();
        crate::quota::Quotas::new(&self.quotas, &overrides)
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
    fn flags_beat_the_environment_which_beats_the_file_which_beats_the_defaults() {
        let path = std::env::temp_dir().join(format!("rapport-layers-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "[server]\nlisten = \"127.0.0.1:1\"\n[store]\ncapacity = 5\n",
        )
        .unwrap();
        let vars = [
            ("RAPPORT_SERVER__LISTEN", "127.0.0.1:2"),
            ("RAPPORT_STORE__CAPACITY", "7"),
            ("RAPPORT_NLU__BATCH__MAX_BATCH", "3"),
        ];
        let mut layers = overrides::from_env(vars.map(|(k, v)| (k.to_string(), v.to_string())));
        layers.push(overrides::from_set("server.listen=127.0.0.1:3").unwrap());
        let config = Config::layered(Some(&path), &layers).unwrap();
        assert_eq!(config.server.listen, "127.0.0.1:3".parse().unwrap());
        assert_eq!(config.store.capacity, 7);
        assert_eq!(config.nlu.batch.max_batch, 3);
        assert_eq!(
            config.store.idle_ttl_secs,
            StoreConfig::default().idle_ttl_secs
        );

        let typo = overrides::from_env([("RAPPORT_STORE__CAPACTY".into(), "7".into())]);
        assert!(Config::layered(Some(&path), &typo).is_err());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_typo_is_an_error() {
        assert!(toml::from_str::<Config>("[store]\ncapacty = 3").is_err());
    }
}
