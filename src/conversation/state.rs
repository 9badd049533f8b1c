//! Per-conversation state and its transitions.

use std::collections::VecDeque;

pub mod footprint;

use serde::Deserialize;

use super::cues::{Cue, CueKind, CueSource, combine};
use super::features::{Risk, RiskFeatures, capped};
use super::language::{Language, identify};
use super::redact::redact;
use super::repetition::{normalise, repeats};
use super::seen::SeenTurns;
use super::{Channel, RecordedTurn, Speaker, TurnInput};
use crate::nlu::{Scores, Sentiment};

/// How the state summarises a conversation.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StateConfig {
    /// Weight of the newest customer turn in the smoothed frustration (0..1].
    pub ewma_alpha: f32,
    /// Customer turns the frustration slope is fitted over.
    pub slope_window: usize,
    /// Slope per turn beyond which the trend is rising (or, negated, falling).
    pub trend_slope: f32,
    /// A turn is negative when its negative-sentiment probability reaches this.
    pub negative_sentiment: f32,
    /// Bot turns below this intent confidence count as fallbacks.
    pub low_intent_confidence: f32,
    /// Sørensen–Dice similarity at which a customer turn repeats an earlier one.
    pub repetition_similarity: f64,
    /// Earlier customer turns a new one is compared with.
    pub repetition_lookback: usize,
    /// Turns (all speakers) kept for the handoff.
    pub recent_turns: usize,
    /// Customer-turn scores kept for the emotion timeline.
    pub timeline_len: usize,
    /// Most turns (all speakers) one conversation may hold; further turns are refused with
    /// RESOURCE_EXHAUSTED. Bounds the resend detection, which remembers every turn id.
    pub max_turns: usize,
}

impl Default for StateConfig {
    fn default() -> Self {
        Self {
            ewma_alpha: 0.5,
            slope_window: 4,
            trend_slope: 0.05,
            negative_sentiment: 0.5,
            low_intent_confidence: 0.3,
            repetition_similarity: 0.8,
            repetition_lookback: 3,
            recent_turns: 12,
            timeline_len: 20,
            max_turns: 10_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Falling,
    Steady,
    Rising,
}

/// A customer turn's scores, for the emotion timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimelinePoint {
    pub turn_id: String,
    pub turn_frustration: f32,
    pub conversation_frustration: f32,
    pub sentiment: Sentiment,
    pub top_emotion: Option<std::sync::Arc<str>>,
}

/// What one customer turn did to the conversation: the input of the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnFacts {
    pub turn_id: String,
    pub scores: Scores,
    pub conversation_frustration: f32,
    pub slope: f32,
    pub trend: Trend,
    pub negative: bool,
    pub consecutive_negative: u32,
    pub bot_fallback_streak: u32,
    /// How long the customer had been waiting for an answer when they wrote this turn.
    pub waited_ms: u64,
    pub cues: Vec<Cue>,
    pub language: Language,
    /// What the risk model reads of the conversation now.
    pub features: RiskFeatures,
    /// The risk model's reading; filled in by the pipeline before the policy decides.
    pub risk: Risk,
}

impl TurnFacts {
    pub fn has_cue(&self, kind: CueKind) -> bool {
        self.cues.iter().any(|cue| cue.kind == kind)
    }
}

/// Everything rapport remembers of one conversation. Bounded: rings for history.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationState {
    pub channel: Channel,
    pub available_channels: Vec<Channel>,
    pub customer_turns: u32,
    pub frustration: f32,
    pub peak_frustration: f32,
    pub trend: Trend,
    pub slope: f32,
    pub consecutive_negative: u32,
    pub bot_fallback_streak: u32,
    pub repetitions: u32,
    pub connection_trouble: u32,
    pub complaints: u32,
    /// Smoothed, peak, previous and summed turn dissatisfaction.
    pub dissatisfaction: f32,
    pub peak_dissatisfaction: f32,
    pub last_dissatisfaction: f32,
    pub total_dissatisfaction: f32,
    /// Highest single-turn frustration.
    pub peak_turn_frustration: f32,
    /// The newest bot or agent turn, redacted: the context the next customer turn answers.
    pub last_reply: Option<String>,
    /// When the customer's oldest unanswered turn arrived.
    pub awaiting_reply_since_ms: Option<u64>,
    pub recent: VecDeque<RecordedTurn>,
    pub timeline: VecDeque<TimelinePoint>,
    pub bot_failures: VecDeque<String>,
    /// The customer's first message, redacted: what the conversation is about.
    pub opening: Option<String>,
    recent_customer_texts: VecDeque<String>,
    seen_turn_ids: SeenTurns,
}

