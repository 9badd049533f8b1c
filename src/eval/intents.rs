//! `rapport eval-intents`: how well the shipped path recognises explicit requests.
//!
//! Each labelled example (`{"language", "text", "intents"}`, an empty list for a look-alike) is
//! read three ways: the cues `Assess` returns (model and patterns combined, with the language
//! veto), the model's intent heads alone and the patterns alone. Per language and intent the
//! [`IntentReport`] counts the recall of each on the examples labelled with the intent and how
//! often each fires the intent on the look-alikes, and renders that as markdown tables.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::conversation::{Cue, intent_cue};
use crate::nlu::IntentScore;

/// The intents measured, in the order of the model's heads.
pub const INTENTS: [&str; 8] = [
    "person",
    "voice",
    "sms",
    "email",
    "video",
    "messaging",
    "connection_trouble",
    "complaint",
];

/// The row over every language.
pub const ALL: &str = "all";

/// One labelled example: a customer text, its language and the intents it expresses.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct IntentExample {
    pub language: String,
    pub text: String,
    /// Empty: a look-alike that asks for nothing.
    pub intents: Vec<String>,
    /// A bot turn the text answers, read before it as `Converse` reads a customer turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

impl IntentExample {
    pub fn is_look_alike(&self) -> bool {
        self.intents.is_empty()
    }
}

/// Reads labelled examples, one JSON object per line (blank lines skipped); an intent not in
/// [`INTENTS`] is an error, so a typo cannot pass for a look-alike.
pub fn load(path: &Path) -> Result<Vec<IntentExample>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut examples = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{}", path.display(), number + 1);
        let example: IntentExample =
            serde_json::from_str(line).map_err(|e| format!("{}: {e}", at()))?;
        if let Some(unknown) = example
            .intents
            .iter()
            .find(|i| !INTENTS.contains(&i.as_str()))
        {
            return Err(format!("{}: unknown intent {unknown:?}", at()));
        }
        examples.push(example);
    }
    Ok(examples)
}

/// The intents one example was read as, by each path.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Detected {
    /// From the cues `Assess` returns.
    pub cues: BTreeSet<String>,
    /// Intents the model's heads detect.
    pub model: BTreeSet<String>,
    /// From the patterns alone, without the model's veto.
    pub patterns: BTreeSet<String>,
}

impl Detected {
    /// `cues`: what `Assess` returned; `intents`: the model's scores; `patterns`: the pattern
    /// cues of the (redacted) text.
    pub fn new(cues: &[Cue], intents: &[IntentScore], patterns: &[Cue]) -> Self {
        let model = intents
            .iter()
            .filter(|i| i.detected && INTENTS.contains(&&*i.intent))
            .map(|i| i.intent.to_string())
            .collect();
        Detected {
            cues: intents_of(cues),
            model,
            patterns: intents_of(patterns),
        }
    }
}

/// The intents a set of cues stands for (a channel request only for its own channel).
fn intents_of(cues: &[Cue]) -> BTreeSet<String> {
    INTENTS
        .iter()
        .filter(|intent| {
            let Some((kind, channel)) = intent_cue(intent) else {
                return false;
            };
            cues.iter().any(|c| c.stands_for(kind, channel))
        })
        .map(|intent| intent.to_string())
        .collect()
}

/// Hits of one path on one language × intent: positives recognised, look-alikes fired on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PathCounts {
    pub hits: usize,
    pub false_fires: usize,
}

/// One language × intent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IntentRow {
    pub language: String,
    pub intent: String,
    /// Examples labelled with the intent.
    pub positives: usize,
    /// Examples labelled with no intent at all.
    pub look_alikes: usize,
    pub cues: PathCounts,
    pub model: PathCounts,
    pub patterns: PathCounts,
}

impl IntentRow {
    fn count(&mut self, example: &IntentExample, detected: &Detected) {
        let positive = example.intents.contains(&self.intent);
        let look_alike = example.is_look_alike();
        self.positives += usize::from(positive);
        self.look_alikes += usize::from(look_alike);
        for (counts, found) in [
            (&mut self.cues, &detected.cues),
            (&mut self.model, &detected.model),
            (&mut self.patterns, &detected.patterns),
        ] {
            if found.contains(&self.intent) {
                counts.hits += usize::from(positive);
                counts.false_fires += usize::from(look_alike);
            }
        }
    }
}

