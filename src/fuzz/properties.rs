//! The properties and their input strategies: wire bytes → domain conversion never panics;
//! conversation state and policy on random turn sequences never panic and keep their
//! invariants; redaction never leaves a Luhn-valid 13–19 digit number, a valid IBAN or an
//! e-mail, in its own output nor in the signals and handoffs built from state.

use std::collections::HashSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::TestCaseResult;
use prost::Message;
use regex::Regex;

use crate::api::convert;
use crate::conversation::luhn;
use crate::conversation::{Channel, ConversationState, Speaker, StateConfig, TurnInput, redact};
use crate::nlu::{EmotionScore, Scores, Sentiment};
use crate::policy::{PolicyConfig, PolicyMemory, SignalKind, evaluate};
use crate::proto;
use crate::signals::Signal;
use crate::signals::signal::Origin;

// ---------------------------------------------------------------- text with personal data

/// A Luhn-valid number of 13–19 digits.
fn card() -> impl Strategy<Value = String> {
    prop::collection::vec(0u8..10, 12..19).prop_map(|mut digits| {
        let check = (0..10u8)
            .find(|&d| {
                let mut all: Vec<u8> = digits.iter().map(|d| b'0' + d).collect();
                all.push(b'0' + d);
                luhn(&all)
            })
            .expect("one check digit fits");
        digits.push(check);
        digits.iter().map(|d| char::from(b'0' + d)).collect()
    })
}

/// `digits` typed the ways people type them: grouped with any separator, or in full width.
fn typed(digits: String) -> impl Strategy<Value = String> {
    (
        1usize..6,
        prop::sample::select(vec![
            " ", "-", "–", "—", "_", ".", "/", "", "  ", "\u{200B}", " - ",
        ]),
        any::<bool>(),
    )
        .prop_map(move |(group, separator, full_width)| {
            let chars: Vec<char> = digits.chars().collect();
            let grouped = chars
                .chunks(group.max(3))
                .map(|chunk| chunk.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(separator);
            if full_width {
                grouped
                    .chars()
                    .map(|c| match c.to_digit(10) {
                        Some(d) => char::from_u32(0xFF10 + d).unwrap(),
                        None => c,
                    })
                    .collect()
            } else {
                grouped
            }
        })
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9._+-]{0,10}",
        "[a-z][a-z0-9-]{0,8}",
        "(com|org|co\\.uk|de|io)",
    )
        .prop_map(|(user, domain, tld)| format!("{user}@{domain}.{tld}"))
}

/// IBAN countries and lengths the generator draws from (a few of the SWIFT registry's).
const IBAN_COUNTRIES: &[(&str, usize)] =
    &[("GB", 22), ("DE", 22), ("FR", 27), ("NL", 18), ("NO", 15)];

/// The IBAN remainder mod 97 of `chars` (ASCII digits and upper-case letters) read in order.
fn mod97(chars: impl Iterator<Item = char>) -> u32 {
    chars.fold(0, |remainder, c| {
        let value = c.to_digit(36).expect("digits and letters");
        let width = if value >= 10 { 100 } else { 10 };
        (remainder * width + value) % 97
    })
}

/// A valid IBAN (mod-97 check digits), compact or in groups of four.
fn iban() -> impl Strategy<Value = String> {
    (
        prop::sample::select(IBAN_COUNTRIES),
        any::<bool>(),
        "[0-9A-Z]{30}",
    )
        .prop_map(|((country, length), grouped, pool)| {
            let bban: String = pool.chars().take(length - 4).collect();
            let remainder = mod97(bban.chars().chain(country.chars()).chain("00".chars()));
            let compact = format!("{country}{:02}{bban}", 98 - remainder);
            if grouped {
                let chars: Vec<char> = compact.chars().collect();
                let groups: Vec<String> = chars.chunks(4).map(|g| g.iter().collect()).collect();
                groups.join(" ")
            } else {
                compact
            }
        })
}

/// A piece of a sentence: words, numbers, separators, cards, IBANs, e-mails, arbitrary
/// characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "my", "card", "is", "cvv", "password", "call", "me", "order", "at", "street", "name",
            "Jane", "thanks", "IBAN", "+44", "(555)", "@", ".", ",", "  ", "-", "–",
        ])
        .prop_map(String::from),
        "[0-9]{1,6}",
        "[0-9 \\-._/]{1,12}",
        card().prop_flat_map(typed),
        iban(),
        email(),
        ".{0,6}",
    ]
}

pub fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec((piece(), prop::sample::select(vec!["", " "])), 0..12)
        .prop_map(|pieces| pieces.into_iter().map(|(p, gap)| p + gap).collect())
}

static DIGIT_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[ \-._/]{0,3}\d)*").unwrap());
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").unwrap()
});

