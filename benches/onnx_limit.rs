//! The ceiling for the load benchmarks: the same model (`models/rapport-nlu/model.onnx`), the
//! same tokenizer, the same ONNX Runtime threads as `rapport serve`, no gRPC and no server.
//!
//! 1. ONNX Runtime directly (this process): the corpus tokenized once, then batches of
//!    `--batch` utterances drawn at random from it, padded to their longest, run flat out for
//!    `--seconds`. Also batch 1 (the floor of a lone turn's latency), tokenization alone, and
//!    tokenize + infer on one thread.
//! 2. The crate's own NLU (`rapport::nlu::Nlu`: tokenize on the caller, bounded queue, dynamic
//!    batcher, one inference thread) with `--concurrency` requests in flight. It runs in a child
//!    process because ONNX Runtime allows one environment per process.
//!
//! ```sh
//! cargo bench --bench onnx_limit                       # both, 10 s each
//! cargo bench --bench onnx_limit -- --seconds 5 --batch 32 --threads 2
//! ```
//!
//! Prints a table and tab-separated `RESULT` lines (same columns as `rapport-load`), plus
//! `LIMIT <utterances/s>`: the best batched inference rate, the figure the server is held to.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ort::session::{Session, builder::GraphOptimizationLevel};
use ort::value::TensorRef;
use rapport::nlu::{BatchConfig, Encoded, ModelSpec, Nlu, NluConfig, pad};
use tokenizers::{Tokenizer, TruncationParams};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
struct Options {
    corpus: PathBuf,
    model_dir: PathBuf,
    seconds: f64,
    batch: usize,
    threads: usize,
    concurrency: usize,
    only: Option<String>,
    /// Only the batched rows the limit is taken from (batch 8 and `--batch`), for short
    /// repeated probes between load runs.
    quick: bool,
}

fn options() -> Result<Options, BoxError> {
    let defaults = NluConfig::default();
    let mut o = Options {
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus.txt"),
        model_dir: defaults.model_dir,
        seconds: 10.0,
        batch: defaults.batch.max_batch,
        threads: defaults.threads,
        concurrency: 64,
        only: None,
        quick: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--corpus" => o.corpus = value()?.into(),
            "--model-dir" => o.model_dir = value()?.into(),
            "--seconds" => o.seconds = value()?.parse()?,
            "--batch" => o.batch = value()?.parse()?,
            "--threads" => o.threads = value()?.parse()?,
            "--concurrency" => o.concurrency = value()?.parse()?,
            "--only" => o.only = Some(value()?),
            "--quick" => o.quick = true,
            // `cargo bench` passes --bench; anything else is a filter we do not use.
            _ => {}
        }
    }
    Ok(o)
}

fn main() -> Result<(), BoxError> {
    let o = options()?;
    let corpus: Vec<String> = std::fs::read_to_string(&o.corpus)
        .map_err(|e| format!("{}: {e}", o.corpus.display()))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    match o.only.as_deref() {
        Some("nlu") => return crate_nlu(&o, corpus),
        Some("ort") => return direct(&o, &corpus),
        None if o.quick => return direct(&o, &corpus),
        Some(other) => return Err(format!("--only ort|nlu, not {other}").into()),
        None => {}
    }
    direct(&o, &corpus)?;
    // The crate's NLU in a fresh process (one ONNX Runtime environment per process).
    let status = Command::new(std::env::current_exe()?)
        .args(std::env::args().skip(1).filter(|a| a != "--bench"))
        .args(["--only", "nlu"])
        .status()?;
    if !status.success() {
        return Err("the crate NLU run failed".into());
    }
    Ok(())
}

/// xorshift64*, the same generator as the load generator.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }
}

fn ort_library() -> Result<PathBuf, BoxError> {
    std::env::var_os("ORT_DYLIB_PATH")
        .map(PathBuf::from)
        .or_else(|| option_env!("RAPPORT_ORT_DYLIB").map(PathBuf::from))
        .ok_or_else(|| "set ORT_DYLIB_PATH to libonnxruntime.so.<version>".into())
}

