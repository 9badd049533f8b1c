//! The ONNX model as the batcher's [`Backend`]: what is queued is what the encoder produced.

use super::batcher::Backend;
use super::model::Model;
use super::queue::Tokens;
use super::{NluError, Scores};

/// Token ids of one utterance, unpadded: its length is its row width.
impl Tokens for Vec<i64> {
    fn tokens(&self) -> usize {
        self.len()
    }
}

impl Backend for Model {
    type Input = Vec<i64>;
    type Output = Scores;

    fn infer(&mut self, batch: &[&Vec<i64>]) -> Result<Vec<Scores>, NluError> {
        let rows: Vec<&[i64]> = batch.iter().map(|ids| ids.as_slice()).collect();
        Model::infer(self, &rows)
    }
}
