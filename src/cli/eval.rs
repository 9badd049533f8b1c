//! `rapport eval FILE.jsonl…`: replays human-labelled dialogues through the pipeline (in
//! process, or a running server with `--target`), prints how well the escalations match the
//! labels — one table per source and one for all — and optionally writes the full report as
//! JSON, SVG charts and a per-turn feature CSV. See `rapport::eval`.

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rapport::config::Config;
use rapport::eval::{Report, SplitFilter, dialogue, features, plot, replay};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Labelled dialogues, one JSON object per line.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Only the dialogues of this split (by a hash of the dialogue id).
    #[arg(long, value_enum, default_value_t = SplitFilter::All)]
    split: SplitFilter,
    /// Replay against this running server (gRPC Converse, e.g. http://127.0.0.1:50051)
    /// instead of in process.
    #[arg(long)]
    target: Option<String>,
    /// Tenant of the replayed conversations. A server does not resend a signal it still holds:
    /// replaying the same dialogues against the same server again needs another tenant.
    #[arg(long, default_value = replay::TENANT)]
    tenant: String,
    /// Write the full report (every dialogue's outcome too) as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write SVG charts (ROC curves, risk over turns) into this directory.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Write one CSV row of features per customer turn.
    #[arg(long)]
    features: Option<PathBuf>,
    /// At most this many dialogues from each file (after the split).
    #[arg(long)]
    limit: Option<usize>,
    /// In process: dialogues replayed at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

pub async fn run(config: Config, args: EvalArgs) -> Result<(), String> {
    let dialogues = dialogue::load_all(&args.files, args.split, args.limit)?;
    let progress = ProgressBar::new(dialogues.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} dialogues, {elapsed} (eta {eta})")
            .map_err(|e| e.to_string())?,
    );
    let started = Instant::now();
    let (replayed, mode) = match &args.target {
        Some(url) => {
            let threshold = config.conversation.negative_sentiment;
            (
                replay::target(url, &args.tenant, &dialogues, threshold, &progress).await?,
                url.clone(),
            )
        }
        None => {
            let pipeline = super::pipeline(&config)?;
            let replayed = replay::in_process(
                pipeline,
                &args.tenant,
                &dialogues,
                args.concurrency,
                &progress,
            )
            .await;
            (replayed, "in-process".to_string())
        }
    };
    progress.finish_and_clear();
    let turns: usize = replayed.iter().map(|r| r.customer_turns.len()).sum();
    eprintln!(
        "replayed {} dialogues ({turns} customer turns) in {:.1} s",
        dialogues.len(),
        started.elapsed().as_secs_f64()
    );

    let report = Report::build(&dialogues, &replayed, &mode, args.split);
    print!("{report}");
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("report: {}", path.display());
    }
    if let Some(path) = &args.features {
        let rows = features::write(path, &dialogues, &replayed)?;
        eprintln!("features: {rows} rows in {}", path.display());
    }
    if let Some(dir) = &args.plot {
        let written = plot::write(dir, &report)?;
        eprintln!("charts: {} SVG files in {}", written.len(), dir.display());
    }
    Ok(())
}
