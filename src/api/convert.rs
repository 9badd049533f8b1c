//! Between the wire types of `proto/` and the pipeline's own types.

use std::sync::Arc;

use prost_types::Timestamp;

use crate::conversation::{self as conv, Channel, CueKind, Speaker, TurnFacts, TurnInput};
use crate::nlu::Scores;
use crate::pipeline::{PipelineError, now_ms};
use crate::policy::{Priority, Reason, SignalKind};
use crate::proto;
use crate::signals::{Handoff, Signal};
use crate::store::{Conversation, ConversationKey};

pub fn key(tenant_id: String, conversation_id: String) -> ConversationKey {
    ConversationKey {
        tenant_id,
        conversation_id,
    }
}

/// A wire turn as the pipeline's input; unknown or unset enums are refused.
pub fn turn(turn: proto::Turn) -> Result<(ConversationKey, TurnInput), PipelineError> {
    let invalid = |what: &str| PipelineError::Invalid(what.to_string());
    let speaker = match proto::Speaker::try_from(turn.speaker) {
        Ok(proto::Speaker::Customer) => Speaker::Customer,
        Ok(proto::Speaker::Bot) => Speaker::Bot,
        Ok(proto::Speaker::Agent) => Speaker::Agent,
        _ => return Err(invalid("speaker is required (CUSTOMER, BOT or AGENT)")),
    };
    let channel = channel_from(turn.channel).ok_or_else(|| invalid("channel is required"))?;
    let metadata = turn.metadata.unwrap_or_default();
    let at_ms = match turn.sent_at {
        Some(ts) => timestamp_ms(&ts)?,
        None => now_ms(),
    };
    let input = TurnInput {
        turn_id: turn.turn_id,
        speaker,
        text: turn.text,
        channel,
        at_ms,
        intent_confidence: metadata.intent_confidence,
        fallback: metadata.fallback,
        available_channels: turn
            .available_channels
            .into_iter()
            .filter_map(channel_from)
            .collect(),
        language: Some(turn.language).filter(|l| !l.trim().is_empty()),
    };
    Ok((key(turn.tenant_id, turn.conversation_id), input))
}

/// Latest `seconds` a protobuf `Timestamp` may hold: 9999-12-31T23:59:59Z.
const MAX_TIMESTAMP_SECONDS: i64 = 253_402_300_799;

/// A client timestamp in milliseconds since the epoch; out-of-range values are refused rather
/// than wrapped (the protobuf `Timestamp` range, from 1970 on: rapport's clock has no earlier).
pub fn timestamp_ms(ts: &Timestamp) -> Result<u64, PipelineError> {
    if !(0..=MAX_TIMESTAMP_SECONDS).contains(&ts.seconds) {
        return Err(PipelineError::Invalid(format!(
            "sent_at seconds {} is outside 1970-01-01..9999-12-31",
            ts.seconds
        )));
    }
    if !(0..1_000_000_000).contains(&ts.nanos) {
        return Err(PipelineError::Invalid(format!(
            "sent_at nanos {} is outside 0..999,999,999",
            ts.nanos
        )));
    }
    Ok(ts.seconds as u64 * 1000 + ts.nanos as u64 / 1_000_000)
}

pub fn channel_from(value: i32) -> Option<Channel> {
    Some(match proto::Channel::try_from(value).ok()? {
        proto::Channel::Unspecified => return None,
        proto::Channel::Chat => Channel::Chat,
        proto::Channel::Sms => Channel::Sms,
        proto::Channel::Email => Channel::Email,
        proto::Channel::Voice => Channel::Voice,
        proto::Channel::Video => Channel::Video,
        proto::Channel::Social => Channel::Social,
        proto::Channel::MessagingApp => Channel::MessagingApp,
        proto::Channel::Callback => Channel::Callback,
    })
}

pub fn channel(channel: Channel) -> i32 {
    (match channel {
        Channel::Chat => proto::Channel::Chat,
        Channel::Sms => proto::Channel::Sms,
        Channel::Email => proto::Channel::Email,
        Channel::Voice => proto::Channel::Voice,
        Channel::Video => proto::Channel::Video,
        Channel::Social => proto::Channel::Social,
        Channel::MessagingApp => proto::Channel::MessagingApp,
        Channel::Callback => proto::Channel::Callback,
    }) as i32
}

pub fn kind_from(value: i32) -> Option<SignalKind> {
    match proto::SignalKind::try_from(value).ok()? {
        proto::SignalKind::Escalate => Some(SignalKind::Escalate),
        proto::SignalKind::SwitchChannel => Some(SignalKind::SwitchChannel),
        proto::SignalKind::Unspecified => None,
    }
}

