//! The eval report: each dialogue's outcome, the metrics per source and over all sources,
//! a plain-text table for the terminal and the full report as JSON.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Serialize;

use super::dialogue::{Dialogue, Split, SplitFilter, Target};
use super::metrics::{Confusion, median, roc_auc};
use super::readout::{risk, turn_score};
use super::replay::Replayed;

/// The name of the table over every source.
pub const ALL: &str = "all";

/// One scored customer turn.
#[derive(Debug, Clone, Serialize)]
pub struct TurnPoint {
    /// Index over the dialogue's user turns.
    pub user_turn: usize,
    pub score: f32,
    pub risk: f32,
    /// An escalate signal fired on this turn.
    pub escalated: bool,
    pub frustrated: Option<bool>,
    pub label: Option<u8>,
}

/// What the replay of one dialogue did, next to its labels.
#[derive(Debug, Clone, Serialize)]
pub struct DialogueOutcome {
    pub source: String,
    pub dialogue_id: String,
    pub split: Split,
    pub should_escalate: Option<bool>,
    pub should_escalate_strict: Option<bool>,
    pub should_escalate_overall: Option<bool>,
    pub first_frustrated_user_turn: Option<usize>,
    pub customer_turns: usize,
    pub refused_turns: usize,
    /// The highest risk over the scored customer turns.
    pub peak_risk: Option<f32>,
    /// The user turn of the first escalate signal.
    pub escalation_turn: Option<usize>,
    /// Rule ids of every signal fired, in order.
    pub rules: Vec<String>,
    pub turns: Vec<TurnPoint>,
}

impl DialogueOutcome {
    pub fn new(dialogue: &Dialogue, replayed: &Replayed) -> Self {
        let labels: Vec<_> = dialogue.user_turns().collect();
        let turns: Vec<TurnPoint> = replayed
            .customer_turns
            .iter()
            .filter_map(|turn| {
                let facts = turn.facts.as_ref()?;
                let labelled = labels.get(turn.user_turn);
                Some(TurnPoint {
                    user_turn: turn.user_turn,
                    score: turn_score(facts),
                    risk: risk(facts),
                    escalated: turn.fired.iter().any(|f| f.escalate),
                    frustrated: labelled.and_then(|t| t.frustrated),
                    label: labelled.and_then(|t| t.label),
                })
            })
            .collect();
        Self {
            source: dialogue.source.clone(),
            dialogue_id: dialogue.dialogue_id.clone(),
            split: dialogue.split,
            should_escalate: dialogue.should_escalate,
            should_escalate_strict: dialogue.should_escalate_strict,
            should_escalate_overall: dialogue.should_escalate_overall,
            first_frustrated_user_turn: dialogue.first_frustrated_user_turn,
            customer_turns: replayed.customer_turns.len(),
            refused_turns: replayed.refused.len(),
            peak_risk: turns.iter().map(|t| t.risk).reduce(f32::max),
            escalation_turn: turns.iter().find(|t| t.escalated).map(|t| t.user_turn),
            rules: replayed
                .customer_turns
                .iter()
                .flat_map(|t| t.fired.iter().map(|f| f.rule_id.clone()))
                .collect(),
            turns,
        }
    }

    pub fn label(&self, target: Target) -> Option<bool> {
        match target {
            Target::ShouldEscalate => self.should_escalate,
            Target::ShouldEscalateStrict => self.should_escalate_strict,
            Target::ShouldEscalateOverall => self.should_escalate_overall,
        }
    }

    pub fn escalated(&self) -> bool {
        self.escalation_turn.is_some()
    }
}

/// How early escalated positives were escalated: customer turns from the first frustrated
/// turn to the first escalation (negative: before it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timing {
    /// Escalated positives that have a first frustrated turn.
    pub dialogues: usize,
    pub median_turns: Option<f64>,
    /// Share escalated at most one customer turn after the first frustrated one.
    pub within_one_turn: Option<f64>,
}

/// The escalation decisions measured against one dialogue label.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub target: Target,
    /// Dialogues that have this label.
    pub labelled: usize,
    pub positives: usize,
    pub confusion: Confusion,
    pub escalation_rate: Option<f64>,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    /// Escalated negatives / negatives.
    pub false_escalation_rate: Option<f64>,
    /// Recall − false-escalation rate.
    pub youden_j: Option<f64>,
    /// ROC-AUC of each dialogue's peak risk against the label.
    pub peak_risk_auc: Option<f64>,
    pub timing: Timing,
}

impl TargetReport {
    fn build(target: Target, outcomes: &[&DialogueOutcome]) -> Self {
        let labelled: Vec<(&DialogueOutcome, bool)> = outcomes
            .iter()
            .filter_map(|o| Some((*o, o.label(target)?)))
            .collect();
        let mut confusion = Confusion::default();
        for (outcome, label) in &labelled {
            confusion.add(outcome.escalated(), *label);
        }
        let (peaks, peak_labels): (Vec<f32>, Vec<bool>) = labelled
            .iter()
            .filter_map(|(o, label)| Some((o.peak_risk?, *label)))
            .unzip();
        let delays: Vec<f64> = labelled
            .iter()
            .filter(|(_, label)| *label)
            .filter_map(|(o, _)| {
                Some(o.escalation_turn? as f64 - o.first_frustrated_user_turn? as f64)
            })
            .collect();
        let in_time = delays.iter().filter(|&&d| d <= 1.0).count();
        Self {
            target,
            labelled: labelled.len(),
            positives: confusion.positives(),
            escalation_rate: confusion.rate(),
            precision: confusion.precision(),
            recall: confusion.recall(),
            false_escalation_rate: confusion.false_positive_rate(),
            youden_j: confusion.youden_j(),
            confusion,
            peak_risk_auc: roc_auc(&peaks, &peak_labels),
            timing: Timing {
                dialogues: delays.len(),
                median_turns: median(&delays),
                within_one_turn: (!delays.is_empty()).then(|| in_time as f64 / delays.len() as f64),
            },
        }
    }
}

