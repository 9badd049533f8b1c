//! What a token grants (tenants and scopes) and the checks every RPC makes against it.

use serde::Deserialize;

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Stream turns and end conversations (`Converse`); score texts (`Assess`).
    Converse,
    /// Receive signals (`SubscribeSignals`).
    Subscribe,
    /// Read a conversation's state and history (`GetConversation`); score texts (`Assess`).
    Read,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Converse => "converse",
            Scope::Subscribe => "subscribe",
            Scope::Read => "read",
        }
    }
}

/// The tenants a token may act for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenants {
    /// `["*"]`: every tenant.
    All,
    /// These tenants only; never empty.
    Only(Vec<String>),
}

impl Tenants {
    pub fn contains(&self, tenant: &str) -> bool {
        match self {
            Tenants::All => true,
            Tenants::Only(tenants) => tenants.iter().any(|t| t == tenant),
        }
    }
}

/// Why a call is refused: no valid token (UNAUTHENTICATED), or a token that does not reach
/// this far (PERMISSION_DENIED).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    PermissionDenied(String),
}

/// What one token (or an open server) allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// For logs: the token's configured name, or a short prefix of its hash.
    pub name: String,
    pub tenants: Tenants,
    pub scopes: Vec<Scope>,
}

impl Grant {
    /// Everything, for a server without authentication.
    pub fn open() -> Self {
        Self {
            name: "open".into(),
            tenants: Tenants::All,
            scopes: vec![Scope::Converse, Scope::Subscribe, Scope::Read],
        }
    }

    /// The token has at least one of `scopes`.
    pub fn require_any(&self, scopes: &[Scope]) -> Result<(), Denied> {
        if scopes.iter().any(|s| self.scopes.contains(s)) {
            return Ok(());
        }
        let wanted: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        Err(Denied::PermissionDenied(format!(
            "token lacks scope {}",
            wanted.join(" or ")
        )))
    }

    pub fn require(&self, scope: Scope) -> Result<(), Denied> {
        self.require_any(&[scope])
    }

    /// The token has `scope` and may act for `tenant`.
    pub fn allow(&self, scope: Scope, tenant: &str) -> Result<(), Denied> {
        self.require(scope)?;
        if self.tenants.contains(tenant) {
            Ok(())
        } else {
            Err(Denied::PermissionDenied(format!(
                "token is not allowed for tenant {tenant:?}"
            )))
        }
    }

    /// The tenant filter of a subscription: the requested tenants if all are allowed, the
    /// token's own tenants when none were requested (an empty filter means every tenant, which
    /// only a `["*"]` token gets).
    pub fn subscription_tenants(&self, requested: Vec<String>) -> Result<Vec<String>, Denied> {
        self.require(Scope::Subscribe)?;
        match (&self.tenants, requested.is_empty()) {
            (Tenants::All, _) => Ok(requested),
            (Tenants::Only(own), true) => Ok(own.clone()),
            (Tenants::Only(_), false) => {
                for tenant in &requested {
                    self.allow(Scope::Subscribe, tenant)?;
                }
                Ok(requested)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(tenants: Tenants, scopes: &[Scope]) -> Grant {
        Grant {
            name: "t".into(),
            tenants,
            scopes: scopes.to_vec(),
        }
    }

    fn acme() -> Tenants {
        Tenants::Only(vec!["acme".into()])
    }

    #[test]
    fn a_tenant_token_reaches_its_tenants_with_its_scopes_only() {
        let g = grant(acme(), &[Scope::Converse]);
        assert_eq!(g.allow(Scope::Converse, "acme"), Ok(()));
        assert!(matches!(
            g.allow(Scope::Converse, "globex"),
            Err(Denied::PermissionDenied(m)) if m.contains("globex")
        ));
        assert!(matches!(
            g.allow(Scope::Read, "acme"),
            Err(Denied::PermissionDenied(m)) if m.contains("read")
        ));
        assert!(g.require_any(&[Scope::Read, Scope::Converse]).is_ok());
        assert!(g.require_any(&[Scope::Read, Scope::Subscribe]).is_err());
    }

    #[test]
    fn a_wildcard_token_reaches_every_tenant() {
        let g = grant(Tenants::All, &[Scope::Read]);
        assert!(g.allow(Scope::Read, "anyone").is_ok());
        assert!(g.allow(Scope::Converse, "anyone").is_err());
    }

    #[test]
    fn an_empty_subscription_filter_is_narrowed_to_the_tokens_tenants() {
        let g = grant(
            Tenants::Only(vec!["acme".into(), "initech".into()]),
            &[Scope::Subscribe],
        );
        assert_eq!(
            g.subscription_tenants(vec![]),
            Ok(vec!["acme".to_string(), "initech".to_string()])
        );
        assert_eq!(
            g.subscription_tenants(vec!["initech".into()]),
            Ok(vec!["initech".to_string()])
        );
        assert!(
            g.subscription_tenants(vec!["acme".into(), "globex".into()])
                .is_err()
        );
        let all = grant(Tenants::All, &[Scope::Subscribe]);
        assert_eq!(all.subscription_tenants(vec![]), Ok(vec![]));
        let no_scope = grant(acme(), &[Scope::Read]);
        assert!(no_scope.subscription_tenants(vec![]).is_err());
    }

    #[test]
    fn the_open_grant_allows_everything() {
        let g = Grant::open();
        for scope in [Scope::Converse, Scope::Subscribe, Scope::Read] {
            assert!(g.allow(scope, "x").is_ok());
        }
    }
}
