//! `rapport eval-intents FILE.jsonl [--json OUT]`: runs labelled intent examples through the
//! same in-process path as `Assess` (with each example's language, and read after its bot turn
//! when the example has one, as `Converse` reads it) and prints, per language
//! and intent, the recall and look-alike false rate of the cues, the model alone and the
//! patterns alone. See `rapport::eval::intents`.

use std::path::PathBuf;
use std::time::Instant;

use futures_util::{StreamExt, stream};
use rapport::config::Config;
use rapport::conversation::{detect_cues, redact};
use rapport::eval::intents::{self, Detected, IntentExample, IntentReport};

#[derive(clap::Args)]
pub struct EvalIntentsArgs {
    /// Labelled examples, one `{"language", "text", "intents"}` object per line.
    file: PathBuf,
    /// Write the rows and every example's detections (text redacted) as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Examples assessed at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

/// One example as the JSON report lists it.
#[derive(serde::Serialize)]
struct Outcome<'a> {
    language: &'a str,
    text: String,
    intents: &'a [String],
    detected: &'a Detected,
}

pub async fn run(config: Config, args: EvalIntentsArgs) -> Result<(), String> {
    let examples = intents::load(&args.file)?;
    let pipeline = super::pipeline(&config)?;
    let started = Instant::now();
    let detected: Vec<Detected> = stream::iter(&examples)
        .map(|example: &IntentExample| {
            let pipeline = &pipeline;
            async move {
                let (scores, cues, _) = pipeline
                    .assess_after(
                        &example.text,
                        example.context.as_deref(),
                        Some(&example.language),
                    )
                    .await
                    .map_err(|e| format!("{:?}: {e}", example.text))?;
                let patterns = detect_cues(&redact(&example.text));
                Ok::<_, String>(Detected::new(&cues, &scores.intents, &patterns))
            }
        })
        .buffered(args.concurrency.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    eprintln!(
        "assessed {} examples in {:.1} s",
        examples.len(),
        started.elapsed().as_secs_f64()
    );

    let report = IntentReport::build(pipeline.model_version(), &examples, &detected);
    print!("{report}");
    if let Some(path) = &args.json {
        let outcomes: Vec<Outcome> = examples
            .iter()
            .zip(&detected)
            .map(|(example, detected)| Outcome {
                language: &example.language,
                text: redact(&example.text).into_owned(),
                intents: &example.intents,
                detected,
            })
            .collect();
        let json = serde_json::json!({
            "model_version": report.model_version,
            "examples": report.examples,
            "rows": report.rows,
            "outcomes": outcomes,
        });
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("report: {}", path.display());
    }
    Ok(())
}
