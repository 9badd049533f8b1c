//! `rapport replay FILE.jsonl`: recorded conversations through the same pipeline as the
//! server, in file order; signals are printed to stdout as JSON lines, a summary to stderr.
//!
//! One JSON object per line: a turn
//! `{"tenant_id","conversation_id","turn_id","speaker","text","channel", "at_ms"?, "fallback"?,
//! "intent_confidence"?, "available_channels"?}` or an end `{"tenant_id","conversation_id","end":true}`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use rapport::config::Config;
use rapport::conversation::{Channel, Speaker, TurnInput};
use rapport::pipeline::{TurnOutcome, now_ms};
use rapport::store::ConversationKey;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    tenant_id: String,
    conversation_id: String,
    #[serde(default)]
    end: bool,
    #[serde(default)]
    turn_id: String,
    speaker: Option<Speaker>,
    #[serde(default)]
    text: String,
    channel: Option<Channel>,
    at_ms: Option<u64>,
    #[serde(default)]
    fallback: bool,
    intent_confidence: Option<f32>,
    #[serde(default)]
    available_channels: Vec<Channel>,
    language: Option<String>,
}

pub async fn run(config: Config, file: &Path, verbose: bool) -> Result<(), String> {
    let pipeline = super::pipeline(&config)?;
    let reader =
        BufReader::new(std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?);
    let (mut turns, mut refused) = (0usize, 0usize);
    let mut fired: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (number, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let at = |e: &dyn std::fmt::Display| format!("{}:{}: {e}", file.display(), number + 1);
        let line: Line = serde_json::from_str(&line).map_err(|e| at(&e))?;
        let key = ConversationKey {
            tenant_id: line.tenant_id,
            conversation_id: line.conversation_id,
        };
        if line.end {
            pipeline.end(&key).map_err(|e| at(&e))?;
            continue;
        }
        let turn = TurnInput {
            turn_id: line.turn_id,
            speaker: line.speaker.ok_or_else(|| at(&"speaker is required"))?,
            text: line.text,
            channel: line.channel.ok_or_else(|| at(&"channel is required"))?,
            at_ms: line.at_ms.unwrap_or_else(now_ms),
            intent_confidence: line.intent_confidence,
            fallback: line.fallback,
            available_channels: line.available_channels,
            language: line.language,
        };
        turns += 1;
        match pipeline.process(&key, &turn).await {
            Ok(TurnOutcome::Assessed { facts, signals }) => {
                if verbose {
                    eprintln!(
                        "{}/{} turn {}: risk {:.2}, dissatisfaction {:.2}, frustration {:.2} (conversation {:.2}, {:?}), negative {:.2}, cues {:?}",
                        key.tenant_id,
                        key.conversation_id,
                        facts.turn_id,
                        facts.risk.value,
                        facts.scores.dissatisfaction,
                        facts.scores.frustration,
                        facts.conversation_frustration,
                        facts.trend,
                        facts.scores.sentiment.negative,
                        facts.cues.iter().map(|c| c.kind).collect::<Vec<_>>()
                    );
                }
                for signal in signals {
                    *fired.entry(signal.rule_id).or_default() += 1;
                    println!(
                        "{}",
                        serde_json::to_string(&*signal).map_err(|e| e.to_string())?
                    );
                }
            }
            Ok(_) => {}
            Err(error) => {
                refused += 1;
                eprintln!("{}", at(&error));
            }
        }
    }
    eprintln!("{turns} turns replayed, {refused} refused; signals by rule:");
    for (rule, count) in &fired {
        eprintln!("  {rule:<36} {count}");
    }
    Ok(())
}
