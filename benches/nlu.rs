//! NLU latency on the real model: one ~15-token utterance on one thread (tokenize + queue +
//! infer), a burst of 32 concurrent utterances through the dynamic batcher, and 512 real customer
//! turns read after the bot's turn before them (`../shared/data/dialogues`, else the test
//! fixture), 32 at a time, with and without the second read for intents (`[nlu] reread_intents`).
//!
//! `cargo bench --bench nlu`

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use rapport::eval::SplitFilter;
use rapport::eval::dialogue::{Role, load_all};
use rapport::nlu::{BatchConfig, Nlu, NluConfig};

const UTTERANCE: &str = "I have been waiting for two weeks and my order still has not arrived";

fn nlu(threads: usize, max_wait_us: u64) -> Arc<Nlu> {
    nlu_with(threads, max_wait_us, true)
}

fn nlu_with(threads: usize, max_wait_us: u64, reread_intents: bool) -> Arc<Nlu> {
    let config = NluConfig {
        threads,
        batch: BatchConfig {
            max_wait_us,
            ..BatchConfig::default()
        },
        reread_intents,
        ..NluConfig::default()
    };
    Arc::new(Nlu::load(&config).expect("model loads"))
}

fn two_worker_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn single_utterance(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let nlu = nlu(1, 0);
    c.bench_function("score one utterance (1 thread)", |b| {
        b.iter(|| runtime.block_on(nlu.score(UTTERANCE, None)).unwrap())
    });
}

fn burst(c: &mut Criterion) {
    let runtime = two_worker_runtime();
    let nlu = nlu(2, 500);
    let mut group = c.benchmark_group("burst");
    group.throughput(criterion::Throughput::Elements(32));
    group.bench_function("32 concurrent utterances (batched, 2 threads)", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let tasks: Vec<_> = (0..32)
                    .map(|i| {
                        let nlu = nlu.clone();
                        tokio::spawn(async move {
                            nlu.score(&format!("{UTTERANCE} #{i}"), None).await.unwrap()
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        })
    });
    group.finish();
}

/// Up to `count` (bot turn, customer turn) pairs, spread over the dialogue files.
fn bot_and_customer_turns(count: usize) -> Vec<(String, String)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let shared =
        ["uss_sgd", "uss_mwoz"].map(|s| format!("{root}/../shared/data/dialogues/{s}.jsonl"));
    let files = if std::path::Path::new(&shared[0]).exists() {
        shared.to_vec()
    } else {
        vec![format!("{root}/tests/fixtures/dialogues.jsonl")]
    };
    let pairs: Vec<(String, String)> = load_all(&files, SplitFilter::All, None)
        .unwrap()
        .iter()
        .flat_map(|dialogue| {
            dialogue
                .turns
                .windows(2)
                .filter(|turns| turns[0].speaker == Role::Agent && turns[1].speaker == Role::User)
                .map(|turns| (turns[0].text.clone(), turns[1].text.clone()))
        })
        .collect();
    let step = (pairs.len() / count).max(1);
    pairs.into_iter().step_by(step).take(count).collect()
}

fn after_the_bot_turn(c: &mut Criterion) {
    let runtime = two_worker_runtime();
    let pairs = Arc::new(bot_and_customer_turns(512));
    let mut group = c.benchmark_group("after the bot's turn");
    group.throughput(criterion::Throughput::Elements(pairs.len() as u64));
    group.sample_size(10);
    for reread in [false, true] {
        let nlu = nlu_with(2, 500, reread);
        let name = format!(
            "{} real turns, 32 at a time, reread_intents={reread}",
            pairs.len()
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    use futures_util::StreamExt;
                    futures_util::stream::iter(pairs.iter())
                        .map(|(bot, customer)| nlu.score(customer, Some(bot)))
                        .buffer_unordered(32)
                        .for_each(|scored| async move {
                            scored.unwrap();
                        })
                        .await
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, single_utterance, burst, after_the_bot_turn);
criterion_main!(benches);
