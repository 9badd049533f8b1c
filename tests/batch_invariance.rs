//! An utterance's scores do not depend on what it is batched with: the shipped graph's int8
//! activation ranges are fixed (models/static_quant.py), not measured per batch, so a
//! conversation's escalation cannot move with other customers' traffic.

use rapport::config::Config;
use rapport::nlu::{Scores, load_parts};

const TURN: (&str, Option<&str>) = (
    "this is the third time I ask, you are useless",
    Some("Sorry, I didn't get that. Could you rephrase?"),
);

const NEIGHBOURS: [(&str, Option<&str>); 4] = [
    (
        "My order never arrived and I've been waiting for three weeks now, the tracking page says \
         delivered but nothing is at my door and nobody answers the phone when I call the shop",
        Some("Hi, how can I help?"),
    ),
    ("ok", None),
    (
        "thanks!! that was really helpful, have a great day",
        Some("Anything else?"),
    ),
    (
        "I'd like to book a table for two at 7pm tonight at an italian place downtown",
        Some("What can I help you with?"),
    ),
];

fn flat(scores: &Scores) -> Vec<f32> {
    let mut values = vec![
        scores.sentiment.negative,
        scores.sentiment.neutral,
        scores.sentiment.positive,
        scores.frustration,
        scores.dissatisfaction,
    ];
    values.extend(scores.top_emotions.iter().map(|e| e.score));
    values.extend(scores.intents.iter().map(|i| i.probability));
    values
}

#[test]
fn a_turn_scores_the_same_alone_and_in_any_batch() {
    let (encoder, mut model, _) = load_parts(&Config::default().nlu).expect("the model loads");
    let encode = |(text, context): (&str, Option<&str>)| encoder.encode(text, context).unwrap();
    let turn = encode(TURN);
    let alone = flat(&model.infer(&[&turn]).unwrap()[0]);
    let neighbours: Vec<_> = NEIGHBOURS.into_iter().map(encode).collect();
    for n in 1..=neighbours.len() {
        let mut batch = vec![&turn];
        batch.extend(&neighbours[..n]);
        let batched = flat(&model.infer(&batch).unwrap()[0]);
        assert_eq!(alone.len(), batched.len());
        for (a, b) in alone.iter().zip(&batched) {
            assert!(
                (a - b).abs() < 1e-4,
                "batched with {n} other turn(s): {alone:?} vs {batched:?}"
            );
        }
    }
}
