//! The `[auth]` section and how it becomes a token book, with the start-up rule: a server on a
//! non-loopback address needs tokens, or `mode = "none"` stated in so many words.
//!
//! ```toml
//! [auth]
//! mode = "tokens"            # the default when [auth] is present; "none" = no authentication
//! [[auth.tokens]]
//! name = "acme-bot"          # optional, for logs
//! sha256 = "<64 hex digits>" # `rapport hash-token` of the token; never the token itself
//! tenants = ["acme"]         # or ["*"] for every tenant
//! scopes = ["converse"]      # converse, subscribe, read
//! ```

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use serde::Deserialize;

use super::check::{Grant, Scope, Tenants};
use super::token::{TokenBook, from_hex, to_hex};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    pub mode: AuthMode,
    pub tokens: Vec<TokenConfig>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Every RPC but health and reflection needs a token from `tokens`.
    #[default]
    Tokens,
    /// No authentication: every caller may do everything.
    None,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// Shown in logs instead of the token.
    #[serde(default)]
    pub name: Option<String>,
    /// Hex SHA-256 of the token.
    pub sha256: String,
    /// Tenant ids, or `["*"]`.
    pub tenants: Vec<String>,
    pub scopes: Vec<Scope>,
}

/// What the server checks callers against.
#[derive(Debug)]
pub enum Book {
    /// No authentication.
    Open,
    Tokens(TokenBook),
}

/// The book for `section` (the `[auth]` table, if any) on a server listening on `listen`.
pub fn book(section: Option<&AuthConfig>, listen: SocketAddr) -> Result<Book, String> {
    let Some(section) = section else {
        if listen.ip().is_loopback() {
            return Ok(Book::Open);
        }
        return Err(format!(
            "refusing to listen on {listen} without authentication: add [[auth.tokens]] \
             (see `rapport hash-token`), or state [auth] mode = \"none\""
        ));
    };
    match section.mode {
        AuthMode::None if section.tokens.is_empty() => Ok(Book::Open),
        AuthMode::None => Err("[auth] mode = \"none\" but [[auth.tokens]] are listed".into()),
        AuthMode::Tokens => {
            let mut seen = HashSet::new();
            let entries = section
                .tokens
                .iter()
                .enumerate()
                .map(|(i, token)| {
                    let (digest, grant) =
                        entry(token).map_err(|e| format!("[[auth.tokens]] #{}: {e}", i + 1))?;
                    if !seen.insert(digest) {
                        return Err(format!(
                            "[[auth.tokens]] #{}: the same sha256 is listed twice",
                            i + 1
                        ));
                    }
                    Ok((digest, Arc::new(grant)))
                })
                .collect::<Result<_, String>>()?;
            let tokens = TokenBook::new(entries);
            if tokens.is_empty() {
                tracing::warn!("[auth] lists no tokens: every call but health is refused");
            }
            Ok(Book::Tokens(tokens))
        }
    }
}

fn entry(token: &TokenConfig) -> Result<([u8; 32], Grant), String> {
    let digest = from_hex(token.sha256.trim())?;
    if token.scopes.is_empty() {
        return Err("scopes is empty".into());
    }
    let tenants = if token.tenants.iter().any(|t| t == "*") {
        if token.tenants.len() > 1 {
            return Err("tenants: \"*\" stands alone".into());
        }
        Tenants::All
    } else if token.tenants.is_empty() || token.tenants.iter().any(|t| t.trim().is_empty()) {
        return Err("tenants must list tenant ids, or [\"*\"]".into());
    } else {
        Tenants::Only(token.tenants.clone())
    };
    let name = token
        .name
        .clone()
        .unwrap_or_else(|| format!("sha256:{}", &to_hex(&digest)[..8]));
    Ok((
        digest,
        Grant {
            name,
            tenants,
            scopes: token.scopes.clone(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::token::hash_token;

    fn parse(text: &str) -> AuthConfig {
        toml::from_str(text).unwrap()
    }

    fn public() -> SocketAddr {
        "0.0.0.0:50051".parse().unwrap()
    }

    fn token_toml(token: &str, tenants: &str, scopes: &str) -> String {
        format!(
            "[[tokens]]\nsha256 = \"{}\"\ntenants = {tenants}\nscopes = {scopes}\n",
            to_hex(&hash_token(token))
        )
    }

    #[test]
    fn no_auth_section_is_open_on_loopback_and_refused_elsewhere() {
        assert!(matches!(
            book(None, "127.0.0.1:1".parse().unwrap()),
            Ok(Book::Open)
        ));
        assert!(matches!(
            book(None, "[::1]:1".parse().unwrap()),
            Ok(Book::Open)
        ));
        let refused = book(None, public()).unwrap_err();
        assert!(refused.contains("mode = \"none\""), "{refused}");
    }

    #[test]
    fn mode_none_must_be_explicit_and_alone() {
        assert!(matches!(
            book(Some(&parse("mode = \"none\"")), public()),
            Ok(Book::Open)
        ));
        let both = format!(
            "mode = \"none\"\n{}",
            token_toml("a", "[\"*\"]", "[\"read\"]")
        );
        assert!(book(Some(&parse(&both)), public()).is_err());
        assert!(toml::from_str::<AuthConfig>("mode = \"off\"").is_err());
    }

    #[test]
    fn tokens_become_grants() {
        let text = format!(
            "{}\nname = \"acme-bot\"\n{}",
            token_toml("a", "[\"acme\"]", "[\"converse\", \"read\"]"),
            token_toml("b", "[\"*\"]", "[\"subscribe\"]")
        );
        let Ok(Book::Tokens(tokens)) = book(Some(&parse(&text)), public()) else {
            panic!("a token book");
        };
        let a = tokens.find(&hash_token("a")).unwrap();
        assert_eq!(a.name, "acme-bot");
        assert_eq!(a.tenants, Tenants::Only(vec!["acme".into()]));
        assert_eq!(a.scopes, vec![Scope::Converse, Scope::Read]);
        let b = tokens.find(&hash_token("b")).unwrap();
        assert_eq!(b.tenants, Tenants::All);
        assert!(b.name.starts_with("sha256:"));
    }

    #[test]
    fn rejects_bad_tokens() {
        for bad in [
            token_toml("a", "[]", "[\"read\"]"),
            token_toml("a", "[\"*\", \"acme\"]", "[\"read\"]"),
            token_toml("a", "[\"acme\"]", "[]"),
            "[[tokens]]\nsha256 = \"abc\"\ntenants = [\"acme\"]\nscopes = [\"read\"]\n".into(),
            format!(
                "{}{}",
                token_toml("a", "[\"x\"]", "[\"read\"]"),
                token_toml("a", "[\"y\"]", "[\"read\"]")
            ),
        ] {
            assert!(book(Some(&parse(&bad)), public()).is_err(), "{bad}");
        }
        assert!(toml::from_str::<AuthConfig>(&token_toml("a", "[\"x\"]", "[\"write\"]")).is_err());
        assert!(toml::from_str::<AuthConfig>("[[tokens]]\ntoken = \"plain\"").is_err());
    }
}
