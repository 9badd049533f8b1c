//! Reloading the tokens: on SIGHUP the config file's `[auth]` section is read again and, if
//! valid, replaces the token book; otherwise the old book stays and the error is logged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::authenticator::Authenticator;
use super::config::AuthConfig;

/// The `[auth]` section of a whole config file's text, if it has one. Other sections are not
/// looked at, so a reload only ever changes the tokens.
pub fn auth_section(text: &str) -> Result<Option<AuthConfig>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    table
        .get("auth")
        .map(|section| {
            section
                .clone()
                .try_into::<AuthConfig>()
                .map_err(|e| format!("[auth]: {e}"))
        })
        .transpose()
}

/// Re-reads `path`'s `[auth]` into `auth`; the number of tokens now in force.
pub fn reload_file(auth: &Authenticator, path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let section = auth_section(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    auth.reload(section.as_ref())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Reloads `path`'s `[auth]` on every SIGHUP, for as long as the process runs. Without a
/// config file SIGHUP is logged and ignored (rather than ending the process).
pub async fn reload_on_hangup(auth: Arc<Authenticator>, path: Option<PathBuf>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(error) => {
            tracing::warn!(%error, "no SIGHUP handler: tokens cannot be reloaded");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        let Some(path) = &path else {
            tracing::warn!("SIGHUP: no config file to reload (started without --config)");
            continue;
        };
        match reload_file(&auth, path) {
            Ok(tokens) => tracing::info!(tokens, "auth reloaded"),
            Err(error) => tracing::error!(%error, "auth reload failed; the previous tokens stay"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthMode;

    #[test]
    fn reads_only_the_auth_section() {
        let text = "[store]\ncapacity = 5\n[auth]\nmode = \"none\"\n";
        assert_eq!(auth_section(text).unwrap().unwrap().mode, AuthMode::None);
        assert_eq!(auth_section("[store]\ncapacity = 5\n").unwrap(), None);
        assert!(auth_section("[auth]\nmoed = \"none\"\n").is_err());
        assert!(auth_section("not toml [").is_err());
    }
}
