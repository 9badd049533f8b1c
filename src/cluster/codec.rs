//! The checkpoint of one conversation as stored in Redis: one version byte, then the
//! conversation's state and policy memory as MessagePack with field names
//! (`rmp-serde`, from the types' serde derives). Named fields mean a field added to
//! `ConversationState` or `PolicyMemory` is encoded without any change here, and a checkpoint
//! that lacks a field (written by an older build) is refused rather than misread; mark a new
//! field `#[serde(default)]` to keep older checkpoints loadable. Bump [`VERSION`] for a change
//! the field names cannot express (a changed meaning).

use std::collections::HashSet;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize};

use crate::conversation::ConversationState;
use crate::policy::PolicyMemory;

pub const VERSION: u8 = 1;

/// A decoded checkpoint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Checkpoint {
    pub state: ConversationState,
    pub policy: PolicyMemory,
}

#[derive(Serialize)]
struct CheckpointRef<'a> {
    state: &'a ConversationState,
    policy: &'a PolicyMemory,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DecodeError {
    #[error("checkpoint is empty")]
    Empty,
    #[error("checkpoint version {found}, this build reads {VERSION}")]
    Version { found: u8 },
    #[error("checkpoint does not decode: {0}")]
    Malformed(String),
}

pub fn encode(state: &ConversationState, policy: &PolicyMemory) -> Vec<u8> {
    let mut bytes = vec![VERSION];
    let value = CheckpointRef { state, policy };
    // Writing into a Vec cannot fail, and every field type serialises.
    rmp_serde::encode::write_named(&mut bytes, &value).expect("a checkpoint encodes");
    bytes
}

pub fn decode(bytes: &[u8]) -> Result<Checkpoint, DecodeError> {
    let (&version, body) = bytes.split_first().ok_or(DecodeError::Empty)?;
    if version != VERSION {
        return Err(DecodeError::Version { found: version });
    }
    rmp_serde::from_slice(body).map_err(|e| DecodeError::Malformed(e.to_string()))
}

