//! NLU latency on the real model: one ~15-token utterance on one thread (tokenize + queue +
//! infer), and a burst of 32 concurrent utterances through the dynamic batcher.
//!
//! `cargo bench --bench nlu`

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use rapport::nlu::{BatchConfig, Nlu, NluConfig};

const UTTERANCE: &str = "I have been waiting for two weeks and my order still has not arrived";

fn nlu(threads: usize, max_wait_us: u64) -> Arc<Nlu> {
    let config = NluConfig {
        threads,
        batch: BatchConfig {
            max_wait_us,
            ..BatchConfig::default()
        },
        ..NluConfig::default()
    };
    Arc::new(Nlu::load(&config).expect("model loads"))
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
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

criterion_group!(benches, single_utterance, burst);
criterion_main!(benches);
