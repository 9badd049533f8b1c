//! Live conversations per tenant: the store asks before it starts a conversation and reports
//! each one it drops (ended or expired).

use dashmap::DashMap;

use super::{Limits, QuotaExceeded, rejected};

pub struct ConversationQuota {
    limits: Limits,
    tenant_label: bool,
    live: DashMap<String, usize>,
}

impl ConversationQuota {
    pub(super) fn new(limits: Limits, tenant_label: bool) -> Self {
        Self {
            limits,
            tenant_label,
            live: DashMap::new(),
        }
    }

    /// Counts a new conversation of `tenant`, unless the tenant is at its limit.
    pub fn acquire(&self, tenant: &str) -> Result<(), QuotaExceeded> {
        let limit = self.limits.of(tenant).max_conversations_per_tenant;
        let mut live = self.live.entry(tenant.to_string()).or_insert(0);
        if limit.is_some_and(|limit| *live >= limit) {
            drop(live);
            self.live.remove_if(tenant, |_, n| *n == 0);
            rejected("conversations", tenant, self.tenant_label);
            return Err(QuotaExceeded(format!(
                "tenant conversation quota ({}) reached",
                limit.unwrap_or_default()
            )));
        }
        *live += 1;
        Ok(())
    }

    /// A conversation of `tenant` was dropped.
    pub fn release(&self, tenant: &str) {
        if let Some(mut live) = self.live.get_mut(tenant) {
            *live = live.saturating_sub(1);
        }
        self.live.remove_if(tenant, |_, n| *n == 0);
    }

    /// Live conversations of `tenant`.
    pub fn live(&self, tenant: &str) -> usize {
        self.live.get(tenant).map_or(0, |n| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::QuotaLimits;
    use std::collections::HashMap;
    use std::sync::Arc;

    #[test]
    fn each_tenant_has_its_own_count_and_limit() {
        let limits = Limits {
            base: QuotaLimits {
                max_conversations_per_tenant: Some(2),
                ..Default::default()
            },
            tenants: Arc::new(HashMap::from([(
                "small".to_string(),
                QuotaLimits {
                    max_conversations_per_tenant: Some(1),
                    ..Default::default()
                },
            )])),
        };
        let quota = ConversationQuota::new(limits, false);
        assert!(quota.acquire("a").is_ok());
        assert!(quota.acquire("a").is_ok());
        assert!(quota.acquire("a").is_err());
        assert!(quota.acquire("small").is_ok());
        assert!(quota.acquire("small").is_err());
        quota.release("a");
        assert_eq!(quota.live("a"), 1);
        assert!(quota.acquire("a").is_ok());
        quota.release("small");
        assert_eq!(quota.live("small"), 0);
        assert!(
            quota.live.get("small").is_none(),
            "empty counts are dropped"
        );
    }
}