/// Deserialises a name the code keeps as `&'static str` (a signal's rule id, a risk driver's
/// feature). They are a small fixed set, so each distinct one is leaked once; past
/// `MAX_NAMES` (a stream written by something else) they read as `unknown`.
pub fn interned<'de, D: Deserializer<'de>>(deserializer: D) -> Result<&'static str, D::Error> {
    const MAX_NAMES: usize = 256;
    static KNOWN: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let id = String::deserialize(deserializer)?;
    let mut known = KNOWN.lock().unwrap_or_else(|p| p.into_inner());
    let known = known.get_or_insert_with(HashSet::new);
    if let Some(&interned) = known.get(id.as_str()) {
        return Ok(interned);
    }
    if known.len() >= MAX_NAMES {
        return Ok("unknown");
    }
    let interned: &'static str = Box::leak(id.into_boxed_str());
    known.insert(interned);
    Ok(interned)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::conversation::{Channel, Risk, RiskDriver, Speaker, StateConfig, TurnInput};
    use crate::nlu::{IntentScore, Scores, Sentiment};
    use crate::policy::{Decision, Priority, Reason, SignalKind};
    use crate::signals::Signal;
    use crate::signals::signal::Origin;

    fn turn(id: &str, speaker: Speaker, text: &str, at_ms: u64) -> TurnInput {
        TurnInput {
            turn_id: id.into(),
            speaker,
            text: text.into(),
            channel: Channel::Chat,
            at_ms,
            intent_confidence: Some(0.1),
            fallback: speaker == Speaker::Bot,
            available_channels: vec![Channel::Chat, Channel::Voice],
            language: Some("en".into()),
        }
    }

    fn angry(frustration: f32) -> Scores {
        Scores {
            sentiment: Sentiment {
                negative: 0.9,
                neutral: 0.05,
                positive: 0.05,
            },
            top_emotions: Vec::new(),
            frustration,
            dissatisfaction: frustration - 0.1,
            intents: vec![IntentScore {
                intent: "person".into(),
                probability: 0.9,
                detected: true,
            }],
        }
    }

    /// A conversation whose every remembered field is away from its starting value.
    fn sample() -> (ConversationState, PolicyMemory, Signal) {
        let config = StateConfig::default();
        let mut state = ConversationState::new(Channel::Chat);
        state.apply_customer_turn(
            &turn(
                "1",
                Speaker::Customer,
                "card 4111 1111 1111 1111 charged twice, ridiculous",
                1_000,
            ),
            angry(0.3),
            &config,
        );
        state.apply_reply_turn(
            &turn("2", Speaker::Bot, "Sorry, I did not get that.", 2_000),
            &config,
        );
        state.apply_customer_turn(
            &turn(
                "3",
                Speaker::Customer,
                "hello? hello? can you hear me",
                3_000,
            ),
            angry(0.6),
            &config,
        );
        state.apply_customer_turn(
            &turn(
                "3b",
                Speaker::Customer,
                "hello? hello? can you hear me",
                3_500,
            ),
            angry(0.7),
            &config,
        );
        let mut facts = state.apply_customer_turn(
            &turn("4", Speaker::Customer, "let me talk to a human", 4_000),
            angry(0.9),
            &config,
        );
        facts.risk = Risk {
            value: 0.8,
            operating_point: 0.5,
            drivers: vec![RiskDriver {
                feature: "dissatisfaction_peak",
                value: 0.7,
                contribution: 1.2,
            }],
        };
        let policy = PolicyMemory {
            escalated: true,
            last_signal_ms: Some(4_000),
            switched_to: vec![Channel::Voice],
        };
        let decision = Decision {
            kind: SignalKind::Escalate,
            priority: Priority::High,
            reasons: vec![Reason::ExplicitHumanRequest],
            rule_id: "escalate.explicit-human-request",
            target_channel: None,
            explanation: "customer asked for a person".into(),
        };
        let origin = Origin {
            tenant_id: "acme",
            conversation_id: "c1",
            model_version: &Arc::from("m"),
            now_ms: 4_000,
        };
        let signal = Signal::new(decision, &origin, &state.snapshot(), &facts);
        (state, policy, signal)
    }

    #[test]
    fn the_sample_leaves_no_remembered_field_at_its_start() {
        // Serialised field by field: every field of the state as it is now, so a field added
        // later is covered by the round trip below only if the sample sets it.
        let (state, _, _) = sample();
        let fresh = serde_json::to_value(ConversationState::new(Channel::Chat)).unwrap();
        let now = serde_json::to_value(&state).unwrap();
        let unchanged: Vec<&String> = now
            .as_object()
            .unwrap()
            .iter()
            .filter(|(key, value)| fresh.get(key.as_str()) == Some(*value))
            .map(|(key, _)| key)
            .filter(|key| !["channel"].contains(&key.as_str()))
            .collect();
        assert!(
            unchanged.is_empty(),
            "fields the sample does not exercise: {unchanged:?}"
        );
    }

    #[test]
    fn round_trips_state_and_policy() {
        let (state, policy, _) = sample();
        let checkpoint = decode(&encode(&state, &policy)).unwrap();
        assert_eq!(checkpoint.state, state);
        for turn_id in ["1", "2", "3", "3b", "4"] {
            assert!(checkpoint.state.has_seen(turn_id), "turn {turn_id}");
        }
        assert!(!checkpoint.state.has_seen("5"));
        assert_eq!(checkpoint.state.turns(), 5);
        assert_eq!(checkpoint.policy, policy);
    }

    #[test]
    fn a_checkpoint_that_also_carries_its_last_signal_still_loads() {
        // Written by builds that kept the last signal in the checkpoint.
        #[derive(Serialize)]
        struct WithSignal<'a> {
            state: &'a ConversationState,
            policy: &'a PolicyMemory,
            last_signal: Option<&'a Signal>,
        }
        let (state, policy, signal) = sample();
        let mut bytes = vec![VERSION];
        let older = WithSignal {
            state: &state,
            policy: &policy,
            last_signal: Some(&signal),
        };
        rmp_serde::encode::write_named(&mut bytes, &older).unwrap();
        let checkpoint = decode(&bytes).unwrap();
        assert_eq!((checkpoint.state, checkpoint.policy), (state, policy));
    }

    #[test]
    fn refuses_another_version_an_empty_value_and_garbage() {
        let (state, policy, _) = sample();
        let mut bytes = encode(&state, &policy);
        bytes[0] = VERSION + 1;
        assert_eq!(
            decode(&bytes),
            Err(DecodeError::Version { found: VERSION + 1 })
        );
        assert_eq!(decode(&[]), Err(DecodeError::Empty));
        assert!(matches!(
            decode(&[VERSION, 0xc1, 0x00]),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn a_checkpoint_missing_a_field_is_refused_not_misread() {
        #[derive(Serialize)]
        struct Older<'a> {
            state: &'a ConversationState,
            last_signal: Option<&'a Signal>,
        }
        let (state, _, _) = sample();
        let mut bytes = vec![VERSION];
        rmp_serde::encode::write_named(
            &mut bytes,
            &Older {
                state: &state,
                last_signal: None,
            },
        )
        .unwrap();
        assert!(matches!(decode(&bytes), Err(DecodeError::Malformed(_))));
    }
}
