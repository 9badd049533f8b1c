//! Replays labelled dialogues as conversations: in process through the same [`Pipeline`] the
//! server runs, many dialogues at once, or against a running server over one gRPC `Converse`
//! stream carrying every conversation, pipelined. Both yield the facts and the signals of each
//! customer turn.
//!
//! A dialogue becomes conversation `dialogue_id` of the tenant given (`eval` by default) on chat
//! (no other channel available), turn ids `0, 1, …`, user → customer, agent → bot, one turn
//! every [`TURN_STEP_MS`] from a fixed start, so cooldowns and waiting times are the same on
//! every run. Signal ids derive from tenant, conversation, turn and rule, and a server does not
//! send a signal whose id is still in its replay buffer: replaying the same dialogues against
//! the same server again needs another tenant.

use std::sync::Arc;

use futures_util::StreamExt;
use indicatif::ProgressBar;
use tonic::transport::Endpoint;

use super::dialogue::{Dialogue, Role};
use crate::conversation::{
    Channel, Cue, CueKind, CueSource, Language, Risk, RiskFeatures, Speaker, Trend, TurnFacts,
    TurnInput,
};
use crate::nlu::{EmotionScore, IntentScore, Scores, Sentiment};
use crate::pipeline::{Pipeline, TurnOutcome};
use crate::policy::SignalKind;
use crate::proto::{self, converse_request, converse_response, rapport_client::RapportClient};
use crate::store::ConversationKey;

/// The default tenant of replayed conversations.
pub const TENANT: &str = "eval";
/// 2026-01-01T00:00:00Z: where every replayed dialogue starts.
pub const START_MS: u64 = 1_767_225_600_000;
/// Time between two turns of a replayed dialogue.
pub const TURN_STEP_MS: u64 = 15_000;

/// A signal a customer turn fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub rule_id: String,
    pub escalate: bool,
}

/// One customer turn as replayed. `facts` is `None` when the pipeline refused the turn.
#[derive(Debug, Clone)]
pub struct CustomerTurn {
    /// Index over the dialogue's user turns.
    pub user_turn: usize,
    pub facts: Option<TurnFacts>,
    pub fired: Vec<Fired>,
}

/// One dialogue as replayed.
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    pub customer_turns: Vec<CustomerTurn>,
    /// Turns (any speaker) the pipeline refused, with why.
    pub refused: Vec<String>,
    /// The model version that scored it (empty when nothing was scored).
    pub model_version: String,
}

fn key(tenant: &str, dialogue: &Dialogue) -> ConversationKey {
    ConversationKey {
        tenant_id: tenant.into(),
        conversation_id: dialogue.dialogue_id.clone(),
    }
}

fn at_ms(index: usize) -> u64 {
    START_MS + index as u64 * TURN_STEP_MS
}

fn turn_input(index: usize, role: Role, text: &str) -> TurnInput {
    TurnInput {
        turn_id: index.to_string(),
        speaker: match role {
            Role::User => Speaker::Customer,
            Role::Agent => Speaker::Bot,
        },
        text: text.to_string(),
        channel: Channel::Chat,
        at_ms: at_ms(index),
        intent_confidence: None,
        fallback: false,
        available_channels: Vec::new(),
        language: None,
    }
}