/// A Luhn-valid 13–19 digit number left in `text`, as whole digit groups of a run.
fn leaked_card(text: &str) -> Option<String> {
    for run in DIGIT_RUN.find_iter(text) {
        let groups: Vec<&str> = run
            .as_str()
            .split(|c: char| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .collect();
        for i in 0..groups.len() {
            let mut digits = String::new();
            for group in &groups[i..] {
                digits.push_str(group);
                if (13..=19).contains(&digits.len()) && luhn(digits.as_bytes()) {
                    return Some(digits);
                }
            }
        }
    }
    None
}

static IBAN_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Z]{2}\d{2}").unwrap());

/// A valid IBAN of one of the generator's countries left in `text`, not straight after a letter
/// or digit, its characters compact or in groups split by single spaces.
fn leaked_iban(text: &str) -> Option<String> {
    for start in IBAN_START.find_iter(text) {
        if text[..start.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let Some(&(_, length)) = IBAN_COUNTRIES
            .iter()
            .find(|(country, _)| text[start.start()..].starts_with(country))
        else {
            continue;
        };
        let mut compact = String::new();
        let mut after_space = false;
        for c in text[start.start()..].chars() {
            match c {
                ' ' if !after_space => after_space = true,
                c if c.is_ascii_digit() || c.is_ascii_uppercase() => {
                    after_space = false;
                    compact.push(c);
                    if compact.len() == length {
                        break;
                    }
                }
                _ => break,
            }
        }
        if compact.len() == length && mod97(compact[4..].chars().chain(compact[..4].chars())) == 1 {
            return Some(compact);
        }
    }
    None
}

fn leak(text: &str) -> Option<String> {
    leaked_card(text)
        .or_else(|| leaked_iban(text))
        .or_else(|| EMAIL.find(text).map(|m| m.as_str().to_string()))
}

pub fn no_card_number_iban_or_email_survives(text: String) -> TestCaseResult {
    let redacted = redact(&text);
    prop_assert!(
        leak(&redacted).is_none(),
        "{text:?} → {redacted:?}: {:?}",
        leak(&redacted)
    );
    Ok(())
}

pub fn any_text() -> impl Strategy<Value = String> {
    ".{0,200}"
}

pub fn redaction_does_not_panic(text: String) -> TestCaseResult {
    let _ = redact(&text);
    Ok(())
}

// ---------------------------------------------------------------- wire bytes → domain

pub fn turn_message() -> impl Strategy<Value = proto::Turn> {
    (
        ".{0,12}",
        ".{0,12}",
        ".{0,12}",
        any::<i32>(),
        ".{0,40}",
        any::<i32>(),
        prop::option::of((any::<i64>(), any::<i32>())),
        prop::option::of((prop::option::of(any::<f32>()), any::<bool>())),
        prop::collection::vec(any::<i32>(), 0..4),
    )
        .prop_map(
            |(tenant, conversation, turn, speaker, text, channel, sent_at, metadata, available)| {
                proto::Turn {
                    tenant_id: tenant,
                    conversation_id: conversation,
                    turn_id: turn,
                    speaker,
                    text,
                    channel,
                    sent_at: sent_at
                        .map(|(seconds, nanos)| prost_types::Timestamp { seconds, nanos }),
                    language: String::new(),
                    metadata: metadata.map(|(intent_confidence, fallback)| proto::TurnMetadata {
                        intent_confidence,
                        fallback,
                    }),
                    available_channels: available,
                }
            },
        )
}

pub fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..256)
}

pub fn bytes_decode_and_convert_without_panicking(bytes: Vec<u8>) -> TestCaseResult {
    if let Ok(request) = proto::ConverseRequest::decode(bytes.as_slice())
        && let Some(proto::converse_request::Kind::Turn(turn)) = request.kind
    {
        let _ = convert::turn(turn);
    }
    Ok(())
}

