//! Everything the listener needs to know about callers: the authenticator and the TLS settings,
//! built from the config before anything else starts, so a server that must not run fails fast.

use std::sync::Arc;

use tonic::transport::ServerTlsConfig;

use super::authenticator::Authenticator;
use super::tls::server_tls;
use crate::config::Config;

pub struct Security {
    pub auth: Arc<Authenticator>,
    pub tls: Option<ServerTlsConfig>,
}

impl Security {
    /// No authentication, no TLS: for loopback servers (tests, tools).
    pub fn open() -> Self {
        Self {
            auth: Arc::new(Authenticator::open()),
            tls: None,
        }
    }

    /// From `[auth]` and `[server.tls]`, for a server on `[server] listen`.
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let auth = Authenticator::new(config.auth.as_ref(), config.server.listen)?;
        let tls = config.server.tls.as_ref().map(server_tls).transpose()?;
        Ok(Self {
            auth: Arc::new(auth),
            tls,
        })
    }
}