/// The tokenizer exactly as `rapport::nlu` sets it up: no padding, truncated to max_length.
fn tokenizer(dir: &Path, max_length: usize) -> Result<Tokenizer, BoxError> {
    let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))?;
    tokenizer.with_padding(None);
    tokenizer.with_truncation(Some(TruncationParams {
        max_length,
        ..Default::default()
    }))?;
    Ok(tokenizer)
}

fn encode(tokenizer: &Tokenizer, text: &str) -> Result<Vec<i64>, BoxError> {
    Ok(tokenizer
        .encode(text, true)?
        .get_ids()
        .iter()
        .map(|&id| i64::from(id))
        .collect())
}

/// One model run; reads every output so nothing is skipped that the server pays for.
fn run(session: &mut Session, spec: &ModelSpec, batch: &[&[i64]]) -> Result<f32, BoxError> {
    let encoded: Vec<Encoded> = batch
        .iter()
        .map(|ids| Encoded {
            ids: ids.to_vec(),
            type_ids: vec![0; ids.len()],
        })
        .collect();
    let (ids, mask, types) = pad(&encoded.iter().collect::<Vec<_>>());
    let mut inputs = ort::inputs![
        "input_ids" => TensorRef::from_array_view(&ids)?,
        "attention_mask" => TensorRef::from_array_view(&mask)?,
    ];
    if let Some(input) = &spec.input {
        inputs.push((
            input.token_type_ids.clone().into(),
            TensorRef::from_array_view(&types)?.into(),
        ));
    }
    let outputs = session.run(inputs)?;
    let mut checksum = 0.0;
    for name in [
        &spec.sentiment.output,
        &spec.emotions.output,
        &spec.frustration.output,
    ] {
        let array = outputs[name.as_str()].try_extract_array::<f32>()?;
        checksum += array.iter().sum::<f32>();
    }
    Ok(checksum)
}

struct Measured {
    items_per_s: f64,
    per_call_ms: Vec<f64>,
    /// Cores used by other processes while measuring (0 on a quiet machine).
    others: Option<f64>,
}

/// (machine busy ticks excluding steal, this process's ticks) from /proc; 100 ticks a second.
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let t: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let busy = t.iter().take(7).sum::<u64>() - t.get(3)? - t.get(4)?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    let f: Vec<&str> = own.rsplit_once(')')?.1.split_whitespace().collect();
    let own = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some((busy, own))
}

fn others_cores(before: Option<(u64, u64)>, secs: f64) -> Option<f64> {
    let ((b0, o0), (b1, o1)) = (before?, cpu_ticks()?);
    Some((b1.saturating_sub(b0)).saturating_sub(o1.saturating_sub(o0)) as f64 / 100.0 / secs)
}

impl Measured {
    fn pct(&self, q: f64) -> f64 {
        let mut v = self.per_call_ms.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return f64::NAN;
        }
        v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
    }
}

/// Calls `step` (which handles `per_call` items) for `seconds`, after a short warm-up.
fn measure(
    seconds: f64,
    per_call: usize,
    mut step: impl FnMut() -> Result<(), BoxError>,
) -> Result<Measured, BoxError> {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        step()?;
    }
    let mut per_call_ms = Vec::new();
    let cpu = cpu_ticks();
    let started = Instant::now();
    let budget = Duration::from_secs_f64(seconds);
    while started.elapsed() < budget {
        let t = Instant::now();
        step()?;
        per_call_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let items = per_call_ms.len() * per_call;
    let secs = started.elapsed().as_secs_f64();
    Ok(Measured {
        items_per_s: items as f64 / secs,
        per_call_ms,
        others: others_cores(cpu, secs),
    })
}

fn result_line(label: &str, m: &Measured, extra: &str) {
    let others = m.others.map_or("-".into(), |c| format!("{c:.2}"));
    println!(
        "RESULT\t{label}\t{:.0}\t-\t{:.2}\t{:.2}\t{:.2}\t{:.2}\tnone\t-\t{extra} cpu_others={others}",
        m.items_per_s,
        m.pct(0.5),
        m.pct(0.9),
        m.pct(0.99),
        m.pct(1.0)
    );
}