/// Replays in process, `concurrency` dialogues at a time; results in input order.
pub async fn in_process(
    pipeline: Arc<Pipeline>,
    tenant: &str,
    dialogues: &[Dialogue],
    concurrency: usize,
    progress: &ProgressBar,
) -> Vec<Replayed> {
    let model_version = pipeline.model_version().to_string();
    futures_util::stream::iter(dialogues)
        .map(|dialogue| {
            let (pipeline, model_version) = (pipeline.clone(), model_version.clone());
            async move {
                let replayed = one_in_process(&pipeline, tenant, dialogue, model_version).await;
                progress.inc(1);
                replayed
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await
}

async fn one_in_process(
    pipeline: &Pipeline,
    tenant: &str,
    dialogue: &Dialogue,
    model_version: String,
) -> Replayed {
    let key = key(tenant, dialogue);
    let mut replayed = Replayed {
        model_version,
        ..Replayed::default()
    };
    // A conversation of that id left over would make every turn a duplicate.
    let _ = pipeline.end(&key);
    let mut user_turn = 0;
    for (index, turn) in dialogue.turns.iter().enumerate() {
        let input = turn_input(index, turn.speaker, &turn.text);
        let outcome = pipeline.process(&key, &input).await;
        if turn.speaker == Role::User {
            let mut customer = CustomerTurn {
                user_turn,
                facts: None,
                fired: Vec::new(),
            };
            match outcome {
                Ok(TurnOutcome::Assessed { facts, signals }) => {
                    customer.facts = Some(*facts);
                    customer.fired = signals
                        .iter()
                        .map(|s| Fired {
                            rule_id: s.rule_id.to_string(),
                            escalate: s.kind == SignalKind::Escalate,
                        })
                        .collect();
                }
                Ok(other) => replayed.refused.push(format!("turn {index}: {other:?}")),
                Err(error) => replayed.refused.push(format!("turn {index}: {error}")),
            }
            replayed.customer_turns.push(customer);
            user_turn += 1;
        } else if let Err(error) = outcome {
            replayed.refused.push(format!("turn {index}: {error}"));
        }
    }
    let _ = pipeline.end(&key);
    replayed
}

async fn next(
    responses: &mut tonic::Streaming<proto::ConverseResponse>,
) -> Result<proto::ConverseResponse, String> {
    responses
        .message()
        .await
        .map_err(|e| format!("Converse: {e}"))?
        .ok_or_else(|| "Converse: the server closed the stream early".to_string())
}

fn end_request(tenant: &str, dialogue: &Dialogue) -> proto::ConverseRequest {
    proto::ConverseRequest {
        kind: Some(converse_request::Kind::End(proto::EndConversation {
            tenant_id: tenant.into(),
            conversation_id: dialogue.dialogue_id.clone(),
        })),
    }
}

fn turn_request(
    tenant: &str,
    dialogue: &Dialogue,
    index: usize,
    role: Role,
    text: &str,
) -> proto::ConverseRequest {
    let at = at_ms(index);
    proto::ConverseRequest {
        kind: Some(converse_request::Kind::Turn(proto::Turn {
            tenant_id: tenant.into(),
            conversation_id: dialogue.dialogue_id.clone(),
            turn_id: index.to_string(),
            speaker: match role {
                Role::User => proto::Speaker::Customer,
                Role::Agent => proto::Speaker::Bot,
            } as i32,
            text: text.to_string(),
            channel: proto::Channel::Chat as i32,
            sent_at: Some(prost_types::Timestamp {
                seconds: (at / 1000) as i64,
                nanos: ((at % 1000) * 1_000_000) as i32,
            }),
            language: dialogue.lang.clone().unwrap_or_default(),
            metadata: None,
            available_channels: Vec::new(),
        })),
    }
}

/// Replays against the server at `url` over one `Converse` stream: every dialogue's requests
/// are sent back to back (an end first, then its turns, then an end), the server scores many at
/// once and answers in order. `negative_sentiment` rebuilds `TurnFacts::negative`, which the
/// wire does not carry. Results in input order.
pub async fn target(
    url: &str,
    tenant: &str,
    dialogues: &[Dialogue],
    negative_sentiment: f32,
    progress: &ProgressBar,
) -> Result<Vec<Replayed>, String> {
    let channel = Endpoint::from_shared(url.to_string())
        .map_err(|e| format!("{url}: {e}"))?
        .tcp_nodelay(true)
        .connect()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let mut client = RapportClient::new(channel);
    let requests: Vec<proto::ConverseRequest> = dialogues
        .iter()
        .flat_map(|dialogue| {
            let turns = dialogue.turns.iter().enumerate().map(|(index, turn)| {
                turn_request(tenant, dialogue, index, turn.speaker, &turn.text)
            });
            std::iter::once(end_request(tenant, dialogue))
                .chain(turns)
                .chain(std::iter::once(end_request(tenant, dialogue)))
        })
        .collect();
    let mut responses = client
        .converse(tokio_stream::iter(requests))
        .await
        .map_err(|e| format!("Converse: {e}"))?
        .into_inner();

    let mut all = Vec::with_capacity(dialogues.len());
    for dialogue in dialogues {
        next(&mut responses).await?; // the opening end
        let mut replayed = Replayed::default();
        let mut user_turn = 0;
        for (index, turn) in dialogue.turns.iter().enumerate() {
            let response = next(&mut responses).await?;
            if response.conversation_id != dialogue.dialogue_id
                || response.turn_id != index.to_string()
            {
                return Err(format!(
                    "Converse: expected {} turn {index}, got {} turn {}",
                    dialogue.dialogue_id, response.conversation_id, response.turn_id
                ));
            }
            let refused = match &response.outcome {
                Some(converse_response::Outcome::Error(e)) => {
                    Some(format!("turn {index}: {}", e.message))
                }
                _ if response.duplicate => Some(format!("turn {index}: duplicate")),
                _ => None,
            };
            if turn.speaker == Role::User {
                let mut customer = CustomerTurn {
                    user_turn,
                    facts: None,
                    fired: Vec::new(),
                };
                if let Some(converse_response::Outcome::Assessment(assessment)) = &response.outcome
                {
                    replayed.model_version.clone_from(&assessment.model_version);
                    customer.facts = Some(facts_from(
                        index.to_string(),
                        assessment,
                        negative_sentiment,
                    ));
                    customer.fired = response
                        .signals
                        .iter()
                        .map(|s| Fired {
                            rule_id: s.rule_id.clone(),
                            escalate: s.kind == proto::SignalKind::Escalate as i32,
                        })
                        .collect();
                }
                replayed.customer_turns.push(customer);
                user_turn += 1;
            }
            replayed.refused.extend(refused);
        }
        next(&mut responses).await?; // the closing end
        progress.inc(1);
        all.push(replayed);
    }
    Ok(all)
}

/// The facts of a customer turn rebuilt from its wire assessment.
///
/// Every field is spelled out so that a field added to `TurnFacts` or `Scores` fails to
/// compile here until it is read from the wire too.
fn facts_from(turn_id: String, a: &proto::Assessment, negative_sentiment: f32) -> TurnFacts {
    let wire = a.scores.clone().unwrap_or_default();
    let s = wire.sentiment.unwrap_or_default();
    let scores = Scores {
        sentiment: Sentiment {
            negative: s.negative,
            neutral: s.neutral,
            positive: s.positive,
        },
        top_emotions: wire
            .top_emotions
            .iter()
            .map(|e| EmotionScore {
                label: e.label.as_str().into(),
                score: e.score,
            })
            .collect(),
        frustration: wire.frustration,
        dissatisfaction: wire.dissatisfaction,
        intents: wire
            .intents
            .iter()
            .map(|i| IntentScore {
                intent: i.intent.as_str().into(),
                probability: i.probability,
                detected: i.detected,
            })
            .collect(),
    };
    TurnFacts {
        turn_id,
        negative: scores.sentiment.negative >= negative_sentiment,
        scores,
        conversation_frustration: a.conversation_frustration,
        slope: a.frustration_slope,
        trend: match proto::Trend::try_from(a.trend) {
            Ok(proto::Trend::Rising) => Trend::Rising,
            Ok(proto::Trend::Falling) => Trend::Falling,
            _ => Trend::Steady,
        },
        consecutive_negative: a.consecutive_negative,
        bot_fallback_streak: a.bot_fallback_streak,
        waited_ms: a.waited_ms,
        cues: a.cues.iter().filter_map(cue_from).collect(),
        language: Language {
            tag: a.language.clone(),
            low_reliability: a.low_reliability,
            intents_known: !a.low_reliability,
        },
        // The wire carries the risk and its drivers, not the raw features.
        features: RiskFeatures::default(),
        risk: Risk {
            value: a.escalation_risk,
            operating_point: 0.0,
            drivers: Vec::new(),
        },
    }
}

fn cue_from(cue: &proto::Cue) -> Option<Cue> {
    let kind = match proto::CueKind::try_from(cue.kind).ok()? {
        proto::CueKind::HumanRequest => CueKind::HumanRequest,
        proto::CueKind::ChannelRequest => CueKind::ChannelRequest,
        proto::CueKind::ConnectionTrouble => CueKind::ConnectionTrouble,
        proto::CueKind::Repetition => CueKind::Repetition,
        proto::CueKind::Complaint => CueKind::Complaint,
        proto::CueKind::Unspecified => return None,
    };
    let channel = crate::api::convert::channel_from(cue.channel);
    Some(Cue {
        kind,
        text: cue.text.clone(),
        channel,
        source: match proto::CueSource::try_from(cue.source) {
            Ok(proto::CueSource::Model) => CueSource::Model,
            _ => CueSource::Pattern,
        },
        confidence: cue.confidence,
    })
}
