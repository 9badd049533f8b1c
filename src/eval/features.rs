//! `--features FILE.csv`: one row per scored customer turn — ids, split, the turn's labels,
//! the dialogue's `should_escalate`, then [`feature_columns`] — for fitting a risk model.

use std::io::Write;
use std::path::Path;

use super::dialogue::Dialogue;
use super::readout::feature_columns;
use super::replay::Replayed;

const ID_COLUMNS: &str =
    "source,dialogue_id,split,user_turn,label,frustrated,rating_mean,should_escalate";

/// Writes the CSV; returns the number of rows.
pub fn write(path: &Path, dialogues: &[Dialogue], replayed: &[Replayed]) -> Result<usize, String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(fail)?);
    let mut rows = 0;
    for (dialogue, replay) in dialogues.iter().zip(replayed) {
        let labels: Vec<_> = dialogue.user_turns().collect();
        for turn in &replay.customer_turns {
            let Some(facts) = &turn.facts else { continue };
            let columns = feature_columns(facts, turn.user_turn);
            if rows == 0 {
                let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
                writeln!(out, "{ID_COLUMNS},{}", names.join(",")).map_err(fail)?;
            }
            let labelled = labels.get(turn.user_turn);
            let mut line = vec![
                field(&dialogue.source),
                field(&dialogue.dialogue_id),
                dialogue.split.name().to_string(),
                turn.user_turn.to_string(),
                optional(labelled.and_then(|t| t.label)),
                optional(labelled.and_then(|t| t.frustrated).map(u8::from)),
                optional(labelled.and_then(|t| t.rating_mean)),
                optional(dialogue.should_escalate.map(u8::from)),
            ];
            line.extend(columns.iter().map(|(_, value)| value.to_string()));
            writeln!(out, "{}", line.join(",")).map_err(fail)?;
            rows += 1;
        }
    }
    if rows == 0 {
        writeln!(out, "{ID_COLUMNS}").map_err(fail)?;
    }
    out.flush().map_err(fail)?;
    Ok(rows)
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A CSV field, quoted when it needs to be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quotes_only_fields_that_need_it() {
        assert_eq!(field("uss_sgd-00001"), "uss_sgd-00001");
        assert_eq!(field("a,b \"c\""), "\"a,b \"\"c\"\"\"");
    }
}