fn direct(o: &Options, corpus: &[String]) -> Result<(), BoxError> {
    let library = ort_library()?;
    let environment = ort::init_from(&library)
        .map_err(|e| format!("{}: {e}", library.display()))?
        .with_name("onnx-limit")
        .build()?;
    let spec = ModelSpec::load(&o.model_dir.join("labels.json"))?;
    let tokenizer = tokenizer(&o.model_dir, spec.max_length)?;
    let mut session = Session::builder(&environment)?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(ort::Error::<()>::from)?
        .with_intra_threads(o.threads.max(1))
        .map_err(ort::Error::<()>::from)?
        .commit_from_file(o.model_dir.join("model.onnx"))?;

    let encoded: Vec<Vec<i64>> = corpus
        .iter()
        .map(|t| encode(&tokenizer, t))
        .collect::<Result<_, _>>()?;
    let lengths: Vec<usize> = encoded.iter().map(Vec::len).collect();
    let mean = lengths.iter().sum::<usize>() as f64 / lengths.len() as f64;
    println!(
        "ONNX limit: {} ({} utterances, {:.1} tokens mean, {}–{}), {} intra-op threads, {} s per row (model rows interleaved in 250 ms slices)",
        o.model_dir.join("model.onnx").display(),
        corpus.len(),
        mean,
        lengths.iter().min().unwrap_or(&0),
        lengths.iter().max().unwrap_or(&0),
        o.threads,
        o.seconds
    );

    let mut rows: Vec<(String, Measured)> = Vec::new();

    if !o.quick {
        let mut i = 0usize;
        let tokenize = measure(o.seconds.min(3.0), 1, || {
            encode(&tokenizer, &corpus[i % corpus.len()])?;
            i += 1;
            Ok(())
        })?;
        rows.push(("tokenize only (1 thread)".into(), tokenize));
    }

    // The model rows run interleaved in short slices, round robin, so a slow spell of a shared
    // machine lands on every row alike and their ratios hold.
    #[derive(Clone, Copy)]
    enum Row {
        /// Random utterances, padded to the longest: what the server's batcher does.
        Infer(usize),
        /// Draw four batches' worth, sort by length, cut: what a length-aware batcher could do.
        Sorted(usize),
        /// Tokenize then infer, one thread after the other.
        TokenizeInfer(usize),
    }
    let batch = o.batch;
    let kinds: Vec<Row> = if o.quick {
        vec![Row::Infer(8), Row::Infer(batch)]
    } else {
        vec![
            Row::Infer(1),
            Row::Infer(8),
            Row::Infer(batch),
            Row::Sorted(batch),
            Row::TokenizeInfer(batch),
        ]
    };
    let mut rng = Rng::new(7);
    let mut step = |row: Row, session: &mut Session| -> Result<usize, BoxError> {
        match row {
            Row::Infer(n) => {
                let picked: Vec<&[i64]> = (0..n)
                    .map(|_| encoded[rng.below(encoded.len())].as_slice())
                    .collect();
                run(session, &spec, &picked)?;
                Ok(n)
            }
            Row::Sorted(n) => {
                let mut drawn: Vec<&[i64]> = (0..4 * n)
                    .map(|_| encoded[rng.below(encoded.len())].as_slice())
                    .collect();
                drawn.sort_by_key(|ids| ids.len());
                for chunk in drawn.chunks(n) {
                    run(session, &spec, chunk)?;
                }
                Ok(4 * n)
            }
            Row::TokenizeInfer(n) => {
                let ids: Vec<Vec<i64>> = (0..n)
                    .map(|_| encode(&tokenizer, &corpus[rng.below(corpus.len())]))
                    .collect::<Result<_, _>>()?;
                let picked: Vec<&[i64]> = ids.iter().map(Vec::as_slice).collect();
                run(session, &spec, &picked)?;
                Ok(n)
            }
        }
    };
    for &row in &kinds {
        let warm = Instant::now();
        while warm.elapsed() < Duration::from_millis(300) {
            step(row, &mut session)?;
        }
    }
    let slice = Duration::from_millis(250);
    let mut items = vec![0usize; kinds.len()];
    let mut busy = vec![Duration::ZERO; kinds.len()];
    let mut calls: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    let budget = Duration::from_secs_f64(o.seconds);
    let cpu = cpu_ticks();
    let started = Instant::now();
    while busy.iter().any(|b| *b < budget) {
        for (k, &row) in kinds.iter().enumerate() {
            let t0 = Instant::now();
            while t0.elapsed() < slice {
                let t = Instant::now();
                items[k] += step(row, &mut session)?;
                calls[k].push(t.elapsed().as_secs_f64() * 1000.0);
            }
            busy[k] += t0.elapsed();
        }
    }
    let others = others_cores(cpu, started.elapsed().as_secs_f64());
    for (k, row) in kinds.iter().enumerate() {
        let name = match *row {
            Row::Infer(n) => format!("infer, batch {n} (pre-tokenized)"),
            Row::Sorted(n) => format!("infer, batch {n}, length-sorted (4×{n} drawn)"),
            Row::TokenizeInfer(n) => format!("tokenize + infer, batch {n}, serial"),
        };
        rows.push((
            name,
            Measured {
                items_per_s: items[k] as f64 / busy[k].as_secs_f64(),
                per_call_ms: std::mem::take(&mut calls[k]),
                others,
            },
        ));
    }

    println!();
    println!(
        "  {:<46} {:>10} {:>9} {:>9} {:>9} {:>13}",
        "", "items/s", "p50 ms", "p99 ms", "max ms", "others, cores"
    );
    for (name, m) in &rows {
        println!(
            "  {name:<46} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>13}",
            m.items_per_s,
            m.pct(0.5),
            m.pct(0.99),
            m.pct(1.0),
            m.others.map_or("-".into(), |c| format!("{c:.2}"))
        );
    }
    println!(
        "  (p50/p99/max per call: one utterance for tokenize, one batch for infer, four sorted batches for the length-sorted row;"
    );
    println!("   others: CPU used by other processes meanwhile)");
    println!();
    // The limit for the server as it batches (arrival order, padded to the longest); the
    // length-sorted row is headroom for a different batcher, reported but not the limit.
    let best = rows
        .iter()
        .filter(|(name, _)| name.starts_with("infer") && !name.contains("sorted"))
        .max_by(|a, b| a.1.items_per_s.total_cmp(&b.1.items_per_s))
        .expect("infer rows");
    for (name, m) in &rows {
        result_line(
            &format!("onnx: {name}"),
            m,
            &format!("threads={}", o.threads),
        );
    }
    println!("LIMIT\t{:.0}\t{}", best.1.items_per_s, best.0);
    Ok(())
}