impl ConversationState {
    pub fn new(channel: Channel) -> Self {
        Self {
            channel,
            available_channels: Vec::new(),
            customer_turns: 0,
            frustration: 0.0,
            peak_frustration: 0.0,
            trend: Trend::Steady,
            slope: 0.0,
            consecutive_negative: 0,
            bot_fallback_streak: 0,
            repetitions: 0,
            connection_trouble: 0,
            complaints: 0,
            dissatisfaction: 0.0,
            peak_dissatisfaction: 0.0,
            last_dissatisfaction: 0.0,
            total_dissatisfaction: 0.0,
            peak_turn_frustration: 0.0,
            last_reply: None,
            awaiting_reply_since_ms: None,
            recent: VecDeque::new(),
            timeline: VecDeque::new(),
            bot_failures: VecDeque::new(),
            opening: None,
            recent_customer_texts: VecDeque::new(),
            seen_turn_ids: SeenTurns::default(),
        }
    }

    /// Whether this turn id was already applied (a resend).
    pub fn has_seen(&self, turn_id: &str) -> bool {
        self.seen_turn_ids.contains(turn_id)
    }

    /// Turns applied so far (all speakers).
    pub fn turns(&self) -> usize {
        self.seen_turn_ids.count()
    }

    /// Applies a customer turn and its scores; returns the facts the policy decides on.
    pub fn apply_customer_turn(
        &mut self,
        turn: &TurnInput,
        scores: Scores,
        config: &StateConfig,
    ) -> TurnFacts {
        let text = self.record(turn, config);
        self.opening.get_or_insert_with(|| text.clone());
        let language = identify(&turn.text, turn.language.as_deref());
        let mut cues = combine(&text, &scores.intents, language.intents_known);
        let normalised = normalise(&text);
        let repeated = repeats(
            &normalised,
            self.recent_customer_texts.iter().map(String::as_str),
            config.repetition_similarity,
        );
        push_bounded(
            &mut self.recent_customer_texts,
            normalised,
            config.repetition_lookback,
        );
        if repeated {
            self.repetitions += 1;
            cues.push(Cue {
                kind: CueKind::Repetition,
                text: text.clone(),
                channel: None,
                source: CueSource::Pattern,
                confidence: 1.0,
            });
        }
        self.connection_trouble +=
            u32::from(cues.iter().any(|c| c.kind == CueKind::ConnectionTrouble));
        self.complaints += u32::from(cues.iter().any(|c| c.kind == CueKind::Complaint));

        let turn_frustration = scores.frustration;
        let turn_dissatisfaction = scores.dissatisfaction;
        let previous_dissatisfaction = self.last_dissatisfaction;
        let smooth = |level: f32, value: f32, first: bool| {
            if first {
                value
            } else {
                config.ewma_alpha * value + (1.0 - config.ewma_alpha) * level
            }
        };
        let first = self.customer_turns == 0;
        self.frustration = smooth(self.frustration, turn_frustration, first);
        self.dissatisfaction = smooth(self.dissatisfaction, turn_dissatisfaction, first);
        self.peak_dissatisfaction = self.peak_dissatisfaction.max(turn_dissatisfaction);
        self.peak_turn_frustration = self.peak_turn_frustration.max(turn_frustration);
        self.last_dissatisfaction = turn_dissatisfaction;
        self.total_dissatisfaction += turn_dissatisfaction;
        self.customer_turns += 1;
        self.peak_frustration = self.peak_frustration.max(self.frustration);

        let negative = scores.sentiment.negative >= config.negative_sentiment;
        self.consecutive_negative = if negative {
            self.consecutive_negative + 1
        } else {
            0
        };

        let waited_ms = self
            .awaiting_reply_since_ms
            .map_or(0, |since| turn.at_ms.saturating_sub(since));
        self.awaiting_reply_since_ms.get_or_insert(turn.at_ms);

        push_bounded(
            &mut self.timeline,
            TimelinePoint {
                turn_id: turn.turn_id.clone(),
                turn_frustration,
                conversation_frustration: self.frustration,
                sentiment: scores.sentiment,
                top_emotion: scores.top_emotions.first().map(|e| e.label.clone()),
            },
            config.timeline_len,
        );
        self.slope = slope(
            self.timeline
                .iter()
                .rev()
                .take(config.slope_window.max(2))
                .rev()
                .map(|p| p.turn_frustration),
        );
        self.trend = match self.slope {
            s if s > config.trend_slope => Trend::Rising,
            s if s < -config.trend_slope => Trend::Falling,
            _ => Trend::Steady,
        };

        let strongest = |kind: CueKind| {
            cues.iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.confidence)
                .fold(0.0_f32, f32::max)
        };
        let features = RiskFeatures {
            dissatisfaction: turn_dissatisfaction,
            dissatisfaction_smoothed: self.dissatisfaction,
            dissatisfaction_peak: self.peak_dissatisfaction,
            dissatisfaction_previous: previous_dissatisfaction,
            dissatisfaction_total: self.total_dissatisfaction.ln_1p(),
            frustration: turn_frustration,
            frustration_smoothed: self.frustration,
            frustration_peak: self.peak_turn_frustration,
            frustration_slope: self.slope,
            negative_sentiment: scores.sentiment.negative,
            consecutive_negative: capped(self.consecutive_negative),
            bot_fallback_streak: capped(self.bot_fallback_streak),
            repeated: f32::from(u8::from(repeated)),
            repetitions: capped(self.repetitions),
            person_request: strongest(CueKind::HumanRequest),
            complaint: strongest(CueKind::Complaint),
            turn_position: (self.customer_turns as f32).ln_1p(),
            waited: (waited_ms as f32 / 1000.0).ln_1p(),
        };