/// The rows of every language (sorted, then [`ALL`]) × every intent of [`INTENTS`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntentReport {
    pub model_version: String,
    pub examples: usize,
    pub rows: Vec<IntentRow>,
}

impl IntentReport {
    /// `detected[i]` is what the paths made of `examples[i]`.
    pub fn build(model_version: &str, examples: &[IntentExample], detected: &[Detected]) -> Self {
        assert_eq!(examples.len(), detected.len());
        let mut by_language: BTreeMap<String, Vec<IntentRow>> = BTreeMap::new();
        let new_rows = |language: &str| {
            INTENTS
                .iter()
                .map(|intent| IntentRow {
                    language: language.to_string(),
                    intent: intent.to_string(),
                    ..IntentRow::default()
                })
                .collect::<Vec<_>>()
        };
        let mut all = new_rows(ALL);
        for (example, found) in examples.iter().zip(detected) {
            let rows = by_language
                .entry(example.language.clone())
                .or_insert_with(|| new_rows(&example.language));
            for row in rows.iter_mut().chain(all.iter_mut()) {
                row.count(example, found);
            }
        }
        let mut rows: Vec<IntentRow> = by_language.into_values().flatten().collect();
        rows.extend(all);
        IntentReport {
            model_version: model_version.to_string(),
            examples: examples.len(),
            rows,
        }
    }

    pub fn row(&self, language: &str, intent: &str) -> Option<&IntentRow> {
        self.rows
            .iter()
            .find(|r| r.language == language && r.intent == intent)
    }
}

/// "85.0% (17/20)", or "–" without a denominator.
fn share(count: usize, of: usize) -> String {
    if of == 0 {
        return "–".to_string();
    }
    format!("{:.1}% ({count}/{of})", 100.0 * count as f64 / of as f64)
}

