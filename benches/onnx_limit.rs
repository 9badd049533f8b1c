//! The ceiling for the load benchmarks: the crate's own model session, tokenizer and ONNX
//! Runtime setup (`rapport::nlu::load_parts`, the same threads as `rapport serve`), no gRPC and
//! no server.
//!
//! 1. The model directly: the corpus tokenized once, then batches run flat out, rows
//!    interleaved in short slices so a slow spell of a shared machine lands on every row alike:
//!    * **naive**: `--batch` utterances drawn at random, padded to their longest: a batcher that
//!      takes arrival order;
//!    * **length-sorted**: 4 × `--batch` drawn at random, sorted by length, cut into batches of
//!      `--batch`: what grouping by length can reach;
//!    * batch 1 (the floor of a lone turn's latency), batch 8, tokenization alone, and tokenize +
//!      infer on one thread.
//! 2. The crate's own NLU (`rapport::nlu::Nlu`: tokenize on the caller, bounded queue, batcher,
//!    one inference thread) with `--concurrency` requests in flight.
//!
//! ```sh
//! cargo bench --bench onnx_limit                        # both, 10 s a row, benches/corpus.txt
//! cargo bench --bench onnx_limit -- --corpus target/bench/corpus-real.txt --seconds 5
//! cargo bench --bench onnx_limit -- --quick --seconds 3   # only the naive and sorted rows
//! cargo bench --bench onnx_limit -- --cost --corpus target/bench/corpus-real.txt
//! cargo bench --bench onnx_limit -- --corpus target/bench/corpus-real-pairs.txt --quick
//! ```
//!
//! A corpus line is a customer turn, or `BOT<TAB>CUSTOMER` (`benches/real_corpus.py --pairs`):
//! then the customer turn is read after its bot turn, as `Converse` reads it.
//!
//! `--cost` times runs of 1–32 rows × 8–48 tokens (utterances of exactly that length) and fits
//! run time = fixed + per-token × rows × width; fixed ÷ per-token is the batcher's
//! `run_overhead_tokens`.
//!
//! Prints a table, tab-separated `RESULT` lines (same columns as `rapport-load`), and
//! `LIMIT\tnaive\t<utterances/s>\t<row>` and `LIMIT\tsorted\t…`: the figures the server is held to.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rapport::nlu::{
    Backend, BatchConfig, Encoded, Encoder, Model, Nlu, NluConfig, NluError, Tokens, load_parts,
};
use support::{
    CpuUse, Percentiles, Rng, bot_and_customer, cpu_sample, cpu_use, length_summary, load_corpus,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
struct Options {
    corpus: PathBuf,
    config: NluConfig,
    seconds: f64,
    batch: usize,
    concurrency: usize,
    only: Option<String>,
    /// Only the naive and length-sorted rows the limits are taken from, for short repeated
    /// probes between load runs.
    quick: bool,
    /// Time runs of rows × width and fit the fixed cost of a run (`run_overhead_tokens`).
    cost: bool,
}

fn options() -> Result<Options, BoxError> {
    let config = NluConfig::default();
    let mut o = Options {
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus.txt"),
        batch: config.batch.max_batch,
        config,
        seconds: 10.0,
        concurrency: 64,
        only: None,
        quick: false,
        cost: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--corpus" => o.corpus = value()?.into(),
            "--model-dir" => o.config.model_dir = value()?.into(),
            "--seconds" => o.seconds = value()?.parse()?,
            "--batch" => o.batch = value()?.parse()?,
            "--threads" => o.config.threads = value()?.parse()?,
            "--concurrency" => o.concurrency = value()?.parse()?,
            "--only" => o.only = Some(value()?),
            "--quick" => o.quick = true,
            "--cost" => o.cost = true,
            // `cargo bench` passes --bench; anything else is a filter we do not use.
            _ => {}
        }
    }
    Ok(o)
}

fn main() -> Result<(), BoxError> {
    let o = options()?;
    let corpus = load_corpus(&o.corpus)?;
    if o.cost {
        return cost(&o, &corpus);
    }
    match o.only.as_deref() {
        Some("nlu") => crate_nlu(&o, corpus),
        Some("ort") => direct(&o, &corpus),
        None if o.quick => direct(&o, &corpus),
        None => {
            direct(&o, &corpus)?;
            crate_nlu(&o, corpus)
        }
        Some(other) => Err(format!("--only ort|nlu, not {other}").into()),
    }
}