pub fn priority_from(value: i32) -> Option<Priority> {
    match proto::Priority::try_from(value).ok()? {
        proto::Priority::Low => Some(Priority::Low),
        proto::Priority::Normal => Some(Priority::Normal),
        proto::Priority::High => Some(Priority::High),
        proto::Priority::Urgent => Some(Priority::Urgent),
        proto::Priority::Unspecified => None,
    }
}

fn priority(priority: Priority) -> i32 {
    (match priority {
        Priority::Low => proto::Priority::Low,
        Priority::Normal => proto::Priority::Normal,
        Priority::High => proto::Priority::High,
        Priority::Urgent => proto::Priority::Urgent,
    }) as i32
}

fn reason(reason: Reason) -> i32 {
    (match reason {
        Reason::ExplicitHumanRequest => proto::ReasonCode::ExplicitHumanRequest,
        Reason::EscalationRisk => proto::ReasonCode::EscalationRisk,
        Reason::SustainedFrustration => proto::ReasonCode::SustainedFrustration,
        Reason::FrustrationSpike => proto::ReasonCode::FrustrationSpike,
        Reason::Repetition => proto::ReasonCode::Repetition,
        Reason::BotFallbackStreak => proto::ReasonCode::BotFallbackStreak,
        Reason::ComplaintGrowing => proto::ReasonCode::ComplaintGrowing,
        Reason::ConnectionTrouble => proto::ReasonCode::ConnectionTrouble,
        Reason::ChannelRequested => proto::ReasonCode::ChannelRequested,
    }) as i32
}

fn trend(trend: conv::Trend) -> i32 {
    (match trend {
        conv::Trend::Falling => proto::Trend::Falling,
        conv::Trend::Steady => proto::Trend::Steady,
        conv::Trend::Rising => proto::Trend::Rising,
    }) as i32
}

fn speaker(speaker: Speaker) -> i32 {
    (match speaker {
        Speaker::Customer => proto::Speaker::Customer,
        Speaker::Bot => proto::Speaker::Bot,
        Speaker::Agent => proto::Speaker::Agent,
    }) as i32
}

fn timestamp(ms: u64) -> Timestamp {
    Timestamp {
        seconds: (ms / 1000) as i64,
        nanos: ((ms % 1000) * 1_000_000) as i32,
    }
}

fn sentiment(s: &crate::nlu::Sentiment) -> proto::Sentiment {
    proto::Sentiment {
        negative: s.negative,
        neutral: s.neutral,
        positive: s.positive,
    }
}

pub fn scores(scores: &Scores) -> proto::Scores {
    proto::Scores {
        sentiment: Some(sentiment(&scores.sentiment)),
        top_emotions: scores
            .top_emotions
            .iter()
            .map(|e| proto::EmotionScore {
                label: e.label.to_string(),
                score: e.score,
            })
            .collect(),
        frustration: scores.frustration,
        dissatisfaction: scores.dissatisfaction,
        intents: scores
            .intents
            .iter()
            .map(|i| proto::IntentScore {
                intent: i.intent.to_string(),
                probability: i.probability,
                detected: i.detected,
            })
            .collect(),
    }
}

fn risk_drivers(risk: &conv::Risk) -> Vec<proto::RiskDriver> {
    risk.drivers
        .iter()
        .map(|d| proto::RiskDriver {
            feature: d.feature.to_string(),
            value: d.value,
            contribution: d.contribution,
        })
        .collect()
}

pub fn cue(cue: &conv::Cue) -> proto::Cue {
    let kind = match cue.kind {
        CueKind::HumanRequest => proto::CueKind::HumanRequest,
        CueKind::ChannelRequest => proto::CueKind::ChannelRequest,
        CueKind::ConnectionTrouble => proto::CueKind::ConnectionTrouble,
        CueKind::Repetition => proto::CueKind::Repetition,
        CueKind::Complaint => proto::CueKind::Complaint,
    };
    let source = match cue.source {
        conv::CueSource::Model => proto::CueSource::Model,
        conv::CueSource::Pattern => proto::CueSource::Pattern,
    };
    proto::Cue {
        kind: kind as i32,
        text: cue.text.clone(),
        channel: cue.channel.map_or(0, channel),
        source: source as i32,
        confidence: cue.confidence,
    }
}

pub fn assessment(facts: &TurnFacts, model_version: &Arc<str>) -> proto::Assessment {
    proto::Assessment {
        scores: Some(scores(&facts.scores)),
        conversation_frustration: facts.conversation_frustration,
        trend: trend(facts.trend),
        frustration_slope: facts.slope,
        cues: facts.cues.iter().map(cue).collect(),
        consecutive_negative: facts.consecutive_negative,
        bot_fallback_streak: facts.bot_fallback_streak,
        waited_ms: facts.waited_ms,
        model_version: model_version.to_string(),
        escalation_risk: facts.risk.value,
        risk_drivers: risk_drivers(&facts.risk),
        language: facts.language.tag.clone(),
        low_reliability: facts.language.low_reliability,
    }
}