/// The metrics of one source (or of all).
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub source: String,
    pub dialogues: usize,
    pub customer_turns: usize,
    pub refused_turns: usize,
    /// ROC-AUC of the turn score against the turn's `frustrated` label.
    pub turn_auc: Option<f64>,
    pub targets: Vec<TargetReport>,
    /// Signals fired, by rule id.
    pub rules: BTreeMap<String, usize>,
}

impl SourceReport {
    pub fn build(source: &str, outcomes: &[&DialogueOutcome]) -> Self {
        let (scores, labels): (Vec<f32>, Vec<bool>) = outcomes
            .iter()
            .flat_map(|o| &o.turns)
            .filter_map(|t| Some((t.score, t.frustrated?)))
            .unzip();
        let mut rules = BTreeMap::new();
        for rule in outcomes.iter().flat_map(|o| &o.rules) {
            *rules.entry(rule.clone()).or_default() += 1;
        }
        Self {
            source: source.to_string(),
            dialogues: outcomes.len(),
            customer_turns: outcomes.iter().map(|o| o.customer_turns).sum(),
            refused_turns: outcomes.iter().map(|o| o.refused_turns).sum(),
            turn_auc: roc_auc(&scores, &labels),
            targets: Target::ALL
                .iter()
                .map(|&t| TargetReport::build(t, outcomes))
                .collect(),
            rules,
        }
    }

    pub fn target(&self, target: Target) -> &TargetReport {
        self.targets.iter().find(|t| t.target == target).unwrap()
    }
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub model_version: String,
    /// `in-process` or the target server's URL.
    pub mode: String,
    pub split: SplitFilter,
    /// One per source in order of appearance, then [`ALL`].
    pub sources: Vec<SourceReport>,
    pub dialogues: Vec<DialogueOutcome>,
}

impl Report {
    pub fn build(
        dialogues: &[Dialogue],
        replayed: &[Replayed],
        mode: &str,
        split: SplitFilter,
    ) -> Self {
        let outcomes: Vec<DialogueOutcome> = dialogues
            .iter()
            .zip(replayed)
            .map(|(d, r)| DialogueOutcome::new(d, r))
            .collect();
        let mut names: Vec<&str> = Vec::new();
        for outcome in &outcomes {
            if !names.contains(&outcome.source.as_str()) {
                names.push(&outcome.source);
            }
        }
        let mut sources: Vec<SourceReport> = names
            .iter()
            .map(|name| {
                let mine: Vec<&DialogueOutcome> =
                    outcomes.iter().filter(|o| o.source == *name).collect();
                SourceReport::build(name, &mine)
            })
            .collect();
        sources.push(SourceReport::build(
            ALL,
            &outcomes.iter().collect::<Vec<_>>(),
        ));
        Self {
            model_version: replayed
                .iter()
                .map(|r| r.model_version.as_str())
                .find(|v| !v.is_empty())
                .unwrap_or_default()
                .to_string(),
            mode: mode.to_string(),
            split,
            sources,
            dialogues: outcomes,
        }
    }

    pub fn source(&self, name: &str) -> Option<&SourceReport> {
        self.sources.iter().find(|s| s.source == name)
    }
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== {}: {} dialogues, {} customer turns ({} refused)",
            self.source, self.dialogues, self.customer_turns, self.refused_turns
        )?;
        writeln!(
            f,
            "turn ROC-AUC (turn score vs frustrated): {}",
            number(self.turn_auc)
        )?;
        let mut header = format!("{:<30}", "");
        for target in &self.targets {
            write!(header, "{:>25}", target.target.name())?;
        }
        writeln!(f, "{header}")?;
        // A row's label and how to render its cell for one target.
        type Row = (&'static str, fn(&TargetReport) -> String);
        let rows: [Row; 10] = [
            ("positives", |t| format!("{} / {}", t.positives, t.labelled)),
            ("escalation rate", |t| percent(t.escalation_rate)),
            ("precision", |t| number(t.precision)),
            ("recall", |t| number(t.recall)),
            ("false-escalation rate", |t| number(t.false_escalation_rate)),
            ("Youden's J", |t| number(t.youden_j)),
            ("peak-risk ROC-AUC", |t| number(t.peak_risk_auc)),
            ("timed escalations", |t| t.timing.dialogues.to_string()),
            ("median turns after 1st frustr.", |t| {
                number(t.timing.median_turns)
            }),
            ("share within <= 1 turn", |t| {
                percent(t.timing.within_one_turn)
            }),
        ];
        for (name, cell) in rows {
            write!(f, "{name:<30}")?;
            for target in &self.targets {
                write!(f, "{:>25}", cell(target))?;
            }
            writeln!(f)?;
        }
        write!(f, "rules fired:")?;
        if self.rules.is_empty() {
            write!(f, " none")?;
        }
        for (rule, count) in &self.rules {
            write!(f, " {rule} {count};")?;
        }
        writeln!(f)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rapport eval — model {}, {}, split {:?}",
            self.model_version, self.mode, self.split
        )?;
        for source in &self.sources {
            writeln!(f)?;
            write!(f, "{source}")?;
        }
        Ok(())
    }
}
