//! The pure part of a turn: state update (redaction, cues, repetition, smoothing) and the
//! policy decision, no model and no socket; and the cue patterns alone over every line of the
//! writers' unseen rounds (`models/intent_phrasings/next/`), five languages, typed and spoken.
//!
//! `cargo bench --bench policy`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rapport::conversation::{
    Channel, ConversationState, Speaker, StateConfig, TurnInput, detect_cues,
};
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

/// Every phrasing of the writers' rounds kept in `next/` (the text after `codes | `).
fn writers_phrasings() -> Vec<String> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/models/intent_phrasings/next");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|file| {
            std::fs::read_to_string(file)
                .unwrap()
                .lines()
                .filter(|line| !line.starts_with('#'))
                .filter_map(|line| {
                    line.split_once('|')
                        .map(|(_, text)| text.trim().to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn cue_patterns(c: &mut Criterion) {
    let texts = writers_phrasings();
    let mut group = c.benchmark_group("cue patterns");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("writers' phrasings, every round in next/", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|text| detect_cues(text).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, customer_turn, cue_patterns);
criterion_main!(benches);