        TurnFacts {
            turn_id: turn.turn_id.clone(),
            scores,
            conversation_frustration: self.frustration,
            slope: self.slope,
            trend: self.trend,
            negative,
            consecutive_negative: self.consecutive_negative,
            bot_fallback_streak: self.bot_fallback_streak,
            waited_ms,
            cues,
            language,
            features,
            risk: Risk::default(),
        }
    }

    /// Applies a bot or agent turn: answers the customer, tracks the bot's fallbacks.
    pub fn apply_reply_turn(&mut self, turn: &TurnInput, config: &StateConfig) {
        let text = self.record(turn, config);
        self.awaiting_reply_since_ms = None;
        self.last_reply = Some(text.clone());
        match turn.speaker {
            Speaker::Bot if is_fallback(turn, config) => {
                self.bot_fallback_streak += 1;
                push_bounded(&mut self.bot_failures, text, config.recent_turns);
            }
            _ => self.bot_fallback_streak = 0,
        }
    }

    /// How long the customer's last turn has waited for an answer at `now_ms`.
    pub fn waiting_ms(&self, now_ms: u64) -> u64 {
        self.awaiting_reply_since_ms
            .map_or(0, |since| now_ms.saturating_sub(since))
    }

    /// Customer turn ids in the timeline, oldest first, at most `n` of the newest.
    pub fn recent_customer_turn_ids(&self, n: usize) -> Vec<String> {
        let skip = self.timeline.len().saturating_sub(n);
        self.timeline
            .iter()
            .skip(skip)
            .map(|p| p.turn_id.clone())
            .collect()
    }

    /// Common bookkeeping of every turn; returns its redacted text.
    fn record(&mut self, turn: &TurnInput, config: &StateConfig) -> String {
        let text = redact(&turn.text).into_owned();
        self.channel = turn.channel;
        if !turn.available_channels.is_empty() {
            self.available_channels.clone_from(&turn.available_channels);
        }
        self.seen_turn_ids.insert(&turn.turn_id);
        push_bounded(
            &mut self.recent,
            RecordedTurn {
                turn_id: turn.turn_id.clone(),
                speaker: turn.speaker,
                text: text.clone(),
                channel: turn.channel,
                at_ms: turn.at_ms,
                bot_fallback: turn.speaker == Speaker::Bot && is_fallback(turn, config),
            },
            config.recent_turns,
        );
        text
    }
}

fn is_fallback(turn: &TurnInput, config: &StateConfig) -> bool {
    turn.fallback
        || turn
            .intent_confidence
            .is_some_and(|c| c < config.low_intent_confidence)
}

fn push_bounded<T>(ring: &mut VecDeque<T>, item: T, capacity: usize) {
    if capacity == 0 {
        return;
    }
    while ring.len() >= capacity {
        ring.pop_front();
    }
    ring.push_back(item);
}

