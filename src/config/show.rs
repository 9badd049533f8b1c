//! `rapport config`: the effective configuration as TOML, with secrets masked.

use super::Config;

/// Keys whose values are never printed: any key whose name contains one of these.
const SECRET_WORDS: &[&str] = &["secret", "token", "password", "sha256"];

/// The effective configuration as TOML, every secret replaced by `"***"`.
pub fn effective_toml(config: &Config) -> Result<String, String> {
    let mut value = toml::Value::try_from(config).map_err(|e| e.to_string())?;
    mask(&mut value);
    toml::to_string_pretty(&value).map_err(|e| e.to_string())
}

/// Replaces the value of every secret-named key, at any depth, by `"***"`.
pub fn mask(value: &mut toml::Value) {
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table.iter_mut() {
                let key = key.to_lowercase();
                if SECRET_WORDS.iter().any(|word| key.contains(word)) {
                    *value = toml::Value::String("***".into());
                } else {
                    mask(value);
                }
            }
        }
        toml::Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_keys_at_any_depth() {
        let mut value: toml::Value = toml::from_str(
            "[auth]\ntokens = [{ sha256 = \"ab\" }]\n[[signals.webhooks]]\nurl = \"http://x\"\nsecret = \"s3\"\n",
        )
        .unwrap();
        mask(&mut value);
        let text = toml::to_string(&value).unwrap();
        assert!(!text.contains("s3") && !text.contains("\"ab\""), "{text}");
        assert!(text.contains("http://x"));
    }

    #[test]
    fn prints_every_section_with_its_defaults() {
        let text = effective_toml(&Config::default()).unwrap();
        for key in [
            "[server]",
            "listen =",
            "[nlu.batch]",
            "max_batch =",
            "[store]",
            "[signals]",
        ] {
            assert!(text.contains(key), "missing {key} in\n{text}");
        }
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back.server.listen, Config::default().server.listen);
    }
}
