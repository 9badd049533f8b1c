//! Conversation state and policy on arbitrary turn sequences never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport::conversation::{Channel, ConversationState, Speaker, StateConfig, TurnInput};
use rapport::nlu::{Scores, Sentiment};
use rapport::policy::{PolicyConfig, PolicyMemory, evaluate};

fuzz_target!(|turns: Vec<(u8, u8, u64, u8, String)>| {
    let (config, policy) = (StateConfig::default(), PolicyConfig::default());
    let mut state = ConversationState::new(Channel::Chat);
    let mut memory = PolicyMemory::default();
    for (id, speaker, at_ms, level, text) in turns {
        let turn = TurnInput {
            turn_id: id.to_string(),
            speaker: [Speaker::Customer, Speaker::Bot, Speaker::Agent][usize::from(speaker % 3)],
            text,
            channel: Channel::Chat,
            at_ms,
            intent_confidence: None,
            fallback: level % 2 == 0,
            available_channels: vec![Channel::Chat, Channel::Voice],
        };
        if state.has_seen(&turn.turn_id) {
            continue;
        }
        if turn.speaker == Speaker::Customer {
            let f = f32::from(level) / 255.0;
            let scores = Scores {
                sentiment: Sentiment {
                    negative: f,
                    neutral: 1.0 - f,
                    positive: 0.0,
                },
                top_emotions: Vec::new(),
                frustration: f,
            };
            let facts = state.apply_customer_turn(&turn, scores, &config);
            let _ = evaluate(&mut memory, &state, &facts, &policy, at_ms);
        } else {
            state.apply_reply_turn(&turn, &config);
        }
    }
});