/// Least-squares slope of the values against their index; 0 for fewer than two.
fn slope(values: impl Iterator<Item = f32>) -> f32 {
    let values: Vec<f32> = values.collect();
    let n = values.len() as f32;
    if values.len() < 2 {
        return 0.0;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f32>() / n;
    let (mut cov, mut var) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f32 - mean_x;
        cov += dx * (y - mean_y);
        var += dx * dx;
    }
    cov / var
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(id: &str, speaker: Speaker, text: &str, at_ms: u64) -> TurnInput {
        TurnInput {
            turn_id: id.into(),
            speaker,
            text: text.into(),
            channel: Channel::Chat,
            at_ms,
            intent_confidence: None,
            fallback: false,
            available_channels: vec![Channel::Chat, Channel::Voice],
            language: None,
        }
    }

    fn scores(frustration: f32, negative: f32) -> Scores {
        Scores {
            sentiment: Sentiment {
                negative,
                neutral: 1.0 - negative,
                positive: 0.0,
            },
            top_emotions: Vec::new(),
            frustration,
            dissatisfaction: frustration,
            intents: Vec::new(),
        }
    }

    #[test]
    fn smooths_frustration_and_tracks_peak_trend_and_negative_streak() {
        let config = StateConfig::default();
        let mut state = ConversationState::new(Channel::Chat);
        let a = state.apply_customer_turn(
            &turn("1", Speaker::Customer, "where is my order", 0),
            scores(0.2, 0.1),
            &config,
        );
        assert_eq!(a.conversation_frustration, 0.2);
        assert_eq!(a.trend, Trend::Steady);
        let b = state.apply_customer_turn(
            &turn("2", Speaker::Customer, "it is late again", 1),
            scores(0.6, 0.7),
            &config,
        );
        assert!((b.conversation_frustration - 0.4).abs() < 1e-6);
        let c = state.apply_customer_turn(
            &turn("3", Speaker::Customer, "this is so annoying", 2),
            scores(0.9, 0.9),
            &config,
        );
        assert_eq!(c.trend, Trend::Rising);
        assert!(c.slope > 0.3);
        assert_eq!(c.consecutive_negative, 2);
        let d = state.apply_customer_turn(
            &turn("4", Speaker::Customer, "ok thanks", 3),
            scores(0.0, 0.0),
            &config,
        );
        assert_eq!(d.consecutive_negative, 0);
        assert!((state.peak_frustration - 0.65).abs() < 1e-6);
    }

    #[test]
    fn counts_bot_fallbacks_until_the_bot_understands() {
        let config = StateConfig::default();
        let mut state = ConversationState::new(Channel::Chat);
        let mut miss = turn("b1", Speaker::Bot, "Sorry, I didn't get that", 0);
        miss.fallback = true;
        state.apply_reply_turn(&miss, &config);
        let mut unsure = turn("b2", Speaker::Bot, "Did you mean billing?", 1);
        unsure.intent_confidence = Some(0.1);
        state.apply_reply_turn(&unsure, &config);
        assert_eq!(state.bot_fallback_streak, 2);
        assert_eq!(state.bot_failures.len(), 2);
        state.apply_reply_turn(
            &turn("b3", Speaker::Bot, "Here is your invoice", 2),
            &config,
        );
        assert_eq!(state.bot_fallback_streak, 0);
    }

    #[test]
    fn measures_waiting_and_spots_repetition() {
        let config = StateConfig::default();
        let mut state = ConversationState::new(Channel::Chat);
        state.apply_customer_turn(
            &turn("1", Speaker::Customer, "I need to cancel my booking", 1_000),
            scores(0.1, 0.1),
            &config,
        );
        let again = state.apply_customer_turn(
            &turn(
                "2",
                Speaker::Customer,
                "i need to cancel my booking!!",
                31_000,
            ),
            scores(0.3, 0.6),
            &config,
        );
        assert_eq!(again.waited_ms, 30_000);
        assert!(again.has_cue(CueKind::Repetition));
        state.apply_reply_turn(&turn("3", Speaker::Agent, "Let me help", 32_000), &config);
        assert_eq!(state.waiting_ms(40_000), 0);
    }

    #[test]
    fn keeps_only_redacted_text_and_bounded_history() {
        let config = StateConfig {
            recent_turns: 2,
            ..StateConfig::default()
        };
        let mut state = ConversationState::new(Channel::Chat);
        for (i, text) in ["hi", "mail me at a@b.com", "my card is 4111 1111 1111 1111"]
            .iter()
            .enumerate()
        {
            state.apply_customer_turn(
                &turn(&i.to_string(), Speaker::Customer, text, i as u64),
                scores(0.1, 0.1),
                &config,
            );
        }
        let texts: Vec<&str> = state.recent.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["mail me at [EMAIL]", "my card is [CARD]"]);
        assert!(state.has_seen("0") && !state.has_seen("9"));
    }
}
