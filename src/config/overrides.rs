//! The layers over the TOML file: `RAPPORT_SECTION__KEY` environment variables and
//! `--set section.key=value` / named command-line flags, applied to the TOML tree before it is
//! deserialised, so every key of every section can be set from any layer and unknown keys are
//! still errors. Precedence: flag > environment > file > built-in default.
//!
//! A value is read as a TOML literal when it is one (`64`, `true`, `["voice", "chat"]`,
//! `[{ url = "http://…" }]`) and as a string otherwise (`0.0.0.0:50051`, `models/x`); quote it
//! (`'"123"'`) to force a string.

use std::fmt;

/// Environment variables that set configuration keys start with this; `__` separates levels.
pub const ENV_PREFIX: &str = "RAPPORT_";

/// One `path = value` set over the file, and where it came from (for error messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted key path, e.g. `nlu.batch.max_batch`.
    pub path: String,
    /// The raw text; see the module doc for how it is read.
    pub value: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Env(String),
    Flag(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => write!(f, "environment variable {name}"),
            Self::Flag(name) => write!(f, "flag {name}"),
        }
    }
}

/// The environment variable that sets `path`: `nlu.batch.max_batch` → `RAPPORT_NLU__BATCH__MAX_BATCH`.
pub fn env_name(path: &str) -> String {
    format!("{ENV_PREFIX}{}", path.replace('.', "__").to_uppercase())
}

/// The configuration overrides among environment variables: every `RAPPORT_A__B[__C…]`
/// (at least one `__`, so `RAPPORT_CONFIG` and the like are not keys), sorted by name.
pub fn from_env(vars: impl IntoIterator<Item = (String, String)>) -> Vec<Override> {
    let mut found: Vec<Override> = vars
        .into_iter()
        .filter_map(|(name, value)| {
            let rest = name.strip_prefix(ENV_PREFIX)?;
            if !rest.contains("__") {
                return None;
            }
            let path = rest
                .split("__")
                .collect::<Vec<_>>()
                .join(".")
                .to_lowercase();
            Some(Override {
                path,
                value,
                origin: Origin::Env(name),
            })
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// A `--set path=value` argument.
pub fn from_set(argument: &str) -> Result<Override, String> {
    let (path, value) = argument
        .split_once('=')
        .ok_or_else(|| format!("--set {argument}: expected section.key=value"))?;
    Ok(Override {
        path: path.trim().to_string(),
        value: value.to_string(),
        origin: Origin::Flag(format!("--set {}", path.trim())),
    })
}

/// Sets one key in the TOML tree, creating the tables on its path.
pub fn apply(table: &mut toml::Table, item: &Override) -> Result<(), String> {
    let fail = |why: &str| format!("{}: {why}", item.origin);
    let parts: Vec<&str> = item.path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(fail(&format!("`{}` is not a key path", item.path)));
    }
    let (key, sections) = parts.split_last().expect("split gives at least one part");
    let mut at = table;
    for section in sections {
        let next = at
            .entry(section.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        at = next
            .as_table_mut()
            .ok_or_else(|| fail(&format!("`{section}` is not a section")))?;
    }
    at.insert(key.to_string(), literal(&item.value));
    Ok(())
}

/// The value as a TOML literal if it parses as one, else as a string.
pub fn literal(text: &str) -> toml::Value {
    if text.trim().is_empty() {
        return toml::Value::String(text.to_string());
    }
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn maps_environment_variables_onto_key_paths() {
        let found = from_env(vars(&[
            ("RAPPORT_NLU__BATCH__MAX_BATCH", "8"),
            ("RAPPORT_CONFIG", "x.toml"),
            ("HOME", "/root"),
            ("RAPPORT_SERVER__LISTEN", "0.0.0.0:1"),
        ]));
        let paths: Vec<&str> = found.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["nlu.batch.max_batch", "server.listen"]);
        assert_eq!(
            env_name("nlu.batch.max_batch"),
            "RAPPORT_NLU__BATCH__MAX_BATCH"
        );
    }

    #[test]
    fn reads_literals_and_falls_back_to_strings() {
        assert_eq!(literal("64"), toml::Value::Integer(64));
        assert_eq!(literal("true"), toml::Value::Boolean(true));
        assert_eq!(
            literal("0.0.0.0:50051"),
            toml::Value::String("0.0.0.0:50051".into())
        );
        assert_eq!(
            literal("'\"123\"'".trim_matches('\'')),
            toml::Value::String("123".into())
        );
        assert_eq!(literal("models/x"), toml::Value::String("models/x".into()));
        assert!(literal("[\"voice\", \"chat\"]").is_array());
    }

    #[test]
    fn sets_nested_keys_and_refuses_to_descend_into_a_value() {
        let mut table: toml::Table = toml::from_str("[server]\nlisten = \"a\"").unwrap();
        apply(&mut table, &from_set("nlu.batch.max_batch=4").unwrap()).unwrap();
        apply(&mut table, &from_set("server.listen=1.2.3.4:5").unwrap()).unwrap();
        assert_eq!(table["nlu"]["batch"]["max_batch"].as_integer(), Some(4));
        assert_eq!(table["server"]["listen"].as_str(), Some("1.2.3.4:5"));
        assert!(apply(&mut table, &from_set("server.listen.x=1").unwrap()).is_err());
        assert!(from_set("no-equals").is_err());
    }
}
