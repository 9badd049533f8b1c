//! One sentence per decision, for the supervisor who wants to know why it fired.

use super::{PolicyConfig, Reason};
use crate::conversation::{Channel, CueKind, CueSource, TurnFacts};

pub fn explain(
    reasons: &[Reason],
    facts: &TurnFacts,
    config: &PolicyConfig,
    switch: Option<(Channel, Channel)>,
) -> String {
    let cue = |kind| {
        facts
            .cues
            .iter()
            .find(|c| c.kind == kind)
            .map_or(String::new(), |c| match c.source {
                CueSource::Model => format!(" (\"{}\", model {:.2})", c.text, c.confidence),
                CueSource::Pattern => format!(" (\"{}\", pattern)", c.text),
            })
    };
    let parts: Vec<String> = reasons
        .iter()
        .map(|reason| match reason {
            Reason::ExplicitHumanRequest => {
                format!("customer asked for a person{}", cue(CueKind::HumanRequest))
            }
            Reason::EscalationRisk => {
                let drivers: Vec<String> = facts
                    .risk
                    .drivers
                    .iter()
                    .map(|d| format!("{} {:.2} ({:+.1})", d.feature.replace('_', " "), d.value, d.contribution))
                    .collect();
                format!(
                    "escalation risk {:.2} reached {:.2}{}",
                    facts.risk.value,
                    config.escalation_point(facts.risk.operating_point),
                    if drivers.is_empty() {
                        String::new()
                    } else {
                        format!(", driven by {}", drivers.join(", "))
                    }
                )
            }
            Reason::SustainedFrustration => format!(
                "the customer has been unhappy for a while (dissatisfaction {:.2}, frustration {:.2} smoothed)",
                facts.features.dissatisfaction_smoothed, facts.conversation_frustration
            ),
            Reason::FrustrationSpike => format!(
                "frustration is rising fast ({:+.2} per turn, now {:.2}{})",
                facts.slope,
                facts.scores.frustration,
                if facts.scores.frustration >= config.urgent_frustration { ", urgent" } else { "" }
            ),
            Reason::Repetition => format!(
                "customer repeated themselves with negative sentiment ({:.2})",
                facts.scores.sentiment.negative
            ),
            Reason::BotFallbackStreak => format!(
                "the bot failed to understand {} times in a row and the customer is negative",
                facts.bot_fallback_streak
            ),
            Reason::ComplaintGrowing => format!(
                "a complaint is growing on a text channel (escalation risk {:.2}{})",
                facts.risk.value,
                cue(CueKind::Complaint)
            ),
            Reason::ConnectionTrouble => {
                format!("the line keeps failing{}", cue(CueKind::ConnectionTrouble))
            }
            Reason::ChannelRequested => format!(
                "customer asked for another channel{}",
                cue(CueKind::ChannelRequest)
            ),
        })
        .collect();
    let mut sentence = parts.join("; ");
    if let Some((from, to)) = switch {
        sentence.push_str(&format!(": move from {from:?} to {to:?}"));
    }
    let mut chars = sentence.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
