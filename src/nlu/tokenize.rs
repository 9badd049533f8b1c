//! Text to model input with the model's own `tokenizer.json`: no padding; the customer's turn,
//! and for models that read context, the last word pieces of the bot's previous turn after it.
//!
//! The sequence is `[CLS] text [SEP]` or `[CLS] text [SEP] context [SEP]` (context with token
//! type 1), built exactly as `models/data.py` builds it for training.

use std::path::Path;

use tokenizers::{Tokenizer, TruncationParams};

use super::NluError;
use super::spec::InputSpec;

/// One utterance ready for the model: token ids and their token types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Encoded {
    pub ids: Vec<i64>,
    pub type_ids: Vec<i64>,
}

impl Encoded {
    /// Tokens in the sequence (what padding and the batch budget count).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

pub struct Encoder {
    tokenizer: Tokenizer,
    max_length: usize,
    input: Option<InputSpec>,
    cls: i64,
    sep: i64,
}

impl Encoder {
    pub fn load(
        path: &Path,
        max_length: usize,
        input: Option<InputSpec>,
    ) -> Result<Self, NluError> {
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
        let special = |token: &str| {
            tokenizer
                .token_to_id(token)
                .map(i64::from)
                .ok_or_else(|| NluError::Load(format!("{}: no {token} token", path.display())))
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        Ok(Self {
            tokenizer,
            max_length,
            input,
            cls,
            sep,
        })
    }

    /// The model input for `text`, with `context` (the bot's previous turn) when the model reads it.
    pub fn encode(&self, text: &str, context: Option<&str>) -> Result<Encoded, NluError> {
        let text_budget = self
            .input
            .as_ref()
            .map_or(self.max_length.saturating_sub(2), |i| i.text_tokens);
        let mut ids = Vec::with_capacity(text_budget + 2);
        ids.push(self.cls);
        ids.extend(self.pieces(text)?.into_iter().take(text_budget));
        ids.push(self.sep);
        let mut type_ids = vec![0; ids.len()];
        if let (Some(input), Some(context)) = (&self.input, context) {
            let pieces = self.pieces(context)?;
            let tail = &pieces[pieces.len().saturating_sub(input.context_tokens)..];
            if !tail.is_empty() {
                ids.extend_from_slice(tail);
                ids.push(self.sep);
                type_ids.resize(ids.len(), 1);
            }
        }
        Ok(Encoded { ids, type_ids })
    }

    /// Word-piece ids of a text, without special tokens.
    fn pieces(&self, text: &str) -> Result<Vec<i64>, NluError> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| NluError::Tokenize(e.to_string()))?;
        Ok(encoding.get_ids().iter().map(|&id| i64::from(id)).collect())
    }
}
