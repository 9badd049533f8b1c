//! Who may see which tenants on the supervisor page. Without `[auth]` everyone sees every
//! tenant. With `[auth]`, a request needs a bearer token with the `read` scope and sees that
//! token's tenants only. A browser cannot set headers on an `EventSource`, so besides
//! `Authorization: Bearer <token>` (curl, scripts) the token is taken from the page's cookie,
//! which `/supervisor?token=…` or the login form sets (HttpOnly, SameSite=Strict, path
//! `/supervisor`): every later request of the page, its event stream included, carries it.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::header;
use axum::http::request::Parts;

use crate::auth::{Authenticator, Credential, Denied, Scope, Tenants};

/// The cookie that carries the token of a logged-in page.
pub const COOKIE: &str = "rapport_supervisor";

/// The tenants a request may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantFilter {
    All,
    Only(Vec<String>),
}

impl TenantFilter {
    pub fn allows(&self, tenant: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(tenants) => tenants.iter().any(|t| t == tenant),
        }
    }

    /// Narrowed further to the `tenants` the page asked for (comma-separated; all when empty).
    pub fn narrowed(self, asked: Option<&str>) -> Self {
        let asked: Vec<String> = asked
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        if asked.is_empty() {
            return self;
        }
        Self::Only(asked.into_iter().filter(|t| self.allows(t)).collect())
    }
}

/// The tenants `token` may see (`read` scope), checked against the current token book.
pub fn tenants_of(auth: &Authenticator, token: Option<&str>) -> Result<TenantFilter, Denied> {
    let header = token.map(|t| format!("Bearer {t}"));
    let grant = auth.grant(&Credential::from_header(header.as_deref()))?;
    grant.require(Scope::Read)?;
    Ok(match &grant.tenants {
        Tenants::All => TenantFilter::All,
        Tenants::Only(tenants) => TenantFilter::Only(tenants.clone()),
    })
}

/// The tenants this request may see: all while authentication is off; else those of the
/// token in its `Authorization` header, `?token=` or cookie (in that order).
pub fn allowed_tenants(parts: &Parts, auth: &Authenticator) -> Result<TenantFilter, Denied> {
    if !auth.is_enabled() {
        return Ok(TenantFilter::All);
    }
    tenants_of(auth, presented_token(parts).as_deref())
}

/// The token a request presents, if any.
pub fn presented_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    bearer
        .or_else(|| query_token(parts))
        .or_else(|| cookie_token(parts))
}

/// `?token=` of the request.
pub fn query_token(parts: &Parts) -> Option<String> {
    Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
        .ok()?
        .0
        .remove("token")
        .filter(|t| !t.is_empty())
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| decode(value))
}

/// `Set-Cookie` value that keeps `token` for the page's later requests.
pub fn set_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={}; Path=/supervisor; HttpOnly; SameSite=Strict",
        encode(token)
    )
}

/// Percent-encodes every byte but `A-Z a-z 0-9 - . _ ~`, so any token is a valid cookie value.
fn encode(token: &str) -> String {
    token
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_for_tenants_narrows_but_never_widens() {
        let all = TenantFilter::All;
        assert!(all.allows("x"));
        let asked = all.narrowed(Some("acme, beta"));
        assert!(asked.allows("acme") && asked.allows("beta") && !asked.allows("x"));
        let only = TenantFilter::Only(vec!["acme".into()]).narrowed(Some("acme,beta"));
        assert_eq!(only, TenantFilter::Only(vec!["acme".into()]));
        assert_eq!(TenantFilter::All.narrowed(Some("")), TenantFilter::All);
    }

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_token_comes_from_the_header_the_query_or_the_cookie() {
        let token = "a b;c=d%é";
        let cookie = set_cookie(token);
        let value = cookie.split(';').next().unwrap();
        assert!(value.bytes().all(|b| b.is_ascii_graphic() && b != b';'));
        let from_cookie = parts(
            "/supervisor/events",
            &[("cookie", &format!("x=1; {value}"))],
        );
        assert_eq!(presented_token(&from_cookie).as_deref(), Some(token));
        let from_query = parts("/supervisor?token=abc&tenants=x", &[]);
        assert_eq!(presented_token(&from_query).as_deref(), Some("abc"));
        let from_header = parts(
            "/supervisor?token=abc",
            &[("authorization", "Bearer xyz"), ("cookie", value)],
        );
        assert_eq!(presented_token(&from_header).as_deref(), Some("xyz"));
        assert_eq!(presented_token(&parts("/supervisor", &[])), None);
    }
}
