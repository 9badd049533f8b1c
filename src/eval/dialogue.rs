//! Labelled dialogues: reading the JSON lines, completing missing labels, and the
//! deterministic train / dev / test split by dialogue id.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Who spoke a dialogue turn: the customer (`user`) or the bot (`agent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    #[serde(alias = "system", alias = "bot")]
    Agent,
}

/// One turn; the labels are on user turns only. Unknown fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct DialogueTurn {
    pub speaker: Role,
    pub text: String,
    /// Satisfaction rating 1–5 (majority of the annotators).
    #[serde(default)]
    pub label: Option<u8>,
    /// The turn is frustrated (label ≤ 2); derived from `label` when absent.
    #[serde(default)]
    pub frustrated: Option<bool>,
    #[serde(default)]
    pub rating_mean: Option<f32>,
}

/// One labelled dialogue, turns oldest first. Unknown fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Dialogue {
    pub source: String,
    pub dialogue_id: String,
    #[serde(default)]
    pub lang: Option<String>,
    pub turns: Vec<DialogueTurn>,
    #[serde(default)]
    pub should_escalate: Option<bool>,
    #[serde(default)]
    pub should_escalate_strict: Option<bool>,
    #[serde(default)]
    pub should_escalate_overall: Option<bool>,
    /// Index, over user turns only, of the first frustrated one.
    #[serde(default)]
    pub first_frustrated_user_turn: Option<usize>,
    #[serde(skip, default = "Split::default")]
    pub split: Split,
}

/// The dialogue-level labels an escalation decision is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Some user turn is frustrated (label ≤ 2).
    ShouldEscalate,
    /// Some user turn has a mean rating ≤ 2.0.
    ShouldEscalateStrict,
    /// The annotators rated the whole dialogue ≤ 2.
    ShouldEscalateOverall,
}

impl Target {
    pub const ALL: [Target; 3] = [
        Target::ShouldEscalate,
        Target::ShouldEscalateStrict,
        Target::ShouldEscalateOverall,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::ShouldEscalate => "should_escalate",
            Target::ShouldEscalateStrict => "should_escalate_strict",
            Target::ShouldEscalateOverall => "should_escalate_overall",
        }
    }

    /// The dialogue's label for this target, when it has one.
    pub fn label(self, dialogue: &Dialogue) -> Option<bool> {
        match self {
            Target::ShouldEscalate => dialogue.should_escalate,
            Target::ShouldEscalateStrict => dialogue.should_escalate_strict,
            Target::ShouldEscalateOverall => dialogue.should_escalate_overall,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    #[default]
    Train,
    Dev,
    Test,
}

/// Which dialogues to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum SplitFilter {
    #[default]
    All,
    Train,
    Dev,
    Test,
}

impl SplitFilter {
    pub fn keeps(self, split: Split) -> bool {
        match self {
            SplitFilter::All => true,
            SplitFilter::Train => split == Split::Train,
            SplitFilter::Dev => split == Split::Dev,
            SplitFilter::Test => split == Split::Test,
        }
    }
}

impl Split {
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Dev => "dev",
            Split::Test => "test",
        }
    }
}

