//! An address that can be switched off: `""` (or `"off"`) in TOML, flags and `RAPPORT_*`
//! variables means no listener, since TOML has no null. Written back as `""`.

use std::net::SocketAddr;

use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(
    addr: &Option<SocketAddr>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match addr {
        Some(addr) => serializer.collect_str(addr),
        None => serializer.serialize_str(""),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SocketAddr>, D::Error> {
    let text = String::deserialize(deserializer)?;
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|e| {
        serde::de::Error::custom(format!(
            "{e}: expected host:port (like 0.0.0.0:9464), or \"\" for none (got {text:?})"
        ))
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn an_empty_or_off_admin_address_means_no_admin_listener() {
        for off in ["\"\"", "\"off\""] {
            let config: Config =
                toml::from_str(&format!("[server]\nmetrics_listen = {off}")).unwrap();
            assert_eq!(config.server.metrics_listen, None);
        }
        let config: Config = toml::from_str("[server]\nmetrics_listen = \"127.0.0.1:9\"").unwrap();
        assert_eq!(
            config.server.metrics_listen,
            Some("127.0.0.1:9".parse().unwrap())
        );
        assert!(Config::default().server.metrics_listen.is_some());
        assert!(toml::from_str::<Config>("[server]\nmetrics_listen = \"nope\"").is_err());
        // Printed as it is read back.
        let off: Config = toml::from_str("[server]\nmetrics_listen = \"\"").unwrap();
        let text = toml::to_string(&off).unwrap();
        let again: Config = toml::from_str(&text).unwrap();
        assert_eq!(again.server.metrics_listen, None);
    }
}
