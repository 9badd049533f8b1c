//! `rapport config`: the effective configuration as TOML, with secrets masked.

use super::Config;

/// Keys whose values are never printed: any key with one of these among its `_`-separated
/// words (`secret`, `auth_token`, `tokens`, `password_file`…), unless its value is a number or a
/// boolean (`max_batch_tokens = 4096` is a size, not a secret).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "password",
    "passwords",
    "sha256",
];

/// The effective configuration as TOML, every secret replaced by `"***"`.
pub fn effective_toml(config: &Config) -> Result<String, String> {
    let mut value = toml::Value::try_from(config).map_err(|e| e.to_string())?;
    mask(&mut value);
    toml::to_string_pretty(&value).map_err(|e| e.to_string())
}

/// Replaces the value of every secret-named key, at any depth, by `"***"`, and prints `f32`
/// settings as written (`0.3`, not `0.30000001192092896`).
pub fn mask(value: &mut toml::Value) {
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table.iter_mut() {
                let key = key.to_lowercase();
                let secret = key.split('_').any(|word| SECRET_WORDS.contains(&word));
                let scalar = matches!(
                    value,
                    toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_)
                );
                if secret && !scalar {
                    *value = toml::Value::String("***".into());
                } else {
                    mask(value);
                }
            }
        }
        toml::Value::Array(items) => items.iter_mut().for_each(mask),
        toml::Value::Float(x) if f64::from(*x as f32) == *x => {
            *x = (*x as f32).to_string().parse().unwrap_or(*x);
        }
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
        assert!(text.contains("low_intent_confidence = 0.3\n"), "{text}");
        assert!(text.contains("max_batch_tokens = 4096"), "{text}");
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back.server.listen, Config::default().server.listen);
    }
}
