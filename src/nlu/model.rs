//! One ONNX Runtime session of the NLU graph: padded token ids in, [`Scores`] out.

use std::path::Path;
use std::sync::Arc;

use ndarray::Array2;
use ort::environment::Environment;
use ort::session::{Session, builder::GraphOptimizationLevel};
use ort::value::TensorRef;

use super::tokenize::Encoded;
use super::{ModelSpec, NluError, Scores, Sentiment};

pub struct Model {
    session: Session,
    spec: Arc<ModelSpec>,
    #[cfg(feature = "fault-injection")]
    pub(super) fault: super::fault::FaultSwitch,
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
        let named = [
            Some(&spec.sentiment.output),
            Some(&spec.emotions.output),
            Some(&spec.frustration.output),
            spec.dissatisfaction.as_ref().map(|h| &h.output),
            spec.intents.as_ref().map(|h| &h.output),
        ];
        for name in named.into_iter().flatten() {
            if !outputs.contains(&name.as_str()) {
                return Err(NluError::Load(format!(
                    "{}: labels.json names output `{name}`, the graph has {outputs:?}",
                    path.display()
                )));
            }
        }
        Ok(Self {
            session,
            spec,
            #[cfg(feature = "fault-injection")]
            fault: Default::default(),
        })
    }

    /// Scores a batch of encoded utterances, padded here to the longest one.
    pub fn infer(&mut self, batch: &[&Encoded]) -> Result<Vec<Scores>, NluError> {
        let (ids, mask, types) = pad(batch);
        let fail = |e: ort::Error| NluError::Inference(e.to_string());
        let spec = &self.spec;
        let mut inputs = ort::inputs![
            "input_ids" => TensorRef::from_array_view(&ids).map_err(fail)?,
            "attention_mask" => TensorRef::from_array_view(&mask).map_err(fail)?,
        ];
        if let Some(input) = &spec.input {
            inputs.push((
                input.token_type_ids.clone().into(),
                TensorRef::from_array_view(&types).map_err(fail)?.into(),
            ));
        }
        let outputs = self.session.run(inputs).map_err(fail)?;
        let rows = batch.len();
        let column = |name: &str, width: usize| -> Result<Vec<f32>, NluError> {
            let array = outputs
                .get(name)
                .ok_or_else(|| NluError::Inference(format!("the model has no output `{name}`")))?
                .try_extract_array::<f32>()
                .map_err(fail)?;
            let values = array.as_slice().ok_or_else(|| {
                NluError::Inference(format!("model output {name} is not contiguous"))
            })?;
            if values.len() != rows * width {
                return Err(NluError::Inference(format!(
                    "model output {name} does not match labels.json"
                )));
            }
            Ok(values.to_vec())
        };
        let n_emotions = spec.emotions.labels.len();
        let sentiment = column(&spec.sentiment.output, 3)?;
        let emotions = column(&spec.emotions.output, n_emotions)?;
        let frustration = column(&spec.frustration.output, 1)?;
        let dissatisfaction = match &spec.dissatisfaction {
            Some(head) => Some(column(&head.output, 1)?),
            None => None,
        };
        let intents = match &spec.intents {
            Some(head) => Some((head, column(&head.output, head.labels.len())?)),
            None => None,
        };
        Ok((0..rows)
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
                dissatisfaction: dissatisfaction.as_ref().map_or(0.0, |d| d[row]),
                intents: intents.as_ref().map_or_else(Vec::new, |(head, values)| {
                    let n = head.labels.len();
                    Scores::score_intents(
                        &head.labels,
                        &head.thresholds,
                        &values[row * n..(row + 1) * n],
                    )
                }),
            })
            .collect())
    }
}

/// Right-pads every sequence with zeros to the longest: token ids, the mask of real tokens, and
/// token types.
pub fn pad(batch: &[&Encoded]) -> (Array2<i64>, Array2<i64>, Array2<i64>) {
    let width = batch.iter().map(|e| e.len()).max().unwrap_or(0);
    let mut ids = Array2::<i64>::zeros((batch.len(), width));
    let mut mask = Array2::<i64>::zeros((batch.len(), width));
    let mut types = Array2::<i64>::zeros((batch.len(), width));
    for (row, encoded) in batch.iter().enumerate() {
        for (col, (&id, &kind)) in encoded.ids.iter().zip(&encoded.type_ids).enumerate() {
            ids[[row, col]] = id;
            mask[[row, col]] = 1;
            types[[row, col]] = kind;
        }
    }
    (ids, mask, types)
}

#[cfg(test)]
mod tests {
    use super::{Encoded, pad};

    #[test]
    fn pads_to_the_longest_sequence_and_masks_the_padding() {
        let pair = Encoded {
            ids: vec![101, 7, 102, 9, 102],
            type_ids: vec![0, 0, 0, 1, 1],
        };
        let single = Encoded {
            ids: vec![101, 102],
            type_ids: vec![0, 0],
        };
        let (ids, mask, types) = pad(&[&pair, &single]);
        assert_eq!(ids.shape(), [2, 5]);
        assert_eq!(ids.row(1).to_vec(), [101, 102, 0, 0, 0]);
        assert_eq!(mask.row(1).to_vec(), [1, 1, 0, 0, 0]);
        assert_eq!(mask.row(0).to_vec(), [1, 1, 1, 1, 1]);
        assert_eq!(types.row(0).to_vec(), [0, 0, 0, 1, 1]);
    }
}