fn crate_nlu(o: &Options, corpus: Vec<String>) -> Result<(), BoxError> {
    let config = NluConfig {
        model_dir: o.model_dir.clone(),
        threads: o.threads,
        batch: BatchConfig {
            max_batch: o.batch,
            ..BatchConfig::default()
        },
        ..NluConfig::default()
    };
    let nlu = Arc::new(Nlu::load(&config)?);
    let corpus = Arc::new(corpus);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads.max(1))
        .enable_all()
        .build()?;
    let concurrency = o.concurrency.max(1);
    let seconds = o.seconds;
    let (done, latencies, others) = runtime.block_on(async move {
        // Warm up, then `concurrency` closed loops for `seconds`.
        for text in corpus.iter().take(64) {
            nlu.score(text, None).await?;
        }
        let cpu = cpu_ticks();
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
                    nlu.score(&corpus[rng.below(corpus.len())], None).await?;
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
        let rate = all.len() as f64 / secs;
        Ok::<_, BoxError>((rate, all, others_cores(cpu, secs)))
    })?;
    let m = Measured {
        items_per_s: done,
        per_call_ms: latencies,
        others,
    };
    println!(
        "  {:<46} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>13}",
        format!("rapport::nlu::Nlu, {concurrency} in flight"),
        m.items_per_s,
        m.pct(0.5),
        m.pct(0.99),
        m.pct(1.0),
        m.others.map_or("-".into(), |c| format!("{c:.2}"))
    );
    println!(
        "  (tokenize on the caller + queue + dynamic batches of ≤ {}; p50/p99/max per utterance)",
        o.batch
    );
    result_line(
        &format!("crate Nlu ({concurrency} in flight, batch ≤ {})", o.batch),
        &m,
        &format!("threads={}", o.threads),
    );
    Ok(())
}