fn handoff(handoff: &Handoff) -> proto::Handoff {
    proto::Handoff {
        recent_turns: handoff
            .recent_turns
            .iter()
            .map(|t| proto::HandoffTurn {
                turn_id: t.turn_id.to_string(),
                speaker: speaker(t.speaker),
                text: t.text.to_string(),
                channel: channel(t.channel),
                sent_at: Some(timestamp(t.at_ms)),
                bot_fallback: t.bot_fallback,
            })
            .collect(),
        emotion_timeline: handoff
            .emotion_timeline
            .iter()
            .map(|p| proto::TimelinePoint {
                turn_id: p.turn_id.to_string(),
                turn_frustration: p.turn_frustration,
                conversation_frustration: p.conversation_frustration,
                sentiment: Some(sentiment(&p.sentiment)),
                top_emotion: p.top_emotion.as_deref().unwrap_or_default().to_string(),
            })
            .collect(),
        bot_failed_attempts: handoff
            .bot_failed_attempts
            .iter()
            .map(|t| t.to_string())
            .collect(),
        summary: handoff.summary.clone(),
    }
}

pub fn signal(signal: &Signal) -> proto::Signal {
    let evidence = &signal.evidence;
    proto::Signal {
        signal_id: signal.id.clone(),
        sequence: signal.sequence,
        kind: match signal.kind {
            SignalKind::Escalate => proto::SignalKind::Escalate,
            SignalKind::SwitchChannel => proto::SignalKind::SwitchChannel,
        } as i32,
        priority: priority(signal.priority),
        tenant_id: signal.tenant_id.clone(),
        conversation_id: signal.conversation_id.clone(),
        turn_id: signal.turn_id.clone(),
        reasons: signal.reasons.iter().copied().map(reason).collect(),
        rule_id: signal.rule_id.to_string(),
        explanation: signal.explanation.clone(),
        evidence: Some(proto::Evidence {
            turn_ids: evidence.turn_ids.clone(),
            turn_frustration: evidence.turn_frustration,
            conversation_frustration: evidence.conversation_frustration,
            frustration_slope: evidence.frustration_slope,
            consecutive_negative: evidence.consecutive_negative,
            bot_fallback_streak: evidence.bot_fallback_streak,
            cues: evidence.cues.iter().map(cue).collect(),
            turn_dissatisfaction: evidence.turn_dissatisfaction,
            escalation_risk: evidence.risk.value,
            risk_drivers: risk_drivers(&evidence.risk),
            operating_point: evidence.risk.operating_point,
        }),
        current_channel: channel(signal.current_channel),
        target_channel: signal.target_channel.map_or(0, channel),
        handoff: Some(handoff(&signal.handoff)),
        model_version: signal.model_version.to_string(),
        emitted_at: Some(timestamp(signal.emitted_at_ms)),
    }
}

pub fn conversation(
    key: ConversationKey,
    conversation: &Conversation,
    last_signal: Option<&Signal>,
) -> proto::GetConversationResponse {
    let state = &conversation.state;
    proto::GetConversationResponse {
        tenant_id: key.tenant_id,
        conversation_id: key.conversation_id,
        channel: channel(state.channel),
        customer_turns: state.customer_turns,
        conversation_frustration: state.frustration,
        peak_frustration: state.peak_frustration,
        trend: trend(state.trend),
        consecutive_negative: state.consecutive_negative,
        bot_fallback_streak: state.bot_fallback_streak,
        repetitions: state.repetitions,
        waiting_ms: state.waiting_ms(now_ms()),
        escalated: conversation.policy.escalated,
        last_signal: last_signal.map(signal),
        handoff: Some(handoff(&crate::signals::build_handoff(&state.snapshot()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(seconds: i64, nanos: i32) -> Timestamp {
        Timestamp { seconds, nanos }
    }

    #[test]
    fn timestamps_in_range_convert_and_the_rest_are_refused() {
        assert_eq!(timestamp_ms(&ts(0, 0)).ok(), Some(0));
        assert_eq!(
            timestamp_ms(&ts(1_700_000_000, 999_999_999)).ok(),
            Some(1_700_000_000_999)
        );
        assert_eq!(
            timestamp_ms(&ts(MAX_TIMESTAMP_SECONDS, 0)).ok(),
            Some(MAX_TIMESTAMP_SECONDS as u64 * 1000)
        );
        for bad in [
            ts(i64::MAX, 0),
            ts(MAX_TIMESTAMP_SECONDS + 1, 0),
            ts(-1, 0),
            ts(i64::MIN, 0),
            ts(1, 2_000_000_000),
            ts(1, 1_000_000_000),
            ts(1, -1),
        ] {
            assert!(
                matches!(timestamp_ms(&bad), Err(PipelineError::Invalid(_))),
                "{bad:?}"
            );
        }
    }
}
