//! Policy thresholds, with per-tenant overrides merged over the defaults.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::conversation::Channel;

/// Thresholds and switches of the rules. Every field can be overridden per tenant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Escalate when the conversation's escalation risk reaches this (the operating point).
    /// Unset: the risk model's own, chosen on dev for a 10% false-escalation rate.
    pub escalate_risk: Option<f32>,
    /// A single turn escalates on its own only at this frustration or above...
    pub urgent_frustration: f32,
    /// ...and rising at least this much per customer turn.
    pub spike_slope: f32,
    /// Risk at which a complaint on a text channel moves to a live channel. Unset: three
    /// quarters of the escalation operating point.
    pub switch_risk: Option<f32>,
    /// Connection-trouble cues on a voice or video line before moving to text.
    pub connection_trouble_turns: u32,
    /// Complaint cues on a text channel before a complaint can "grow" into a channel switch.
    pub complaint_turns: u32,
    /// No rule-driven signal within this long of the previous one (explicit requests excepted).
    pub cooldown_ms: u64,
    /// At most one escalation per conversation.
    pub one_shot_escalation: bool,
    /// Where a growing complaint on a text channel goes, in order of preference.
    pub complaint_channels: Vec<Channel>,
    /// Where a failing voice or video line goes, in order of preference.
    pub line_trouble_channels: Vec<Channel>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            escalate_risk: None,
            urgent_frustration: 0.9,
            spike_slope: 0.25,
            switch_risk: None,
            connection_trouble_turns: 2,
            complaint_turns: 1,
            cooldown_ms: 120_000,
            one_shot_escalation: true,
            complaint_channels: vec![Channel::Voice, Channel::Callback, Channel::Video],
            line_trouble_channels: vec![Channel::Chat, Channel::Sms, Channel::MessagingApp],
        }
    }
}

impl PolicyConfig {
    pub fn validate(&self) -> Result<(), String> {
        let unit = |name: &str, value: Option<f32>| match value {
            Some(v) if !(0.0..=1.0).contains(&v) => {
                Err(format!("{name} ({v}) must be within 0..1"))
            }
            _ => Ok(()),
        };
        unit("escalate_risk", self.escalate_risk)?;
        unit("switch_risk", self.switch_risk)?;
        unit("urgent_frustration", Some(self.urgent_frustration))?;
        Ok(())
    }

    /// The escalation operating point: the tenant's, else the risk model's.
    pub fn escalation_point(&self, model_default: f32) -> f32 {
        self.escalate_risk.unwrap_or(model_default)
    }

    /// The risk at which a growing complaint switches channel.
    pub fn switch_point(&self, model_default: f32) -> f32 {
        self.switch_risk
            .unwrap_or(0.75 * self.escalation_point(model_default))
    }
}

/// The default policy and each tenant's, resolved once at start-up.
#[derive(Debug, Clone, Default)]
pub struct PolicyBook {
    default: Arc<PolicyConfig>,
    tenants: HashMap<String, Arc<PolicyConfig>>,
}

impl PolicyBook {
    /// `base` is the `[policy]` table; each tenant table overrides some of its keys.
    pub fn from_tables(
        base: toml::Table,
        tenants: &HashMap<String, toml::Table>,
    ) -> Result<Self, String> {
        let parse = |table: toml::Table, what: &str| -> Result<Arc<PolicyConfig>, String> {
            let config: PolicyConfig = toml::Value::Table(table)
                .try_into()
                .map_err(|e| format!("{what}: {e}"))?;
            config.validate().map_err(|e| format!("{what}: {e}"))?;
            Ok(Arc::new(config))
        };
        let default = parse(base.clone(), "[policy]")?;
        let tenants = tenants
            .iter()
            .map(|(tenant, overrides)| {
                let mut merged = base.clone();
                merged.extend(overrides.clone());
                Ok((
                    tenant.clone(),
                    parse(merged, &format!("[tenants.{tenant}.policy]"))?,
                ))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { default, tenants })
    }

    pub fn for_tenant(&self, tenant: &str) -> &Arc<PolicyConfig> {
        self.tenants.get(tenant).unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_overrides_replace_only_their_keys() {
        let base: toml::Table = toml::from_str("escalate_risk = 0.4\ncooldown_ms = 1000").unwrap();
        let acme: toml::Table = toml::from_str("cooldown_ms = 5\nescalate_risk = 0.6").unwrap();
        let book =
            PolicyBook::from_tables(base, &HashMap::from([("acme".to_string(), acme)])).unwrap();
        assert_eq!(book.for_tenant("acme").cooldown_ms, 5);
        assert_eq!(book.for_tenant("acme").escalation_point(0.3), 0.6);
        assert_eq!(book.for_tenant("other").escalation_point(0.3), 0.4);
        assert_eq!(book.for_tenant("other").cooldown_ms, 1000);
        assert_eq!(PolicyConfig::default().escalation_point(0.3), 0.3);
    }

    #[test]
    fn rejects_out_of_range_points_and_unknown_keys() {
        let bad: toml::Table = toml::from_str("escalate_risk = 1.5").unwrap();
        assert!(PolicyBook::from_tables(bad, &HashMap::new()).is_err());
        let typo: toml::Table = toml::from_str("escalate_rsk = 0.3").unwrap();
        assert!(PolicyBook::from_tables(typo, &HashMap::new()).is_err());
    }
}
