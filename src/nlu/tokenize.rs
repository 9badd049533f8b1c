//! Text to token ids with the model's own `tokenizer.json`: no padding, truncated to the
//! model's maximum length.

use std::path::Path;

use tokenizers::{Tokenizer, TruncationParams};

use super::NluError;

pub struct Encoder {
    tokenizer: Tokenizer,
}

impl Encoder {
    pub fn load(path: &Path, max_length: usize) -> Result<Self, NluError> {
        let mut tokenizer = Tokenizer::from_file(path)
            .map_err(|e| NluError::Load(format!("{}: {e}", path.display())))?;
        // Padding is done per batch; a fixed padding length would make every request pay for it.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length,
                ..Default::default()
            }))
            .map_err(|e| NluError::Load(e.to_string()))?;
        Ok(Self { tokenizer })
    }

    pub fn encode(&self, text: &str) -> Result<Vec<i64>, NluError> {
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| NluError::Tokenize(e.to_string()))?;
        Ok(encoding.get_ids().iter().map(|&id| i64::from(id)).collect())
    }
}
