//! `--plot DIR`: SVG charts of a report — per source, ROC curves of the turn score and of each
//! dialogue's peak risk; and "risk over turns" for six dialogues (three positives, three
//! negatives, picked by a hash of their ids), frustrated turns and the escalation marked.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::dialogue::{Target, fnv1a64};
use super::metrics::{roc_auc, roc_curve};
use super::report::{DialogueOutcome, Report};

const SIZE: (u32, u32) = (720, 540);
const FONT: &str = "sans-serif";
const CURVE_COLOURS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

/// Writes every chart into `dir` (created if needed); returns the files written.
pub fn write(dir: &Path, report: &Report) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for source in &report.sources {
        let outcomes: Vec<&DialogueOutcome> = report
            .dialogues
            .iter()
            .filter(|o| source.source == super::report::ALL || o.source == source.source)
            .collect();
        let path = dir.join(format!("roc-{}.svg", file_name(&source.source)));
        roc_chart(&path, &source.source, &outcomes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    for outcome in pick_examples(&report.dialogues) {
        let path = dir.join(format!("risk-{}.svg", file_name(&outcome.dialogue_id)));
        risk_chart(&path, outcome).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Three dialogues labelled `should_escalate` and three not, each with at least three scored
/// customer turns, in the order of a hash of their ids (the same on every run, and not just
/// the first lines of the first file).
pub fn pick_examples(dialogues: &[DialogueOutcome]) -> Vec<&DialogueOutcome> {
    let mut candidates: Vec<&DialogueOutcome> = dialogues
        .iter()
        .filter(|o| o.turns.len() >= 3 && o.should_escalate.is_some())
        .collect();
    candidates.sort_by_key(|o| fnv1a64(o.dialogue_id.as_bytes()));
    let of = |label: bool| {
        candidates
            .iter()
            .copied()
            .filter(move |o| o.should_escalate == Some(label))
            .take(3)
    };
    of(true).chain(of(false)).collect()
}

fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

type Failure = Box<dyn std::error::Error>;

fn roc_chart(path: &Path, source: &str, outcomes: &[&DialogueOutcome]) -> Result<(), Failure> {
    let (turn_scores, turn_labels): (Vec<f32>, Vec<bool>) = outcomes
        .iter()
        .flat_map(|o| &o.turns)
        .filter_map(|t| Some((t.score, t.frustrated?)))
        .unzip();
    let mut curves = vec![(
        "turn score vs frustrated turn".to_string(),
        roc_curve(&turn_scores, &turn_labels),
        roc_auc(&turn_scores, &turn_labels),
    )];
    for target in Target::ALL {
        let (peaks, labels): (Vec<f32>, Vec<bool>) = outcomes
            .iter()
            .filter_map(|o| Some((o.peak_risk?, o.label(target)?)))
            .unzip();
        curves.push((
            format!("peak risk vs {}", target.name()),
            roc_curve(&peaks, &labels),
            roc_auc(&peaks, &labels),
        ));
    }

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("ROC — {source}"), (FONT, 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(52)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .x_desc("false-positive rate")
        .y_desc("true-positive rate")
        .draw()?;
    chart.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.3)))?;
    for ((name, points, auc), colour) in curves.into_iter().zip(CURVE_COLOURS) {
        if points.is_empty() {
            continue;
        }
        let auc = auc.map_or_else(|| "-".into(), |a| format!("{a:.3}"));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))?
            .label(format!("{name} (AUC {auc})"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, 14))
        .draw()?;
    root.present()?;
    Ok(())
}

fn risk_chart(path: &Path, outcome: &DialogueOutcome) -> Result<(), Failure> {
    let last = outcome.turns.iter().map(|t| t.user_turn).max().unwrap_or(0) as f64;
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let label = match outcome.should_escalate {
        Some(true) => "labelled: should escalate",
        Some(false) => "labelled: fine",
        None => "unlabelled",
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{} — {label}", outcome.dialogue_id), (FONT, 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(52)
        .build_cartesian_2d(-0.5f64..last + 0.5, 0f64..1.05f64)?;
    chart
        .configure_mesh()
        .x_desc("customer turn")
        .y_desc("score")
        .x_labels((last as usize + 2).min(20))
        .draw()?;

    let frustrated = RGBColor(214, 39, 40);
    chart
        .draw_series(
            outcome
                .turns
                .iter()
                .filter(|t| t.frustrated == Some(true))
                .map(|t| {
                    let x = t.user_turn as f64;
                    Rectangle::new(
                        [(x - 0.4, 0.0), (x + 0.4, 1.05)],
                        frustrated.mix(0.15).filled(),
                    )
                }),
        )?
        .label("labelled frustrated turn")
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 5), (x + 20, y + 5)], frustrated.mix(0.3).filled())
        });
    if let Some(turn) = outcome.escalation_turn {
        let x = turn as f64;
        let colour = RGBColor(255, 127, 14);
        chart
            .draw_series(LineSeries::new(
                [(x, 0.0), (x, 1.05)],
                colour.stroke_width(3),
            ))?
            .label(format!("escalation (turn {turn})"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(3)));
    }
    let blue = CURVE_COLOURS[0];
    chart
        .draw_series(LineSeries::new(
            outcome
                .turns
                .iter()
                .map(|t| (t.user_turn as f64, f64::from(t.risk))),
            blue.stroke_width(2),
        ))?
        .label("conversation risk")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], blue.stroke_width(2)));
    let grey = RGBColor(90, 90, 90);
    chart
        .draw_series(
            outcome
                .turns
                .iter()
                .map(|t| Circle::new((t.user_turn as f64, f64::from(t.score)), 4, grey.filled())),
        )?
        .label("turn score")
        .legend(move |(x, y)| Circle::new((x + 10, y), 4, grey.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, 14))
        .draw()?;
    root.present()?;
    Ok(())
}