struct Measured {
    items_per_s: f64,
    per_call_ms: Vec<f64>,
    /// Cores used by other processes while measuring (0 on a quiet machine).
    others: Option<f64>,
}

impl Measured {
    /// p50, p90, p99 and max per call, ms, formatted; `-` when nothing was measured.
    fn cells(&self) -> [String; 4] {
        match Percentiles::of(&mut self.per_call_ms.clone()) {
            Some(p) => [p.p50, p.p90, p.p99, p.max].map(|ms| format!("{ms:.2}")),
            None => std::array::from_fn(|_| "-".into()),
        }
    }

    fn others(&self) -> String {
        self.others.map_or("-".into(), |c| format!("{c:.2}"))
    }
}

fn others(cpu: Option<CpuUse>) -> Option<f64> {
    cpu.map(|c| c.others)
}

fn result_line(label: &str, m: &Measured, extra: &str) {
    let [p50, p90, p99, max] = m.cells();
    println!(
        "RESULT\t{label}\t{:.0}\t-\t{p50}\t{p90}\t{p99}\t{max}\tnone\t-\t{extra} cpu_others={}",
        m.items_per_s,
        m.others()
    );
}

fn table_row(name: &str, m: &Measured) {
    let [p50, _, p99, max] = m.cells();
    let (rate, others) = (m.items_per_s, m.others());
    println!("  {name:<46} {rate:>10.0} {p50:>9} {p99:>9} {max:>9} {others:>13}");
}

/// The model rows.
#[derive(Clone, Copy)]
enum Row {
    /// Random utterances, padded to the longest: a batcher that takes arrival order.
    Naive(usize),
    /// Draw four batches' worth, sort by length, cut: what grouping by length can reach.
    Sorted(usize),
    /// Tokenize then infer, one thread after the other.
    TokenizeInfer(usize),
}

impl Row {
    fn name(self) -> String {
        match self {
            Row::Naive(n) => format!("infer, batch {n}, random (pre-tokenized)"),
            Row::Sorted(n) => format!("infer, batch {n}, length-sorted (4×{n} drawn)"),
            Row::TokenizeInfer(n) => format!("tokenize + infer, batch {n}, serial"),
        }
    }
}

/// A corpus line as the service reads it: the customer turn, after its bot turn if the line has
/// one (`BOT<TAB>CUSTOMER`).
fn encode(encoder: &Encoder, line: &str) -> Result<Encoded, NluError> {
    let (bot, customer) = bot_and_customer(line);
    encoder.encode(customer, bot)
}

/// [`encode`] through the crate's own NLU: tokenize, queue, batch, infer.
async fn score(nlu: &Nlu, line: &str) -> Result<(), NluError> {
    let (bot, customer) = bot_and_customer(line);
    nlu.score(customer, bot).await.map(drop)
}

