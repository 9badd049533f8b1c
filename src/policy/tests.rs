//! Scenario tests of the rules on real state transitions, no model and no socket.

use super::*;
use crate::conversation::{Channel, ConversationState, Speaker, StateConfig, TurnInput};
use crate::nlu::{Scores, Sentiment};

/// A small risk model: dissatisfaction (turn and smoothed), repetition and bot fallbacks.
fn risk_model() -> RiskModel {
    RiskModel::from_json(
        r#"{"version": "test", "bias": -4.0, "operating_point": 0.5, "terms": [
            {"feature": "dissatisfaction", "weight": 3.0, "mean": 0.1},
            {"feature": "dissatisfaction_smoothed", "weight": 3.0, "mean": 0.1},
            {"feature": "repeated", "weight": 1.5, "mean": 0.05},
            {"feature": "bot_fallback_streak", "weight": 1.0, "mean": 0.1}]}"#,
    )
    .unwrap()
}

struct Scenario {
    risk: RiskModel,
    language: Option<String>,
    state: ConversationState,
    memory: PolicyMemory,
    policy: PolicyConfig,
    channel: Channel,
    available: Vec<Channel>,
    clock_ms: u64,
    next_id: u32,
}

impl Scenario {
    fn on(channel: Channel, available: &[Channel]) -> Self {
        Self {
            risk: risk_model(),
            language: None,
            state: ConversationState::new(channel),
            memory: PolicyMemory::default(),
            policy: PolicyConfig::default(),
            channel,
            available: available.to_vec(),
            clock_ms: 0,
            next_id: 0,
        }
    }

    fn turn(&mut self, speaker: Speaker, text: &str, fallback: bool) -> TurnInput {
        self.clock_ms += 10_000;
        self.next_id += 1;
        TurnInput {
            turn_id: self.next_id.to_string(),
            speaker,
            text: text.into(),
            channel: self.channel,
            at_ms: self.clock_ms,
            intent_confidence: None,
            fallback,
            available_channels: self.available.clone(),
            language: self.language.clone(),
        }
    }

    /// A customer turn at the given level: frustration and dissatisfaction both; negative
    /// sentiment follows. The risk is assessed as the pipeline does.
    fn customer(&mut self, text: &str, frustration: f32) -> Vec<Decision> {
        let turn = self.turn(Speaker::Customer, text, false);
        let negative = if frustration >= 0.5 { 0.8 } else { 0.1 };
        let scores = Scores {
            sentiment: Sentiment {
                negative,
                neutral: 1.0 - negative,
                positive: 0.0,
            },
            top_emotions: Vec::new(),
            frustration,
            dissatisfaction: frustration,
            intents: Vec::new(),
        };
        let mut facts = self
            .state
            .apply_customer_turn(&turn, scores, &StateConfig::default());
        facts.risk = self.risk.assess(&facts.features);
        evaluate(
            &mut self.memory,
            &self.state,
            &facts,
            &self.policy,
            turn.at_ms,
        )
    }

    fn bot(&mut self, text: &str, fallback: bool) {
        let turn = self.turn(Speaker::Bot, text, fallback);
        self.state.apply_reply_turn(&turn, &StateConfig::default());
    }
}

fn rules(decisions: &[Decision]) -> Vec<&'static str> {
    decisions.iter().map(|d| d.rule_id).collect()
}

#[test]
fn an_explicit_request_for_a_person_escalates_at_once_and_only_once() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    let fired = chat.customer("let me talk to a human", 0.1);
    assert_eq!(rules(&fired), ["escalate.explicit-human-request"]);
    assert_eq!(fired[0].priority, Priority::High);
    assert_eq!(fired[0].reasons, [Reason::ExplicitHumanRequest]);
    assert!(
        fired[0].explanation.contains("\"talk to a human\""),
        "{}",
        fired[0].explanation
    );
    assert!(chat.customer("I said a real person!", 0.9).is_empty());
}

#[test]
fn the_risk_crossing_the_operating_point_escalates_and_names_its_drivers() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    assert!(chat.customer("my order is late", 0.3).is_empty());
    let fired = chat.customer("still waiting, nobody tells me anything", 0.8);
    assert_eq!(rules(&fired), ["escalate.risk"]);
    assert_eq!(fired[0].reasons[0], Reason::EscalationRisk);
    assert_eq!(fired[0].priority, Priority::Normal);
    assert!(
        fired[0].explanation.starts_with("Escalation risk 0.5")
            && fired[0].explanation.contains("driven by dissatisfaction"),
        "{}",
        fired[0].explanation
    );
}