/// The split of a dialogue: `fnv1a64(dialogue_id as UTF-8) % 10`, 0 → test, 1 → dev,
/// 2..9 → train. The same in Python:
///
/// ```text
/// python3 -c 'import functools,sys; h=functools.reduce(lambda h,b:((h^b)*0x100000001b3)%2**64, sys.argv[1].encode(), 0xcbf29ce484222325)%10; print("test" if h==0 else "dev" if h==1 else "train")' DIALOGUE_ID
/// ```
pub fn split_of(dialogue_id: &str) -> Split {
    match fnv1a64(dialogue_id.as_bytes()) % 10 {
        0 => Split::Test,
        1 => Split::Dev,
        _ => Split::Train,
    }
}

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Dialogue {
    /// Fills in what can be derived: a turn's `frustrated` from its label, `should_escalate`
    /// from the turns, `should_escalate_strict` from the mean ratings, the first frustrated
    /// user turn; and the split.
    pub fn complete(&mut self) {
        for turn in &mut self.turns {
            if turn.frustrated.is_none() {
                turn.frustrated = turn.label.map(|label| label <= 2);
            }
        }
        let frustrated: Vec<Option<bool>> = self.user_turns().map(|t| t.frustrated).collect();
        let means: Vec<f32> = self.user_turns().filter_map(|t| t.rating_mean).collect();
        if self.should_escalate.is_none() && frustrated.iter().any(Option::is_some) {
            self.should_escalate = Some(frustrated.contains(&Some(true)));
        }
        if self.should_escalate_strict.is_none() && !means.is_empty() {
            self.should_escalate_strict = Some(means.iter().any(|&m| m <= 2.0));
        }
        if self.first_frustrated_user_turn.is_none() {
            self.first_frustrated_user_turn = frustrated.iter().position(|&f| f == Some(true));
        }
        self.split = split_of(&self.dialogue_id);
    }

    pub fn user_turns(&self) -> impl Iterator<Item = &DialogueTurn> {
        self.turns.iter().filter(|t| t.speaker == Role::User)
    }
}

/// Reads the dialogues of one file in the split, at most `limit` of them.
pub fn load(
    path: &Path,
    split: SplitFilter,
    limit: Option<usize>,
) -> Result<Vec<Dialogue>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut dialogues = Vec::new();
    for (number, line) in BufReader::new(file).lines().enumerate() {
        if limit.is_some_and(|limit| dialogues.len() >= limit) {
            break;
        }
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut dialogue: Dialogue = serde_json::from_str(&line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), number + 1))?;
        dialogue.complete();
        if split.keeps(dialogue.split) {
            dialogues.push(dialogue);
        }
    }
    Ok(dialogues)
}

/// Reads several files; a dialogue id may appear only once across them.
pub fn load_all(
    paths: &[impl AsRef<Path>],
    split: SplitFilter,
    limit: Option<usize>,
) -> Result<Vec<Dialogue>, String> {
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        for dialogue in load(path.as_ref(), split, limit)? {
            if !seen.insert(dialogue.dialogue_id.clone()) {
                return Err(format!(
                    "{}: dialogue_id {} appears twice",
                    path.as_ref().display(),
                    dialogue.dialogue_id
                ));
            }
            all.push(dialogue);
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_and_python() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        // The Python one-liner of `split_of` gives 8822669227288097662 (% 10 = 2: train).
        assert_eq!(fnv1a64(b"uss_sgd-00000"), 8_822_669_227_288_097_662);
        assert_eq!(split_of("uss_sgd-00000"), Split::Train);
    }

    #[test]
    fn splits_about_one_tenth_test_one_tenth_dev() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("d-{i}")).collect();
        let count = |s| ids.iter().filter(|id| split_of(id) == s).count();
        assert!((800..1200).contains(&count(Split::Test)));
        assert!((800..1200).contains(&count(Split::Dev)));
    }

    #[test]
    fn derives_missing_labels_from_the_turns() {
        let line = r#"{"source":"s","dialogue_id":"d","extra":1,"turns":[
            {"speaker":"user","text":"hi","label":3,"rating_mean":3.0},
            {"speaker":"agent","text":"hello","label":null},
            {"speaker":"user","text":"no","label":2,"rating_mean":2.33}]}"#;
        let mut dialogue: Dialogue = serde_json::from_str(line).unwrap();
        dialogue.complete();
        assert_eq!(dialogue.turns[2].frustrated, Some(true));
        assert_eq!(dialogue.should_escalate, Some(true));
        assert_eq!(dialogue.should_escalate_strict, Some(false));
        assert_eq!(dialogue.should_escalate_overall, None);
        assert_eq!(dialogue.first_frustrated_user_turn, Some(1));
    }
}
