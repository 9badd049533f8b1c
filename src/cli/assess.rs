//! `rapport assess "text" [--language xx]`: score one text with the real model, print JSON
//! (sentiment, emotions, frustration, dissatisfaction, every intent with its probability, cues,
//! language).

use rapport::config::Config;

pub async fn run(config: Config, text: &str, language: Option<&str>) -> Result<(), String> {
    let pipeline = super::pipeline(&config)?;
    let (scores, cues, language) = pipeline
        .assess(text, language)
        .await
        .map_err(|e| e.to_string())?;
    let report = serde_json::json!({
        "model_version": pipeline.model_version(),
        "scores": scores,
        "cues": cues,
        "language": language,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}
