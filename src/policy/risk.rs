//! The escalation-risk model: a logistic regression over the conversation's [`RiskFeatures`],
//! fitted on labelled dialogues by `models/fit_risk.py` and shipped as `risk.json` beside the
//! ONNX model. Evaluated here in pure Rust; loading the file is the caller's job.
//!
//! `risk = sigmoid(bias + Σ weight·value)`; a driver's contribution is `weight·(value − mean)`,
//! how far that feature moved the log-odds from an average training turn.

use serde::Deserialize;

use crate::conversation::{Risk, RiskDriver, RiskFeatures};

/// Drivers named in an assessment and an explanation.
const TOP_DRIVERS: usize = 3;

#[derive(Debug, Clone, Deserialize)]
pub struct RiskTerm {
    pub feature: String,
    pub weight: f32,
    /// The feature's mean on the training turns.
    pub mean: f32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RiskModel {
    pub version: String,
    pub bias: f32,
    pub terms: Vec<RiskTerm>,
    /// Default escalation threshold, chosen on dev for a target false-escalation rate.
    pub operating_point: f32,
}

impl RiskModel {
    /// Parses `risk.json`; every term must name a known feature.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let model: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let known = RiskFeatures::default();
        if let Some(term) = model.terms.iter().find(|t| known.get(&t.feature).is_none()) {
            return Err(format!("unknown risk feature {:?}", term.feature));
        }
        if !(0.0..=1.0).contains(&model.operating_point) {
            return Err("operating_point must be within 0..1".into());
        }
        Ok(model)
    }

    /// The risk of a conversation with these features, and what drove it.
    pub fn assess(&self, features: &RiskFeatures) -> Risk {
        let named = features.named();
        let mut logit = self.bias;
        let mut drivers = Vec::with_capacity(self.terms.len());
        for term in &self.terms {
            let Some(&(feature, value)) = named.iter().find(|(n, _)| *n == term.feature) else {
                continue;
            };
            logit += term.weight * value;
            drivers.push(RiskDriver {
                feature,
                value,
                contribution: term.weight * (value - term.mean),
            });
        }
        drivers.retain(|d| d.contribution > 0.0);
        drivers.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        drivers.truncate(TOP_DRIVERS);
        Risk {
            value: 1.0 / (1.0 + (-logit).exp()),
            operating_point: self.operating_point,
            drivers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> RiskModel {
        RiskModel::from_json(
            r#"{"version": "t", "bias": -3.0, "operating_point": 0.5, "terms": [
                {"feature": "dissatisfaction", "weight": 4.0, "mean": 0.1},
                {"feature": "repeated", "weight": 1.0, "mean": 0.05}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn weighs_features_into_a_probability_and_names_the_drivers() {
        let calm = model().assess(&RiskFeatures::default());
        assert!((calm.value - 1.0 / (1.0 + 3.0_f32.exp())).abs() < 1e-6);
        assert!(calm.drivers.is_empty());
        let upset = model().assess(&RiskFeatures {
            dissatisfaction: 0.9,
            repeated: 1.0,
            ..RiskFeatures::default()
        });
        assert!((upset.value - 1.0 / (1.0 + (-1.6_f32).exp())).abs() < 1e-6);
        let names: Vec<_> = upset.drivers.iter().map(|d| d.feature).collect();
        assert_eq!(names, ["dissatisfaction", "repeated"]);
    }

    #[test]
    fn rejects_unknown_features_and_bad_operating_points() {
        let unknown = r#"{"version": "t", "bias": 0, "operating_point": 0.5,
            "terms": [{"feature": "shoe_size", "weight": 1, "mean": 0}]}"#;
        assert!(RiskModel::from_json(unknown).is_err());
        let bad = r#"{"version": "t", "bias": 0, "operating_point": 2, "terms": []}"#;
        assert!(RiskModel::from_json(bad).is_err());
    }
}