#[test]
fn a_tenant_operating_point_replaces_the_models() {
    let mut strict = Scenario::on(Channel::Chat, &[Channel::Chat]);
    strict.policy.escalate_risk = Some(0.9);
    strict.customer("my order is late", 0.3);
    assert!(strict.customer("still waiting", 0.8).is_empty());
    let mut eager = Scenario::on(Channel::Chat, &[Channel::Chat]);
    eager.policy.escalate_risk = Some(0.05);
    assert_eq!(
        rules(&eager.customer("my order is late", 0.3)),
        ["escalate.risk"]
    );
}

#[test]
fn a_single_spike_alone_escalates_only_at_urgent_levels() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.policy.escalate_risk = Some(0.999);
    chat.customer("hi, a question about my bill", 0.05);
    chat.customer("that is not what I asked", 0.35);
    assert!(
        chat.customer("are you kidding me, this is wrong", 0.8)
            .is_empty(),
        "steep but not urgent"
    );
    let fired = chat.customer("THIS IS A DISGRACE", 0.97);
    assert_eq!(rules(&fired), ["escalate.urgent-spike"]);
    assert_eq!(fired[0].priority, Priority::Urgent);
}

#[test]
fn scores_in_a_language_the_model_was_not_trained_on_do_not_escalate_alone() {
    let mut german = Scenario::on(Channel::Chat, &[Channel::Chat]);
    german.language = Some("de".into());
    german.customer("Meine Bestellung ist wieder zu spät", 0.8);
    assert!(german.customer("Das ist eine Frechheit", 0.95).is_empty());
    let fired = german.customer("Ich möchte mit einem Mitarbeiter sprechen", 0.5);
    assert_eq!(rules(&fired), ["escalate.explicit-human-request"]);
}

#[test]
fn repetition_and_bot_fallbacks_drive_the_risk_and_show_in_the_reasons() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.customer("I need to change my delivery address", 0.3);
    chat.bot("Sorry, I didn't get that", true);
    chat.bot("Could you rephrase?", true);
    let fired = chat.customer("I need to change my delivery address!", 0.5);
    assert_eq!(rules(&fired), ["escalate.risk"]);
    assert!(
        fired[0].reasons.contains(&Reason::BotFallbackStreak),
        "{:?}",
        fired[0].reasons
    );
    assert!(
        fired[0].reasons.contains(&Reason::Repetition),
        "{:?}",
        fired[0].reasons
    );
}

#[test]
fn a_named_channel_is_proposed_only_when_available() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat, Channel::Callback]);
    let fired = chat.customer("can you just call me", 0.2);
    assert_eq!(rules(&fired), ["switch.channel-requested"]);
    assert_eq!(
        fired[0].target_channel,
        Some(Channel::Callback),
        "no voice queue: a callback"
    );

    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    assert!(
        chat.customer("text me instead", 0.2).is_empty(),
        "SMS is not available"
    );
}

#[test]
fn a_failing_voice_line_moves_to_text_keeping_the_conversation() {
    let mut voice = Scenario::on(
        Channel::Voice,
        &[Channel::Voice, Channel::Sms, Channel::Chat],
    );
    assert!(voice.customer("sorry, you're breaking up", 0.3).is_empty());
    let fired = voice.customer("hello? can you hear me?", 0.3);
    assert_eq!(rules(&fired), ["switch.connection-trouble"]);
    assert_eq!(fired[0].target_channel, Some(Channel::Chat));
    assert!(
        voice.customer("you're breaking up again", 0.3).is_empty(),
        "chat already proposed; SMS is in cooldown"
    );
}

#[test]
fn a_growing_complaint_on_chat_moves_to_voice_alongside_the_escalation() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat, Channel::Voice]);
    chat.customer("my package never arrived", 0.3);
    assert!(chat.customer("this is ridiculous", 0.6).is_empty());
    let fired = chat.customer("this is unacceptable, worst service ever", 0.95);
    assert_eq!(rules(&fired), ["escalate.risk", "switch.complaint-growing"]);
    assert_eq!(fired[1].target_channel, Some(Channel::Voice));
}

#[test]
fn the_cooldown_holds_back_score_driven_signals_but_not_explicit_requests() {
    let mut chat = Scenario::on(
        Channel::Chat,
        &[Channel::Chat, Channel::Email, Channel::Voice],
    );
    chat.policy.one_shot_escalation = false;
    assert_eq!(
        rules(&chat.customer("this is taking forever", 0.8)),
        ["escalate.risk"]
    );
    assert!(
        chat.customer("still nothing", 0.8).is_empty(),
        "within the cooldown"
    );
    assert_eq!(
        rules(&chat.customer("email me the details", 0.8)),
        ["switch.channel-requested"]
    );
}
