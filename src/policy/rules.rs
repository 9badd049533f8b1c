//! The rules. Explicit requests (a person, a channel) fire at once; score-driven rules respect
//! hysteresis, the cooldown and the one-shot escalation latch.

use super::explain::explain;
use super::{Decision, PolicyConfig, PolicyMemory, Priority, Reason, SignalKind};
use crate::conversation::{Channel, ConversationState, CueKind, TurnFacts};

/// Decides on the newest customer turn and updates the policy's memory of the conversation.
pub fn evaluate(
    memory: &mut PolicyMemory,
    state: &ConversationState,
    facts: &TurnFacts,
    config: &PolicyConfig,
    now_ms: u64,
) -> Vec<Decision> {
    update_hysteresis(memory, facts.conversation_frustration, config);
    let cooling_down = memory
        .last_signal_ms
        .is_some_and(|last| now_ms.saturating_sub(last) < config.cooldown_ms);

    let mut decisions = Vec::new();
    if !(config.one_shot_escalation && memory.escalated) {
        decisions.extend(escalation(memory, facts, config, cooling_down));
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

fn update_hysteresis(memory: &mut PolicyMemory, frustration: f32, config: &PolicyConfig) {
    if memory.hot && frustration < config.exit_frustration {
        memory.hot = false;
        memory.hot_turns = 0;
    } else if memory.hot || frustration >= config.enter_frustration {
        memory.hot = true;
        memory.hot_turns += 1;
    }
}

fn escalation(
    memory: &PolicyMemory,
    facts: &TurnFacts,
    config: &PolicyConfig,
    cooling_down: bool,
) -> Option<Decision> {
    let mut reasons = Vec::new();
    if facts.has_cue(CueKind::HumanRequest) {
        reasons.push(Reason::ExplicitHumanRequest);
    } else if cooling_down {
        return None;
    }
    if memory.hot && memory.hot_turns >= config.sustained_turns {
        reasons.push(Reason::SustainedFrustration);
    }
    if facts.slope >= config.spike_slope && facts.scores.frustration >= config.spike_min_frustration
    {
        reasons.push(Reason::FrustrationSpike);
    }
    if config.escalate_on_repetition && facts.negative && facts.has_cue(CueKind::Repetition) {
        reasons.push(Reason::Repetition);
    }
    if facts.negative
        && config.fallback_streak > 0
        && facts.bot_fallback_streak >= config.fallback_streak
    {
        reasons.push(Reason::BotFallbackStreak);
    }
    let first = *reasons.first()?;
    let priority = if facts.conversation_frustration >= config.urgent_frustration {
        Priority::Urgent
    } else if first == Reason::ExplicitHumanRequest
        || reasons.len() > 1
        || first == Reason::FrustrationSpike
    {
        Priority::High
    } else {
        Priority::Normal
    };
    Some(Decision {
        kind: SignalKind::Escalate,
        priority,
        rule_id: match first {
            Reason::ExplicitHumanRequest => "escalate.explicit-human-request",
            Reason::SustainedFrustration => "escalate.sustained-frustration",
            Reason::FrustrationSpike => "escalate.frustration-spike",
            Reason::Repetition => "escalate.repetition-negative",
            _ => "escalate.bot-fallback-negative",
        },
        explanation: explain(&reasons, facts, memory, config, None),
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
        explanation: explain(
            &reasons,
            facts,
            memory,
            config,
            Some((state.channel, target)),
        ),
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
    {
        if let Some(&target) = config.line_trouble_channels.iter().find(|c| available(c)) {
            return Some(switch(
                vec![Reason::ConnectionTrouble],
                "switch.connection-trouble",
                Priority::High,
                target,
            ));
        }
    }

    let complaint_growing = (memory.hot && facts.trend == crate::conversation::Trend::Rising)
        || (facts.negative && state.complaints >= config.complaint_turns);
    if state.channel.is_text() && complaint_growing && !cooling_down {
        if let Some(&target) = config.complaint_channels.iter().find(|c| available(c)) {
            return Some(switch(
                vec![Reason::ComplaintGrowing],
                "switch.complaint-growing",
                Priority::Normal,
                target,
            ));
        }
    }
    None
}