fn direct(o: &Options, corpus: &[String]) -> Result<(), BoxError> {
    let (encoder, mut model, _spec) = load_parts(&o.config)?;
    let encoded = corpus
        .iter()
        .map(|line| encode(&encoder, line))
        .collect::<Result<Vec<_>, _>>()?;
    let lengths: Vec<usize> = encoded.iter().map(Tokens::tokens).collect();
    println!(
        "ONNX limit: {} on {} ({} utterances, tokens {}), {} intra-op threads, {} s per row (model rows interleaved in 250 ms slices)",
        o.config.model_dir.join("model.onnx").display(),
        o.corpus.display(),
        corpus.len(),
        length_summary(&lengths),
        o.config.threads,
        o.seconds
    );

    let mut rows: Vec<(String, Measured)> = Vec::new();
    if !o.quick {
        let mut i = 0usize;
        let tokenize = measure(o.seconds.min(3.0), || {
            encode(&encoder, &corpus[i % corpus.len()])?;
            i += 1;
            Ok(1)
        })?;
        rows.push(("tokenize only (1 thread)".into(), tokenize));
    }

    let batch = o.batch;
    let kinds: Vec<Row> = if o.quick {
        vec![Row::Naive(batch), Row::Sorted(batch)]
    } else {
        vec![
            Row::Naive(1),
            Row::Naive(8),
            Row::Naive(batch),
            Row::Sorted(batch),
            Row::TokenizeInfer(batch),
        ]
    };
    let mut rng = Rng::new(7);
    let mut step = |row: Row, model: &mut Model| -> Result<usize, BoxError> {
        let mut draw =
            |n: usize| -> Vec<_> { (0..n).map(|_| &encoded[rng.below(encoded.len())]).collect() };
        match row {
            Row::Naive(n) => {
                Backend::infer(model, &draw(n))?;
                Ok(n)
            }
            Row::Sorted(n) => {
                let mut drawn = draw(4 * n);
                drawn.sort_by_key(|input| input.tokens());
                for chunk in drawn.chunks(n) {
                    Backend::infer(model, chunk)?;
                }
                Ok(4 * n)
            }
            Row::TokenizeInfer(n) => {
                let inputs = (0..n)
                    .map(|_| encode(&encoder, &corpus[rng.below(corpus.len())]))
                    .collect::<Result<Vec<_>, _>>()?;
                Backend::infer(model, &inputs.iter().collect::<Vec<_>>())?;
                Ok(n)
            }
        }
    };
    rows.extend(interleaved(&kinds, o.seconds, |row| step(row, &mut model))?);

    println!();
    println!(
        "  {:<46} {:>10} {:>9} {:>9} {:>9} {:>13}",
        "", "items/s", "p50 ms", "p99 ms", "max ms", "others, cores"
    );
    for (name, m) in &rows {
        table_row(name, m);
    }
    println!(
        "  (p50/p99/max per call: one utterance for tokenize, one batch for infer, four sorted batches for the length-sorted row;"
    );
    println!("   others: CPU used by other processes meanwhile)");
    println!();
    for (name, m) in &rows {
        result_line(
            &format!("onnx: {name}"),
            m,
            &format!("threads={}", o.config.threads),
        );
    }
    for (limit, row) in [("naive", Row::Naive(batch)), ("sorted", Row::Sorted(batch))] {
        let name = row.name();
        if let Some((_, m)) = rows.iter().find(|(n, _)| *n == name) {
            println!("LIMIT\t{limit}\t{:.0}\t{name}", m.items_per_s);
        }
    }
    Ok(())
}

/// Calls `step` (which returns how many items it handled) for `seconds`, after a short warm-up.
fn measure(
    seconds: f64,
    mut step: impl FnMut() -> Result<usize, BoxError>,
) -> Result<Measured, BoxError> {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        step()?;
    }
    let mut per_call_ms = Vec::new();
    let mut items = 0;
    let cpu = cpu_sample(None);
    let started = Instant::now();
    let budget = Duration::from_secs_f64(seconds);
    while started.elapsed() < budget {
        let t = Instant::now();
        items += step()?;
        per_call_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(Measured {
        items_per_s: items as f64 / secs,
        per_call_ms,
        others: others(cpu_use(cpu, cpu_sample(None))),
    })
}

/// Runs every row for `seconds`, round robin in 250 ms slices after a warm-up of each.
fn interleaved(
    kinds: &[Row],
    seconds: f64,
    mut step: impl FnMut(Row) -> Result<usize, BoxError>,
) -> Result<Vec<(String, Measured)>, BoxError> {
    for &row in kinds {
        let warm = Instant::now();
        while warm.elapsed() < Duration::from_millis(300) {
            step(row)?;
        }
    }
    let slice = Duration::from_millis(250);
    let mut items = vec![0usize; kinds.len()];
    let mut busy = vec![Duration::ZERO; kinds.len()];
    let mut calls: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    let budget = Duration::from_secs_f64(seconds);
    let cpu = cpu_sample(None);
    while busy.iter().any(|b| *b < budget) {
        for (k, &row) in kinds.iter().enumerate() {
            let t0 = Instant::now();
            while t0.elapsed() < slice {
                let t = Instant::now();
                items[k] += step(row)?;
                calls[k].push(t.elapsed().as_secs_f64() * 1000.0);
            }
            busy[k] += t0.elapsed();
        }
    }
    let others = others(cpu_use(cpu, cpu_sample(None)));
    Ok(kinds
        .iter()
        .enumerate()
        .map(|(k, row)| {
            (
                row.name(),
                Measured {
                    items_per_s: items[k] as f64 / busy[k].as_secs_f64(),
                    per_call_ms: std::mem::take(&mut calls[k]),
                    others,
                },
            )
        })
        .collect())
}

