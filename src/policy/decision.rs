//! What the policy decides, and what it remembers between turns of one conversation.

use crate::conversation::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Escalate,
    SwitchChannel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    ExplicitHumanRequest,
    /// The conversation's escalation risk reached the operating point; the reasons after it
    /// name what drove it.
    EscalationRisk,
    SustainedFrustration,
    FrustrationSpike,
    Repetition,
    BotFallbackStreak,
    ComplaintGrowing,
    ConnectionTrouble,
    ChannelRequested,
}

impl Reason {
    /// Stable label for metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExplicitHumanRequest => "explicit_human_request",
            Self::EscalationRisk => "escalation_risk",
            Self::SustainedFrustration => "sustained_frustration",
            Self::FrustrationSpike => "frustration_spike",
            Self::Repetition => "repetition",
            Self::BotFallbackStreak => "bot_fallback_streak",
            Self::ComplaintGrowing => "complaint_growing",
            Self::ConnectionTrouble => "connection_trouble",
            Self::ChannelRequested => "channel_requested",
        }
    }
}

impl SignalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Escalate => "escalate",
            Self::SwitchChannel => "switch_channel",
        }
    }
}

/// A rule fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub kind: SignalKind,
    pub priority: Priority,
    pub reasons: Vec<Reason>,
    /// The rule that fired, e.g. `escalate.sustained-frustration`.
    pub rule_id: &'static str,
    pub target_channel: Option<Channel>,
    /// A sentence for supervisors.
    pub explanation: String,
}

/// The policy's memory of one conversation: latch, cooldown, channels proposed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyMemory {
    /// An escalation fired (the one-shot latch).
    pub escalated: bool,
    pub last_signal_ms: Option<u64>,
    /// Channels a switch was already proposed to.
    pub switched_to: Vec<Channel>,
}
