//! `rapport assess "text"`: score one text with the real model, print JSON.

use rapport::config::Config;

pub async fn run(config: Config, text: &str) -> Result<(), String> {
    let pipeline = super::pipeline(&config)?;
    let (scores, cues) = pipeline.assess(text).await.map_err(|e| e.to_string())?;
    let report = serde_json::json!({
        "model_version": pipeline.model_version(),
        "scores": scores,
        "cues": cues,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}
