//! The pure part of a turn: state update (redaction, cues, repetition, smoothing) and the
//! policy decision, no model and no socket.
//!
//! `cargo bench --bench policy`

use criterion::{Criterion, criterion_group, criterion_main};
use rapport::conversation::{Channel, ConversationState, Speaker, StateConfig, TurnInput};
use rapport::nlu::{Scores, Sentiment};
use rapport::policy::{PolicyConfig, PolicyMemory, RiskModel, evaluate};

fn customer_turn(c: &mut Criterion) {
    let (state_config, policy) = (StateConfig::default(), PolicyConfig::default());
    let risk_file = concat!(env!("CARGO_MANIFEST_DIR"), "/models/rapport-nlu/risk.json");
    let risk = RiskModel::from_json(&std::fs::read_to_string(risk_file).unwrap()).unwrap();
    let texts = [
        "my order 5531 never arrived, email me at jane@example.com",
        "this is the third time I ask, where is it?",
        "you're breaking up, can you hear me",
        "I want to talk to a real person",
    ];
    c.bench_function("apply customer turn + evaluate policy", |b| {
        let mut state = ConversationState::new(Channel::Chat);
        let mut memory = PolicyMemory::default();
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            let turn = TurnInput {
                turn_id: n.to_string(),
                speaker: Speaker::Customer,
                text: texts[n as usize % texts.len()].into(),
                channel: Channel::Chat,
                at_ms: n * 1000,
                intent_confidence: None,
                fallback: false,
                available_channels: vec![Channel::Chat, Channel::Voice],
                language: None,
            };
            let frustration = (n % 10) as f32 / 10.0;
            let scores = Scores {
                sentiment: Sentiment {
                    negative: frustration,
                    neutral: 1.0 - frustration,
                    positive: 0.0,
                },
                top_emotions: Vec::new(),
                frustration,
                dissatisfaction: frustration,
                intents: Vec::new(),
            };
            let mut facts = state.apply_customer_turn(&turn, scores, &state_config);
            facts.risk = risk.assess(&facts.features);
            evaluate(&mut memory, &state, &facts, &policy, turn.at_ms)
        })
    });
}

criterion_group!(benches, customer_turn);
criterion_main!(benches);