fn crate_nlu(o: &Options, corpus: Vec<String>) -> Result<(), BoxError> {
    let config = NluConfig {
        batch: BatchConfig {
            max_batch: o.batch,
            ..o.config.batch.clone()
        },
        ..o.config.clone()
    };
    let nlu = Arc::new(Nlu::load(&config)?);
    let corpus = Arc::new(corpus);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.config.threads.max(1))
        .enable_all()
        .build()?;
    let concurrency = o.concurrency.max(1);
    let seconds = o.seconds;
    let m = runtime.block_on(async move {
        // Warm up, then `concurrency` closed loops for `seconds`.
        for line in corpus.iter().take(64) {
            score(&nlu, line).await?;
        }
        let cpu = cpu_sample(None);
        let started = Instant::now();
        let until = started + Duration::from_secs_f64(seconds);
        let mut tasks = Vec::new();
        for k in 0..concurrency {
            let (nlu, corpus) = (nlu.clone(), corpus.clone());
            tasks.push(tokio::spawn(async move {
                let mut rng = Rng::new(k as u64 + 1);
                let mut latencies = Vec::new();
                while Instant::now() < until {
                    let t = Instant::now();
                    score(&nlu, &corpus[rng.below(corpus.len())]).await?;
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                Ok::<_, BoxError>(latencies)
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await??);
        }
        let secs = started.elapsed().as_secs_f64();
        Ok::<_, BoxError>(Measured {
            items_per_s: all.len() as f64 / secs,
            per_call_ms: all,
            others: others(cpu_use(cpu, cpu_sample(None))),
        })
    })?;
    table_row(&format!("rapport::nlu::Nlu, {concurrency} in flight"), &m);
    println!(
        "  (tokenize on the caller + queue + batches of similar length, ≤ {}; p50/p99/max per utterance)",
        o.batch
    );
    result_line(
        &format!("crate Nlu ({concurrency} in flight, batch ≤ {})", o.batch),
        &m,
        &format!("threads={}", o.config.threads),
    );
    Ok(())
}

/// Run time by rows × width, and the least-squares fit time = fixed + per_token × padded tokens.
fn cost(o: &Options, corpus: &[String]) -> Result<(), BoxError> {
    let (encoder, mut model, _spec) = load_parts(&o.config)?;
    let encoded = corpus
        .iter()
        .map(|line| encode(&encoder, line))
        .collect::<Result<Vec<_>, _>>()?;
    println!(
        "ms per model run (median), {} intra-op threads",
        o.config.threads
    );
    let rows = [1, 2, 4, 8, 16, 32];
    println!(
        "  {:>6} {}",
        "width",
        rows.map(|r| format!("{:>8}", format!("{r} rows"))).join("")
    );
    let mut points = Vec::new();
    for width in [8, 16, 32, 48] {
        let pool: Vec<_> = encoded.iter().filter(|e| e.tokens() == width).collect();
        if pool.is_empty() {
            continue;
        }
        let mut line = format!("  {width:>6}");
        for r in rows {
            let batch: Vec<_> = (0..r).map(|i| pool[i % pool.len()]).collect();
            let m = measure(0.4 * o.seconds / 10.0, || {
                Backend::infer(&mut model, &batch)?;
                Ok(1)
            })?;
            let median = Percentiles::of(&mut m.per_call_ms.clone()).map_or(f64::NAN, |p| p.p50);
            line.push_str(&format!("{median:>8.2}"));
            points.push(((r * width) as f64, median));
        }
        println!("{line}");
    }
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let per_token = sxy / sxx;
    let fixed = my - per_token * mx;
    println!(
        "fit: {fixed:.3} ms a run + {:.2} µs a padded token: run_overhead_tokens ≈ {:.0}",
        per_token * 1000.0,
        fixed / per_token
    );
    Ok(())
}