pub fn turn_converts_or_is_refused(turn: proto::Turn) -> TestCaseResult {
    // Through the wire too, so decoding sees every field.
    let bytes = proto::ConverseRequest {
        kind: Some(proto::converse_request::Kind::Turn(turn)),
    }
    .encode_to_vec();
    let Some(proto::converse_request::Kind::Turn(turn)) =
        proto::ConverseRequest::decode(bytes.as_slice())
            .unwrap()
            .kind
    else {
        panic!("a turn decodes as a turn");
    };
    let sent_at = turn.sent_at;
    if let Ok((_, input)) = convert::turn(turn)
        && let Some(ts) = sent_at
    {
        prop_assert!((0..1_000_000_000).contains(&ts.nanos) && ts.seconds >= 0);
        prop_assert_eq!(
            input.at_ms,
            ts.seconds as u64 * 1000 + ts.nanos as u64 / 1_000_000
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- state and policy

#[derive(Debug, Clone)]
pub struct RandomTurn {
    id: u8,
    speaker: Speaker,
    text: String,
    at_ms: u64,
    frustration: f32,
    negative: f32,
    fallback: bool,
    intent_confidence: Option<f32>,
    channel: Channel,
}

fn random_turn() -> impl Strategy<Value = RandomTurn> {
    (
        0u8..40,
        prop::sample::select(vec![
            Speaker::Customer,
            Speaker::Customer,
            Speaker::Bot,
            Speaker::Agent,
        ]),
        sentence(),
        prop_oneof![0u64..10_000_000, any::<u64>()],
        0f32..=1.0,
        0f32..=1.0,
        any::<bool>(),
        prop::option::of(0f32..=1.0),
        prop::sample::select(vec![
            Channel::Chat,
            Channel::Voice,
            Channel::Sms,
            Channel::Video,
        ]),
    )
        .prop_map(
            |(
                id,
                speaker,
                text,
                at_ms,
                frustration,
                negative,
                fallback,
                intent_confidence,
                channel,
            )| {
                RandomTurn {
                    id,
                    speaker,
                    text,
                    at_ms,
                    frustration,
                    negative,
                    fallback,
                    intent_confidence,
                    channel,
                }
            },
        )
}

pub fn turn_sequence() -> impl Strategy<Value = Vec<RandomTurn>> {
    prop::collection::vec(random_turn(), 0..60)
}

pub fn state_and_policy_keep_their_invariants(turns: Vec<RandomTurn>) -> TestCaseResult {
    let config = StateConfig::default();
    let policy = PolicyConfig::default();
    let mut state = ConversationState::new(Channel::Chat);
    let mut memory = PolicyMemory::default();
    let mut applied = HashSet::new();
    let mut customer_turns = 0u32;
    let mut escalations = 0;
    let model_version: std::sync::Arc<str> = "m".into();
    for t in turns {
        let turn_id = t.id.to_string();
        let input = TurnInput {
            turn_id: turn_id.clone(),
            speaker: t.speaker,
            text: t.text,
            channel: t.channel,
            at_ms: t.at_ms,
            intent_confidence: t.intent_confidence,
            fallback: t.fallback,
            available_channels: vec![Channel::Chat, Channel::Voice, Channel::Sms],
            language: None,
        };
        // Resends are recognised exactly, however long ago the turn was applied.
        prop_assert_eq!(state.has_seen(&turn_id), applied.contains(&turn_id));
        if state.has_seen(&turn_id) {
            continue;
        }
        applied.insert(turn_id);
        if t.speaker == Speaker::Customer {
            let scores = Scores {
                sentiment: Sentiment {
                    negative: t.negative,
                    neutral: 1.0 - t.negative,
                    positive: 0.0,
                },
                top_emotions: vec![EmotionScore {
                    label: "anger".into(),
                    score: t.frustration,
                }],
                frustration: t.frustration,
                dissatisfaction: t.frustration,
                intents: Vec::new(),
            };
            let mut facts = state.apply_customer_turn(&input, scores, &config);
            facts.risk.value = t.frustration;
            facts.risk.operating_point = 0.5;
            customer_turns += 1;
            prop_assert!(facts.slope.is_finite());
            prop_assert!(facts.consecutive_negative <= customer_turns);
            let decisions = evaluate(&mut memory, &state, &facts, &policy, t.at_ms);
            let origin = Origin {
                tenant_id: "t",
                conversation_id: "c",
                model_version: &model_version,
                now_ms: t.at_ms,
            };
            for decision in decisions {
                escalations += usize::from(decision.kind == SignalKind::Escalate);
                let signal = Signal::new(decision, &origin, &state.snapshot(), &facts);
                let handoff = &signal.handoff;
                let texts = handoff
                    .recent_turns
                    .iter()
                    .map(|t| &*t.text)
                    .chain(handoff.bot_failed_attempts.iter().map(|t| &**t))
                    .chain(signal.evidence.cues.iter().map(|c| c.text.as_str()))
                    .chain([handoff.summary.as_str(), signal.explanation.as_str()]);
                for text in texts {
                    prop_assert!(leak(text).is_none(), "signal leaks {:?}", leak(text));
                }
            }
        } else {
            state.apply_reply_turn(&input, &config);
        }
        prop_assert_eq!(state.customer_turns, customer_turns);
        prop_assert!((0.0..=1.0).contains(&state.frustration));
        prop_assert!(state.peak_frustration >= state.frustration);
        prop_assert!(state.recent.len() <= config.recent_turns);
        prop_assert!(state.timeline.len() <= config.timeline_len);
        prop_assert!(state.bot_failures.len() <= config.recent_turns);
        prop_assert_eq!(state.turns(), applied.len());
        for recorded in &state.recent {
            prop_assert!(leak(&recorded.text).is_none(), "kept {:?}", recorded.text);
        }
    }
    if policy.one_shot_escalation {
        prop_assert!(escalations <= 1, "{escalations} escalations");
    }
    Ok(())
}
