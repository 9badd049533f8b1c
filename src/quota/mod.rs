//! Per-tenant quotas: live conversations (enforced by the store when a conversation starts)
//! and turns per second (a token bucket per tenant, checked by the API before a turn is
//! scored). A refused turn is answered RESOURCE_EXHAUSTED and counted in
//! `rapport_quota_rejections_total{kind}`; other tenants are not affected.

mod bucket;
mod config;
mod conversations;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use dashmap::DashMap;

pub use bucket::Bucket;
pub use config::{QuotaConfig, QuotaLimits};
pub use conversations::ConversationQuota;

use crate::telemetry;

/// Forget full (idle) buckets once this many tenants have one.
const PRUNE_BUCKETS_ABOVE: usize = 4096;

/// A quota said no.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct QuotaExceeded(pub String);

/// The default limits and each overriding tenant's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Limits {
    base: QuotaLimits,
    tenants: Arc<HashMap<String, QuotaLimits>>,
}

impl Limits {
    fn of(&self, tenant: &str) -> &QuotaLimits {
        self.tenants.get(tenant).unwrap_or(&self.base)
    }

    fn any(&self, f: impl Fn(&QuotaLimits) -> bool) -> bool {
        f(&self.base) || self.tenants.values().any(f)
    }
}

pub struct Quotas {
    limits: Limits,
    tenant_label: bool,
    buckets: DashMap<String, Bucket>,
    conversations: Option<Arc<ConversationQuota>>,
}

impl Quotas {
    /// From `[quotas]` and the `[tenants.<id>.quotas]` overrides.
    pub fn new(
        config: &QuotaConfig,
        overrides: &HashMap<String, QuotaLimits>,
    ) -> Result<Self, String> {
        let (base, tenants) = config::resolve(config, overrides)?;
        let limits = Limits {
            base,
            tenants: Arc::new(tenants),
        };
        let conversations = limits
            .any(|l| l.max_conversations_per_tenant.is_some())
            .then(|| Arc::new(ConversationQuota::new(limits.clone(), config.tenant_label)));
        Ok(Self {
            limits,
            tenant_label: config.tenant_label,
            buckets: DashMap::new(),
            conversations,
        })
    }

    /// The conversation counter for the store; `None` when no tenant has that limit.
    pub fn conversations(&self) -> Option<Arc<ConversationQuota>> {
        self.conversations.clone()
    }

    /// Takes one turn from `tenant`'s rate, if it is limited.
    pub fn admit_turn(&self, tenant: &str) -> Result<(), QuotaExceeded> {
        self.admit_turn_at(tenant, Instant::now())
    }

    fn admit_turn_at(&self, tenant: &str, now: Instant) -> Result<(), QuotaExceeded> {
        let Some((rate, burst)) = self.limits.of(tenant).rate() else {
            return Ok(());
        };
        let admitted = match self.buckets.get_mut(tenant) {
            Some(mut bucket) => bucket.take(rate, burst, now),
            None => {
                self.prune(now);
                self.buckets
                    .entry(tenant.to_string())
                    .or_insert_with(|| Bucket::full(burst, now))
                    .take(rate, burst, now)
            }
        };
        if admitted {
            return Ok(());
        }
        rejected("turns", tenant, self.tenant_label);
        Err(QuotaExceeded(format!(
            "tenant turn rate quota ({rate}/s, burst {burst}) exceeded"
        )))
    }

    fn prune(&self, now: Instant) {
        if self.buckets.len() < PRUNE_BUCKETS_ABOVE {
            return;
        }
        self.buckets.retain(|tenant, bucket| {
            self.limits
                .of(tenant)
                .rate()
                .is_some_and(|(rate, burst)| !bucket.is_full(rate, burst, now))
        });
    }
}

fn rejected(kind: &'static str, tenant: &str, tenant_label: bool) {
    telemetry::quota_rejected(kind, tenant_label.then_some(tenant));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn quotas(text: &str, tenants: &[(&str, &str)]) -> Quotas {
        let overrides = tenants
            .iter()
            .map(|(id, t)| (id.to_string(), toml::from_str(t).unwrap()))
            .collect();
        Quotas::new(&toml::from_str(text).unwrap(), &overrides).unwrap()
    }

    #[test]
    fn each_tenant_has_its_own_turn_bucket() {
        let q = quotas(
            "turns_per_second_per_tenant = 1\nburst = 2",
            &[("big", "burst = 3")],
        );
        let now = Instant::now();
        assert!(q.admit_turn_at("a", now).is_ok());
        assert!(q.admit_turn_at("a", now).is_ok());
        assert!(q.admit_turn_at("a", now).is_err());
        assert!(q.admit_turn_at("b", now).is_ok(), "b is not slowed by a");
        assert_eq!(
            (0..5)
                .filter(|_| q.admit_turn_at("big", now).is_ok())
                .count(),
            3
        );
        assert!(q.admit_turn_at("a", now + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn no_limits_no_bookkeeping() {
        let q = quotas("", &[]);
        assert!((0..100).all(|_| q.admit_turn("a").is_ok()));
        assert!(q.buckets.is_empty());
        assert!(q.conversations().is_none());
        let per_tenant = quotas("", &[("a", "max_conversations_per_tenant = 1")]);
        assert!(per_tenant.conversations().is_some());
    }

    #[test]
    fn full_buckets_are_forgotten_when_there_are_many() {
        let q = quotas("turns_per_second_per_tenant = 1000", &[]);
        let now = Instant::now();
        for i in 0..PRUNE_BUCKETS_ABOVE {
            q.admit_turn_at(&format!("t{i}"), now).unwrap();
        }
        assert_eq!(q.buckets.len(), PRUNE_BUCKETS_ABOVE);
        q.admit_turn_at("new", now + Duration::from_secs(1))
            .unwrap();
        assert_eq!(q.buckets.len(), 1);
    }
}