impl fmt::Display for IntentReport {
    /// One markdown table per language: recall on the positives and false rate on the
    /// look-alikes, for the cues, the model alone and the patterns alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "model {}, {} examples: recall on the examples labelled with the intent, false \
             rate on the look-alikes (labelled with none)",
            self.model_version, self.examples
        )?;
        let mut language = None;
        for row in &self.rows {
            if language != Some(&row.language) {
                language = Some(&row.language);
                let mut head = String::new();
                write!(
                    head,
                    "\n### {}: {} look-alikes\n\n",
                    row.language, row.look_alikes
                )?;
                head.push_str(
                    "| intent | positives | recall cues | recall model | recall patterns \
                     | false cues | false model | false patterns |\n",
                );
                head.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
                f.write_str(&head)?;
            }
            let recall = |c: PathCounts| share(c.hits, row.positives);
            let false_rate = |c: PathCounts| share(c.false_fires, row.look_alikes);
            writeln!(
                f,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                row.intent,
                row.positives,
                recall(row.cues),
                recall(row.model),
                recall(row.patterns),
                false_rate(row.cues),
                false_rate(row.model),
                false_rate(row.patterns),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(language: &str, intents: &[&str]) -> IntentExample {
        IntentExample {
            language: language.into(),
            text: "x".into(),
            intents: intents.iter().map(|i| i.to_string()).collect(),
            context: None,
        }
    }

    fn found(cues: &[&str], model: &[&str], patterns: &[&str]) -> Detected {
        let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        Detected {
            cues: set(cues),
            model: set(model),
            patterns: set(patterns),
        }
    }

    #[test]
    fn counts_recall_on_positives_and_false_fires_on_look_alikes_only() {
        let examples = [
            example("es", &["person"]),
            example("es", &["person", "complaint"]),
            example("es", &[]),
            example("es", &[]),
            // Labelled with another intent: neither a positive nor a look-alike for person.
            example("es", &["voice"]),
            example("de", &["person"]),
        ];
        let detected = [
            found(&["person"], &["person"], &[]),
            found(&["person", "complaint"], &[], &["person"]),
            found(&[], &[], &["person"]),
            found(&["person"], &["person"], &["person"]),
            found(&["person", "voice"], &["person", "voice"], &["voice"]),
            found(&[], &[], &[]),
        ];
        let report = IntentReport::build("m", &examples, &detected);
        let person = report.row("es", "person").unwrap();
        assert_eq!((person.positives, person.look_alikes), (2, 2));
        assert_eq!(
            person.cues,
            PathCounts {
                hits: 2,
                false_fires: 1
            }
        );
        assert_eq!(
            person.model,
            PathCounts {
                hits: 1,
                false_fires: 1
            }
        );
        assert_eq!(
            person.patterns,
            PathCounts {
                hits: 1,
                false_fires: 2
            }
        );
        let complaint = report.row("es", "complaint").unwrap();
        assert_eq!((complaint.positives, complaint.cues.hits), (1, 1));
        let all = report.row(ALL, "person").unwrap();
        assert_eq!((all.positives, all.look_alikes, all.cues.hits), (3, 2, 2));
        let languages: Vec<&str> = report
            .rows
            .iter()
            .map(|r| r.language.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(languages, ["all", "de", "es"]);
        assert_eq!(report.rows.len(), 3 * INTENTS.len());
        assert_eq!(report.rows.last().unwrap().language, ALL);
    }

    #[test]
    fn renders_one_markdown_table_per_language_with_shares() {
        let examples = [example("fr", &["person"]), example("fr", &[])];
        let detected = [found(&["person"], &[], &["person"]), found(&[], &[], &[])];
        let text = IntentReport::build("m", &examples, &detected).to_string();
        assert_eq!(text.matches("| intent | positives |").count(), 2);
        assert!(text.contains("### fr: 1 look-alikes"), "{text}");
        assert!(
            text.contains(
                "| person | 1 | 100.0% (1/1) | 0.0% (0/1) | 100.0% (1/1) | 0.0% (0/1) | 0.0% (0/1) | 0.0% (0/1) |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| voice | 0 | – | – | – | 0.0% (0/1) |"),
            "{text}"
        );
    }

    #[test]
    fn reads_cues_as_intents_channel_by_channel() {
        use crate::conversation::{Channel, CueKind, CueSource};
        let cue = |kind, channel| Cue {
            kind,
            text: String::new(),
            channel,
            source: CueSource::Pattern,
            confidence: 1.0,
        };
        let cues = [
            cue(CueKind::ChannelRequest, Some(Channel::Sms)),
            cue(CueKind::ChannelRequest, Some(Channel::Chat)),
            cue(CueKind::Repetition, None),
            cue(CueKind::ConnectionTrouble, None),
        ];
        let intents = [("person", 0.9, true), ("email", 0.4, false)].map(|(n, p, d)| IntentScore {
            intent: n.into(),
            probability: p,
            detected: d,
        });
        let detected = Detected::new(&cues, &intents, &[]);
        assert_eq!(
            detected.cues.into_iter().collect::<Vec<_>>(),
            ["connection_trouble", "sms"]
        );
        assert_eq!(detected.model.into_iter().collect::<Vec<_>>(), ["person"]);
        assert!(detected.patterns.is_empty());
    }

    #[test]
    fn loading_reads_the_bot_turn_and_rejects_an_unknown_intent() {
        let dir = std::env::temp_dir().join(format!("rapport-intents-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.jsonl");
        std::fs::write(
            &good,
            "{\"language\": \"es\", \"text\": \"hola\", \"intents\": []}\n\n\
             {\"language\": \"de\", \"text\": \"x\", \"intents\": [\"person\"], \
             \"context\": \"Wie kann ich helfen?\"}\n",
        )
        .unwrap();
        let loaded = load(&good).unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[0].context, None);
        assert_eq!(loaded[1].context.as_deref(), Some("Wie kann ich helfen?"));
        let bad = dir.join("bad.jsonl");
        std::fs::write(
            &bad,
            "{\"language\": \"es\", \"text\": \"x\", \"intents\": [\"persn\"]}\n",
        )
        .unwrap();
        let error = load(&bad).unwrap_err();
        assert!(error.contains(":1: unknown intent \"persn\""), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
