//! Scenario tests of the rules on real state transitions, no model and no socket.

use super::*;
use crate::conversation::{Channel, ConversationState, Speaker, StateConfig, TurnInput};
use crate::nlu::{Scores, Sentiment};

struct Scenario {
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
        }
    }

    /// A customer turn with the given frustration; negative sentiment follows frustration.
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
        };
        let facts = self
            .state
            .apply_customer_turn(&turn, scores, &StateConfig::default());
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
fn sustained_frustration_escalates_after_the_configured_turns_with_hysteresis() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.policy.sustained_turns = 3;
    assert!(chat.customer("my order is late", 0.7).is_empty());
    // Between exit (0.4) and enter (0.6): still hot.
    assert!(chat.customer("still waiting", 0.5).is_empty());
    assert!(chat.memory.hot);
    let fired = chat.customer("nobody tells me anything", 0.62);
    assert_eq!(rules(&fired), ["escalate.sustained-frustration"]);
    assert_eq!(fired[0].priority, Priority::Normal);
}

#[test]
fn cooling_below_the_exit_level_resets_the_hot_streak() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.policy.sustained_turns = 2;
    chat.customer("late again", 0.7);
    chat.customer("fine, thanks, that helps", 0.0);
    assert!(!chat.memory.hot);
    assert!(
        chat.customer("wait, it's wrong again", 0.8).is_empty(),
        "one hot turn is not sustained"
    );
}

#[test]
fn a_steep_rise_escalates_with_high_priority() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.policy.sustained_turns = 5;
    chat.customer("hi, a question about my bill", 0.05);
    chat.customer("that is not what I asked", 0.35);
    let fired = chat.customer("are you kidding me, this is wrong", 0.9);
    assert_eq!(rules(&fired), ["escalate.frustration-spike"]);
    assert_eq!(fired[0].priority, Priority::High);
}

#[test]
fn a_negative_repetition_or_a_bot_fallback_streak_escalates() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.policy.sustained_turns = 9;
    chat.customer("I need to change my delivery address", 0.3);
    chat.bot("Here are our opening hours", false);
    let fired = chat.customer("I need to change my delivery address!", 0.55);
    assert_eq!(fired[0].reasons, [Reason::Repetition]);

    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat]);
    chat.policy.sustained_turns = 9;
    chat.customer("refund for order 5531", 0.2);
    chat.bot("Sorry, I didn't get that", true);
    chat.bot("Could you rephrase?", true);
    let fired = chat.customer("why is this so hard", 0.55);
    assert_eq!(rules(&fired), ["escalate.bot-fallback-negative"]);
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
    let fired = voice.customer("hello? can you hear me?", 0.4);
    assert_eq!(rules(&fired), ["switch.connection-trouble"]);
    assert_eq!(fired[0].target_channel, Some(Channel::Chat));
    assert!(
        voice.customer("you're breaking up again", 0.4).is_empty(),
        "chat already proposed; SMS is in cooldown"
    );
}

#[test]
fn a_growing_complaint_on_chat_moves_to_voice_alongside_the_escalation() {
    let mut chat = Scenario::on(Channel::Chat, &[Channel::Chat, Channel::Voice]);
    chat.policy.sustained_turns = 1;
    chat.customer("my package never arrived", 0.3);
    assert!(chat.customer("this is ridiculous", 0.55).is_empty());
    let fired = chat.customer("this is unacceptable, worst service ever", 0.95);
    assert_eq!(
        rules(&fired),
        ["escalate.sustained-frustration", "switch.complaint-growing"]
    );
    assert_eq!(fired[1].target_channel, Some(Channel::Voice));
    assert_eq!(
        fired[0].priority,
        Priority::High,
        "sustained and spiking: two reasons"
    );
}

#[test]
fn the_cooldown_holds_back_score_driven_signals_but_not_explicit_requests() {
    let mut chat = Scenario::on(
        Channel::Chat,
        &[Channel::Chat, Channel::Email, Channel::Voice],
    );
    chat.policy.one_shot_escalation = false;
    chat.policy.sustained_turns = 1;
    assert_eq!(
        rules(&chat.customer("this is taking forever", 0.7)),
        ["escalate.sustained-frustration"]
    );
    assert!(
        chat.customer("still nothing", 0.7).is_empty(),
        "within the cooldown"
    );
    assert_eq!(
        rules(&chat.customer("email me the details", 0.7)),
        ["switch.channel-requested"]
    );
}
