//! `rapport eval-intents` end to end on the real model: the command reads the fixture's
//! labelled examples through the `Assess` path and prints one table per language.

mod common;

use common::{rapport_ok, rapport_refused, scratch};
use rapport::eval::intents::INTENTS;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/intents.jsonl");

/// The cells of the markdown row of `intent` in the table of `language`.
fn row<'a>(stdout: &'a str, language: &str, intent: &str) -> Vec<&'a str> {
    let table = stdout
        .split("\n### ")
        .find(|t| t.starts_with(&format!("{language}:")))
        .unwrap_or_else(|| panic!("no table for {language}: {stdout}"));
    let line = table
        .lines()
        .find(|l| l.starts_with(&format!("| {intent} |")))
        .unwrap_or_else(|| panic!("no {intent} row for {language}: {table}"));
    line.trim_matches('|').split('|').map(str::trim).collect()
}

#[test]
fn the_command_prints_a_table_per_language_and_writes_the_json() {
    let dir = scratch("tables");
    let json = dir.join("intents.json");
    let stdout = rapport_ok([
        "eval-intents".as_ref(),
        FIXTURE.as_ref(),
        "--json".as_ref(),
        json.as_os_str(),
    ]);

    // Sorted languages, then all; every table has the header and one row per intent.
    let headings: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .collect();
    assert_eq!(
        headings,
        [
            "de: 0 look-alikes",
            "en: 2 look-alikes",
            "es: 1 look-alikes",
            "fr: 0 look-alikes",
            "pt: 0 look-alikes",
            "all: 3 look-alikes"
        ]
    );
    assert_eq!(
        stdout
            .matches("| intent | positives | recall cues | recall model | recall patterns |")
            .count(),
        6
    );
    for intent in INTENTS {
        assert_eq!(row(&stdout, "all", intent).len(), 8, "{intent}");
    }

    // Plain requests for a person are recognised in every language, and both the model and
    // the patterns find the English one.
    for language in ["de", "en", "es", "fr", "pt"] {
        assert_eq!(
            row(&stdout, language, "person")[1..3],
            ["1", "100.0% (1/1)"],
            "{language}"
        );
    }
    assert_eq!(
        row(&stdout, "en", "person")[3..5],
        ["100.0% (1/1)", "100.0% (1/1)"]
    );
    assert_eq!(row(&stdout, "en", "complaint")[2], "100.0% (1/1)");
    assert_eq!(row(&stdout, "en", "connection_trouble")[2], "100.0% (1/1)");
    // No language asks for video; nothing fires on the plain questions.
    assert_eq!(row(&stdout, "all", "video")[1..3], ["0", "–"]);
    for intent in INTENTS {
        assert_eq!(row(&stdout, "all", intent)[5], "0.0% (0/3)", "{intent}");
    }

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(json["examples"], 10);
    assert_eq!(json["rows"].as_array().unwrap().len(), 6 * INTENTS.len());
    let outcomes = json["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 10);
    assert_eq!(
        outcomes[0]["detected"]["cues"],
        serde_json::json!(["person"])
    );
    assert!(
        json["model_version"]
            .as_str()
            .unwrap()
            .starts_with("rapport-nlu/")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unknown_intent_is_refused() {
    let dir = scratch("unknown");
    let file = dir.join("bad.jsonl");
    std::fs::write(
        &file,
        "{\"language\": \"en\", \"text\": \"hi\", \"intents\": [\"refund\"]}\n",
    )
    .unwrap();
    let stderr = rapport_refused(["eval-intents".as_ref(), file.as_os_str()]);
    assert!(stderr.contains("unknown intent \"refund\""));
    std::fs::remove_dir_all(&dir).unwrap();
}
