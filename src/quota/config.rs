//! `[quotas]` and its per-tenant overrides `[tenants.<id>.quotas]`: a tenant's keys replace the
//! defaults' one by one, as `[tenants.<id>.policy]` does for `[policy]`.

use std::collections::HashMap;

use serde::Deserialize;

/// The `[quotas]` section. Every limit is off unless set.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaConfig {
    /// Live conversations one tenant may hold; new ones beyond are refused.
    pub max_conversations_per_tenant: Option<usize>,
    /// Sustained turns per second of one tenant, over all its streams.
    pub turns_per_second_per_tenant: Option<f64>,
    /// Turns a tenant may send at once above the rate; default: the rate rounded up (≥ 1).
    pub burst: Option<u32>,
    /// Label `rapport_quota_rejections_total` with the tenant id (tenant ids then reach
    /// Prometheus: only if they are not personal data).
    pub tenant_label: bool,
}

/// One tenant's limits, or the overrides of them in `[tenants.<id>.quotas]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaLimits {
    pub max_conversations_per_tenant: Option<usize>,
    pub turns_per_second_per_tenant: Option<f64>,
    pub burst: Option<u32>,
}

impl QuotaLimits {
    /// `self` with `overrides`' keys replacing its own.
    pub fn merged(self, overrides: &QuotaLimits) -> Self {
        Self {
            max_conversations_per_tenant: overrides
                .max_conversations_per_tenant
                .or(self.max_conversations_per_tenant),
            turns_per_second_per_tenant: overrides
                .turns_per_second_per_tenant
                .or(self.turns_per_second_per_tenant),
            burst: overrides.burst.or(self.burst),
        }
    }

    /// The turn rate and burst, if the rate is limited.
    pub fn rate(&self) -> Option<(f64, f64)> {
        let rate = self.turns_per_second_per_tenant?;
        let burst = self.burst.map_or(rate.ceil().max(1.0), f64::from);
        Some((rate, burst))
    }

    pub fn validate(&self) -> Result<(), String> {
        if let Some(rate) = self.turns_per_second_per_tenant
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(format!("turns_per_second_per_tenant ({rate}) must be > 0"));
        }
        if self.burst == Some(0) {
            return Err("burst must be at least 1".into());
        }
        Ok(())
    }
}

impl QuotaConfig {
    pub fn limits(&self) -> QuotaLimits {
        QuotaLimits {
            max_conversations_per_tenant: self.max_conversations_per_tenant,
            turns_per_second_per_tenant: self.turns_per_second_per_tenant,
            burst: self.burst,
        }
    }
}

/// The default limits and each overriding tenant's, merged and checked.
pub fn resolve(
    config: &QuotaConfig,
    overrides: &HashMap<String, QuotaLimits>,
) -> Result<(QuotaLimits, HashMap<String, QuotaLimits>), String> {
    let base = config.limits();
    base.validate().map_err(|e| format!("[quotas]: {e}"))?;
    let tenants = overrides
        .iter()
        .map(|(tenant, o)| {
            let merged = base.merged(o);
            merged
                .validate()
                .map_err(|e| format!("[tenants.{tenant}.quotas]: {e}"))?;
            Ok((tenant.clone(), merged))
        })
        .collect::<Result<_, String>>()?;
    Ok((base, tenants))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_keys_replace_the_defaults_one_by_one() {
        let config: QuotaConfig =
            toml::from_str("max_conversations_per_tenant = 10\nturns_per_second_per_tenant = 5")
                .unwrap();
        let acme: QuotaLimits = toml::from_str("max_conversations_per_tenant = 2").unwrap();
        let (base, tenants) =
            resolve(&config, &HashMap::from([("acme".to_string(), acme)])).unwrap();
        assert_eq!(base.rate(), Some((5.0, 5.0)));
        assert_eq!(tenants["acme"].max_conversations_per_tenant, Some(2));
        assert_eq!(tenants["acme"].turns_per_second_per_tenant, Some(5.0));
    }

    #[test]
    fn burst_defaults_to_the_rate_rounded_up() {
        let limits = |rate, burst| QuotaLimits {
            turns_per_second_per_tenant: Some(rate),
            burst,
            ..Default::default()
        };
        assert_eq!(limits(0.5, None).rate(), Some((0.5, 1.0)));
        assert_eq!(limits(2.5, None).rate(), Some((2.5, 3.0)));
        assert_eq!(limits(2.5, Some(10)).rate(), Some((2.5, 10.0)));
        assert_eq!(QuotaLimits::default().rate(), None);
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "turns_per_second_per_tenant = 0",
            "turns_per_second_per_tenant = -1",
            "turns_per_second_per_tenant = 1\nburst = 0",
        ] {
            let config: QuotaConfig = toml::from_str(bad).unwrap();
            assert!(resolve(&config, &HashMap::new()).is_err(), "{bad}");
        }
        assert!(toml::from_str::<QuotaLimits>("tenant_label = true").is_err());
    }
}
