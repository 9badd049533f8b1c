//! One sentence per decision, for the supervisor who wants to know why it fired.

use super::{PolicyConfig, PolicyMemory, Reason};
use crate::conversation::{Channel, CueKind, TurnFacts};

pub fn explain(
    reasons: &[Reason],
    facts: &TurnFacts,
    memory: &PolicyMemory,
    config: &PolicyConfig,
    switch: Option<(Channel, Channel)>,
) -> String {
    let cue = |kind| {
        facts
            .cues
            .iter()
            .find(|c| c.kind == kind)
            .map_or(String::new(), |c| format!(" (\"{}\")", c.text))
    };
    let parts: Vec<String> = reasons
        .iter()
        .map(|reason| match reason {
            Reason::ExplicitHumanRequest => {
                format!("customer asked for a person{}", cue(CueKind::HumanRequest))
            }
            Reason::SustainedFrustration => format!(
                "frustration {:.2} has stayed above {:.2} for {} customer turns",
                facts.conversation_frustration, config.enter_frustration, memory.hot_turns
            ),
            Reason::FrustrationSpike => format!(
                "frustration is rising fast ({:+.2} per turn, now {:.2})",
                facts.slope, facts.scores.frustration
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
                "a complaint is growing on a text channel (frustration {:.2}, {:?})",
                facts.conversation_frustration, facts.trend
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
