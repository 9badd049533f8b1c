//! One ONNX Runtime session of the NLU graph: padded token ids in, [`Scores`] out.

use std::path::Path;
use std::sync::Arc;

use ndarray::Array2;
use ort::environment::Environment;
use ort::session::{Session, builder::GraphOptimizationLevel};
use ort::value::TensorRef;

use super::{ModelSpec, NluError, Scores, Sentiment};

pub struct Model {
    session: Session,
    spec: Arc<ModelSpec>,
}

impl Model {
    pub fn load(
        environment: &Environment,
        path: &Path,
        spec: Arc<ModelSpec>,
        threads: usize,
    ) -> Result<Self, NluError> {
        let load = |e: ort::Error| NluError::Load(format!("{}: {e}", path.display()));
        let session = Session::builder(environment)
            .map_err(load)?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| load(e.into()))?
            .with_intra_threads(threads.max(1))
            .map_err(|e| load(e.into()))?
            .commit_from_file(path)
            .map_err(load)?;
        // An output named in labels.json but missing from the graph would otherwise only
        // surface at the first inference; refuse it at start instead.
        let outputs: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
        for name in [
            &spec.sentiment.output,
            &spec.emotions.output,
            &spec.frustration.output,
        ] {
            if !outputs.contains(&name.as_str()) {
                return Err(NluError::Load(format!(
                    "{}: labels.json names output `{name}`, the graph has {outputs:?}",
                    path.display()
                )));
            }
        }
        Ok(Self { session, spec })
    }

    /// Scores a batch of token-id sequences, padded here to the longest one.
    pub fn infer(&mut self, batch: &[&[i64]]) -> Result<Vec<Scores>, NluError> {
        let (ids, mask) = pad(batch);
        let fail = |e: ort::Error| NluError::Inference(e.to_string());
        let outputs = self
            .session
            .run(ort::inputs![
                "input_ids" => TensorRef::from_array_view(&ids).map_err(fail)?,
                "attention_mask" => TensorRef::from_array_view(&mask).map_err(fail)?,
            ])
            .map_err(fail)?;
        let spec = &self.spec;
        let output = |name: &str| {
            outputs
                .get(name)
                .ok_or_else(|| NluError::Inference(format!("the model has no output `{name}`")))?
                .try_extract_array::<f32>()
                .map_err(fail)
        };
        let sentiment = output(&spec.sentiment.output)?;
        let emotions = output(&spec.emotions.output)?;
        let frustration = output(&spec.frustration.output)?;
        let (sentiment, emotions) = (sentiment.as_slice(), emotions.as_slice());
        let (Some(sentiment), Some(emotions), Some(frustration)) =
            (sentiment, emotions, frustration.as_slice())
        else {
            return Err(NluError::Inference(
                "model outputs are not contiguous".into(),
            ));
        };
        let n_emotions = spec.emotions.labels.len();
        if sentiment.len() != batch.len() * 3
            || emotions.len() != batch.len() * n_emotions
            || frustration.len() != batch.len()
        {
            return Err(NluError::Inference(
                "model outputs do not match labels.json".into(),
            ));
        }
        Ok((0..batch.len())
            .map(|row| Scores {
                sentiment: Sentiment {
                    negative: sentiment[row * 3],
                    neutral: sentiment[row * 3 + 1],
                    positive: sentiment[row * 3 + 2],
                },
                top_emotions: Scores::pick_emotions(
                    &spec.emotions.labels,
                    &spec.emotions.thresholds,
                    &emotions[row * n_emotions..(row + 1) * n_emotions],
                ),
                frustration: frustration[row],
            })
            .collect())
    }
}

/// Right-pads every sequence with zeros to the longest; the mask marks real tokens.
pub fn pad(batch: &[&[i64]]) -> (Array2<i64>, Array2<i64>) {
    let width = batch.iter().map(|ids| ids.len()).max().unwrap_or(0);
    let mut ids = Array2::<i64>::zeros((batch.len(), width));
    let mut mask = Array2::<i64>::zeros((batch.len(), width));
    for (row, sequence) in batch.iter().enumerate() {
        for (col, &id) in sequence.iter().enumerate() {
            ids[[row, col]] = id;
            mask[[row, col]] = 1;
        }
    }
    (ids, mask)
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn pads_to_the_longest_sequence_and_masks_the_padding() {
        let (ids, mask) = pad(&[&[101, 7, 102], &[101, 102]]);
        assert_eq!(ids.shape(), [2, 3]);
        assert_eq!(ids.row(1).to_vec(), [101, 102, 0]);
        assert_eq!(mask.row(1).to_vec(), [1, 1, 0]);
        assert_eq!(mask.row(0).to_vec(), [1, 1, 1]);
    }
}
