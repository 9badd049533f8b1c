//! The rules. Explicit requests (a person, a channel) fire at once. Otherwise a conversation
//! escalates when its escalation risk reaches the tenant's operating point, or on a single turn
//! only at urgent frustration; score-driven rules stay silent on turns in a language the model
//! was not trained on, respect the cooldown and the one-shot escalation latch.

use super::explain::explain;
use super::{Decision, PolicyConfig, PolicyMemory, Priority, Reason, SignalKind};
use crate::conversation::{Channel, ConversationState, CueKind, TurnFacts};

/// Risk this far above the operating point makes an escalation urgent.
const URGENT_MARGIN: f32 = 0.3;

/// Decides on the newest customer turn and updates the policy's memory of the conversation.
/// `facts.risk` must already hold the risk model's reading.
pub fn evaluate(
    memory: &mut PolicyMemory,
    state: &ConversationState,
    facts: &TurnFacts,
    config: &PolicyConfig,
    now_ms: u64,
) -> Vec<Decision> {
    let cooling_down = memory
        .last_signal_ms
        .is_some_and(|last| now_ms.saturating_sub(last) < config.cooldown_ms);

    let mut decisions = Vec::new();
    if !(config.one_shot_escalation && memory.escalated) {
        decisions.extend(escalation(facts, config, cooling_down));
    }
    decisions.extend(channel_switch(memory, state, facts, config, cooling_down));

    for decision in &decisions {
        memory.last_signal_ms = Some(now_ms);
        match decision.kind {
            SignalKind::Escalate => memory.escalated = true,
            SignalKind::SwitchChannel => memory.switched_to.extend(decision.target_channel),
        }
    }
    decisions
}

/// What drove a risk escalation, as reasons routers can filter on.
fn driver_reasons(facts: &TurnFacts) -> Vec<Reason> {
    let mut reasons = Vec::new();
    for driver in &facts.risk.drivers {
        let reason = match driver.feature {
            "repeated" | "repetitions" => Reason::Repetition,
            "bot_fallback_streak" => Reason::BotFallbackStreak,
            "frustration_slope" => Reason::FrustrationSpike,
            "person_request" => Reason::ExplicitHumanRequest,
            "complaint" => Reason::ComplaintGrowing,
            _ => Reason::SustainedFrustration,
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    reasons
}

fn escalation(facts: &TurnFacts, config: &PolicyConfig, cooling_down: bool) -> Option<Decision> {
    let point = config.escalation_point(facts.risk.operating_point);
    let scores_trusted = !facts.language.low_reliability;
    let (reasons, rule_id, priority) = if facts.has_cue(CueKind::HumanRequest) {
        (
            vec![Reason::ExplicitHumanRequest],
            "escalate.explicit-human-request",
            Priority::High,
        )
    } else if cooling_down || !scores_trusted {
        return None;
    } else if facts.risk.value >= point {
        let mut reasons = vec![Reason::EscalationRisk];
        reasons.extend(driver_reasons(facts));
        let priority = if facts.risk.value >= (point + URGENT_MARGIN).min(0.95) {
            Priority::Urgent
        } else {
            Priority::Normal
        };
        (reasons, "escalate.risk", priority)
    } else if facts.scores.frustration >= config.urgent_frustration
        && facts.slope >= config.spike_slope
    {
        (
            vec![Reason::FrustrationSpike],
            "escalate.urgent-spike",
            Priority::Urgent,
        )
    } else {
        return None;
    };
    Some(Decision {
        kind: SignalKind::Escalate,
        priority,
        rule_id,
        explanation: explain(&reasons, facts, config, None),
        reasons,
        target_channel: None,
    })
}

fn channel_switch(
    memory: &PolicyMemory,
    state: &ConversationState,
    facts: &TurnFacts,
    config: &PolicyConfig,
    cooling_down: bool,
) -> Option<Decision> {
    let available = |channel: &Channel| {
        state.available_channels.contains(channel)
            && *channel != state.channel
            && !memory.switched_to.contains(channel)
    };
    let switch = |reasons: Vec<Reason>, rule_id, priority, target: Channel| Decision {
        kind: SignalKind::SwitchChannel,
        priority,
        explanation: explain(&reasons, facts, config, Some((state.channel, target))),
        reasons,
        rule_id,
        target_channel: Some(target),
    };

    let requested = facts
        .cues
        .iter()
        .filter(|cue| cue.kind == CueKind::ChannelRequest)
        .filter_map(|cue| cue.channel)
        .flat_map(|channel| match channel {
            // "Call me" is served by an agent's callback when there is no live voice queue.
            Channel::Voice => vec![Channel::Voice, Channel::Callback],
            other => vec![other],
        })
        .find(available);
    if let Some(target) = requested {
        return Some(switch(
            vec![Reason::ChannelRequested],
            "switch.channel-requested",
            Priority::High,
            target,
        ));
    }

    if state.channel.is_live_line()
        && !cooling_down
        && facts.has_cue(CueKind::ConnectionTrouble)
        && state.connection_trouble >= config.connection_trouble_turns
        && let Some(&target) = config.line_trouble_channels.iter().find(|c| available(c))
    {
        return Some(switch(
            vec![Reason::ConnectionTrouble],
            "switch.connection-trouble",
            Priority::High,
            target,
        ));
    }

    let complaint_growing = state.complaints >= config.complaint_turns
        && !facts.language.low_reliability
        && facts.risk.value >= config.switch_point(facts.risk.operating_point);
    if state.channel.is_text()
        && complaint_growing
        && !cooling_down
        && let Some(&target) = config.complaint_channels.iter().find(|c| available(c))
    {
        return Some(switch(
            vec![Reason::ComplaintGrowing],
            "switch.complaint-growing",
            Priority::Normal,
            target,
        ));
    }
    None
}
