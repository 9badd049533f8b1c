//! `labels.json`: the model's version, output names, label order and tuned thresholds.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::NluError;

#[derive(Debug, Deserialize)]
pub struct ModelSpec {
    pub name: String,
    pub version: String,
    pub max_length: usize,
    pub sentiment: SentimentHead,
    pub emotions: EmotionHead,
    pub frustration: FrustrationHead,
    /// Models before the dialogue retrain have no dissatisfaction head.
    #[serde(default)]
    pub dissatisfaction: Option<ThresholdHead>,
    /// Models before the intent retrain have no intent heads.
    #[serde(default)]
    pub intents: Option<IntentHead>,
    /// How the context (the bot's previous turn) joins the customer's turn; absent for models
    /// that read the customer's turn alone.
    #[serde(default)]
    pub input: Option<InputSpec>,
}

#[derive(Debug, Deserialize)]
pub struct ThresholdHead {
    pub output: String,
    pub threshold: f32,
}

#[derive(Debug, Deserialize)]
pub struct IntentHead {
    pub output: String,
    pub labels: Vec<Arc<str>>,
    /// One decision threshold per intent, tuned on the paraphrase dev split.
    pub thresholds: Vec<f32>,
}

/// `[CLS] text [SEP] context [SEP]`: the customer's word pieces (at most `text_tokens`), then the
/// last `context_tokens` word pieces of the context with token type 1.
#[derive(Debug, Clone, Deserialize)]
pub struct InputSpec {
    pub text_tokens: usize,
    pub context_tokens: usize,
    /// Name of the graph's token-type input.
    pub token_type_ids: String,
}

#[derive(Debug, Deserialize)]
pub struct SentimentHead {
    pub output: String,
    /// Must be negative, neutral, positive.
    pub labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct EmotionHead {
    pub output: String,
    pub labels: Vec<Arc<str>>,
    /// One decision threshold per label, tuned on the dev split.
    pub thresholds: Vec<f32>,
}

#[derive(Debug, Deserialize)]
pub struct FrustrationHead {
    pub output: String,
    pub threshold: f32,
}

impl ModelSpec {
    pub fn load(path: &Path) -> Result<Self, NluError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| NluError::Load(format!("{}: {e}", path.display())))?;
        let spec: Self = serde_json::from_str(&text)
            .map_err(|e| NluError::Load(format!("{}: {e}", path.display())))?;
        spec.validate()
            .map_err(|e| NluError::Load(format!("{}: {e}", path.display())))?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), String> {
        if self.sentiment.labels != ["negative", "neutral", "positive"] {
            return Err(format!(
                "unexpected sentiment labels {:?}",
                self.sentiment.labels
            ));
        }
        if self.emotions.labels.len() != self.emotions.thresholds.len() {
            return Err("emotion labels and thresholds differ in length".into());
        }
        if let Some(intents) = &self.intents
            && intents.labels.len() != intents.thresholds.len()
        {
            return Err("intent labels and thresholds differ in length".into());
        }
        Ok(())
    }

    /// `name/version`, as reported with every assessment.
    pub fn model_version(&self) -> String {
        format!("{}/{}", self.name, self.version)
    }
}
