//! Policy thresholds, with per-tenant overrides merged over the defaults.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::conversation::Channel;

/// Thresholds and switches of the rules. Every field can be overridden per tenant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Smoothed frustration at which a conversation turns hot.
    pub enter_frustration: f32,
    /// A hot conversation cools down only below this (hysteresis: exit < enter).
    pub exit_frustration: f32,
    /// Customer turns a conversation must stay hot before it escalates.
    pub sustained_turns: u32,
    /// Rise of turn frustration per customer turn that counts as a spike...
    pub spike_slope: f32,
    /// ...when the newest turn's frustration is at least this.
    pub spike_min_frustration: f32,
    /// Smoothed frustration from which an escalation is urgent.
    pub urgent_frustration: f32,
    /// Bot fallbacks in a row that, with a negative customer turn, escalate.
    pub fallback_streak: u32,
    /// Whether a repeated customer turn with negative sentiment escalates.
    pub escalate_on_repetition: bool,
    /// Connection-trouble cues on a voice or video line before moving to text.
    pub connection_trouble_turns: u32,
    /// Complaint cues on a text channel that, with a negative turn, make a complaint "grow".
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
            enter_frustration: 0.6,
            exit_frustration: 0.4,
            sustained_turns: 2,
            spike_slope: 0.25,
            spike_min_frustration: 0.6,
            urgent_frustration: 0.85,
            fallback_streak: 2,
            escalate_on_repetition: true,
            connection_trouble_turns: 2,
            complaint_turns: 2,
            cooldown_ms: 120_000,
            one_shot_escalation: true,
            complaint_channels: vec![Channel::Voice, Channel::Callback, Channel::Video],
            line_trouble_channels: vec![Channel::Chat, Channel::Sms, Channel::MessagingApp],
        }
    }
}

impl PolicyConfig {
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.enter_frustration)
            || self.exit_frustration > self.enter_frustration
        {
            return Err(format!(
                "need 0 <= exit_frustration ({}) <= enter_frustration ({}) <= 1",
                self.exit_frustration, self.enter_frustration
            ));
        }
        Ok(())
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
        let base: toml::Table =
            toml::from_str("enter_frustration = 0.7\ncooldown_ms = 1000").unwrap();
        let acme: toml::Table = toml::from_str("cooldown_ms = 5").unwrap();
        let book =
            PolicyBook::from_tables(base, &HashMap::from([("acme".to_string(), acme)])).unwrap();
        assert_eq!(book.for_tenant("acme").cooldown_ms, 5);
        assert_eq!(book.for_tenant("acme").enter_frustration, 0.7);
        assert_eq!(book.for_tenant("other").cooldown_ms, 1000);
    }

    #[test]
    fn rejects_exit_above_enter_and_unknown_keys() {
        let bad: toml::Table =
            toml::from_str("enter_frustration = 0.3\nexit_frustration = 0.5").unwrap();
        assert!(PolicyBook::from_tables(bad, &HashMap::new()).is_err());
        let typo: toml::Table = toml::from_str("enter_frustraton = 0.3").unwrap();
        assert!(PolicyBook::from_tables(typo, &HashMap::new()).is_err());
    }
}
