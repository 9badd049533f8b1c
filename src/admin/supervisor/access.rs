//! Who may see which tenants on the supervisor page. The single hook for authentication:
//! [`allowed_tenants`] returns [`TenantFilter::All`] while rapport has no `[auth]`; with
//! auth, it is where a `?token=` or cookie is checked and mapped to the token's tenants.

use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::request::Parts;

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

/// Set at start when `[auth]` requires tokens: the page has no token check of its own yet, so it
/// then shows no tenant at all rather than every tenant to anyone who reaches the admin port.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Closes the page to every tenant (see [`CLOSED`]).
pub fn close_to_all_tenants() {
    CLOSED.store(true, Ordering::Relaxed);
}

/// The tenants this request may see: all while authentication is off, none while it is on.
pub fn allowed_tenants(_request: &Parts) -> TenantFilter {
    if CLOSED.load(Ordering::Relaxed) {
        TenantFilter::Only(Vec::new())
    } else {
        TenantFilter::All
    }
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
}
