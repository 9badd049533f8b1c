//! The ONNX model as the batcher's [`Backend`]: what is queued is what the encoder produced.

use super::batcher::Backend;
use super::model::Model;
use super::queue::Tokens;
use super::tokenize::Encoded;
use super::{NluError, Scores};

/// One encoded utterance, unpadded: its length is its row width.
impl Tokens for Encoded {
    fn tokens(&self) -> usize {
        self.len()
    }
}

impl Backend for Model {
    type Input = Encoded;
    type Output = Scores;

    fn infer(&mut self, batch: &[&Encoded]) -> Result<Vec<Scores>, NluError> {
        #[cfg(feature = "fault-injection")]
        self.fault.panic_if_tripped();
        Model::infer(self, batch)
    }
}
