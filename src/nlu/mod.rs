//! NLU stage: text in, model scores out.
//!
//! Tokenizes on the caller, queues the token ids, and scores them in dynamic batches of similar
//! lengths on one dedicated inference thread running ONNX Runtime. It knows nothing of gRPC, conversations or
//! policy; the rest of the service sees only [`Nlu::score`] and [`Scores`].

mod backend;
mod batcher;
mod error;
#[cfg(feature = "fault-injection")]
mod fault;
mod model;
mod queue;
mod reread;
mod runtime;
mod scores;
mod spec;
mod tokenize;

pub use batcher::{Backend, BatchConfig, Run};
pub use error::NluError;
pub use model::{Model, pad};
pub use queue::Tokens;
pub use scores::{EmotionScore, IntentScore, Scores, Sentiment};
pub use spec::ModelSpec;
pub use tokenize::Encoded;
pub use tokenize::Encoder;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use batcher::Batcher;

/// When one utterance went through the NLU stages (for tracing): tokenized from
/// `tokenize_start` to `queued`, then waited until `run.started`, scored until `run.finished`.
#[derive(Debug, Clone, Copy)]
pub struct NluTimes {
    pub tokenize_start: Instant,
    pub queued: Instant,
    pub run: Run,
}

/// Where the model lives and how to run it.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NluConfig {
    /// Folder holding `model.onnx`, `tokenizer.json` and `labels.json`.
    pub model_dir: PathBuf,
    /// `libonnxruntime.so`; `ORT_DYLIB_PATH` or the path found at build time when unset.
    pub onnxruntime_lib: Option<PathBuf>,
    /// ONNX Runtime intra-op threads for the inference thread.
    pub threads: usize,
    /// Longest accepted utterance, in bytes; longer turns are rejected, not truncated silently.
    pub max_text_bytes: usize,
    /// `[nlu.batch]`: dynamic batching.
    pub batch: BatchConfig,
    /// Read a turn again without the bot's turn when the read in context hints at an intent
    /// (about 9% of turns), its intents the mean of both reads (see `reread`). Off: intents as
    /// read in context, which misses about one request in ten.
    pub reread_intents: bool,
}

impl Default for NluConfig {
    fn default() -> Self {
        Self {
            model_dir: default_model_dir(),
            onnxruntime_lib: None,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_text_bytes: 4096,
            batch: BatchConfig::default(),
            reread_intents: true,
        }
    }
}

/// `models/rapport-nlu` next to the working directory, else the one in this source tree.
fn default_model_dir() -> PathBuf {
    let local = Path::new("models/rapport-nlu");
    if local.join("model.onnx").exists() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/rapport-nlu")
}

/// The tokenizer, labels and model session exactly as [`Nlu`] sets them up, without the
/// batcher: for benches that drive the model directly.
pub fn load_parts(config: &NluConfig) -> Result<(Encoder, Model, Arc<ModelSpec>), NluError> {
    let environment = runtime::environment(config.onnxruntime_lib.as_deref())?;
    let spec = Arc::new(ModelSpec::load(&config.model_dir.join("labels.json"))?);
    let encoder = Encoder::load(
        &config.model_dir.join("tokenizer.json"),
        spec.max_length,
        spec.input.clone(),
    )?;
    let model = Model::load(
        environment,
        &config.model_dir.join("model.onnx"),
        spec.clone(),
        config.threads,
    )?;
    Ok((encoder, model, spec))
}

/// The answer to a queued request; a dropped reply means the inference thread stopped.
async fn answered(answer: batcher::Answer<Scores>) -> Result<batcher::Ran<Scores>, NluError> {
    answer.await.map_err(|_| NluError::Stopped)?
}

/// The loaded model behind its batching queue. Cheap to share behind an `Arc`.
pub struct Nlu {
    encoder: Encoder,
    batcher: Batcher<Model>,
    spec: Arc<ModelSpec>,
    max_text_bytes: usize,
    reread_intents: bool,
    #[cfg(feature = "fault-injection")]
    fault: fault::FaultSwitch,
}

impl Nlu {
    /// Loads tokenizer, labels and model, and starts the inference thread.
    pub fn load(config: &NluConfig) -> Result<Self, NluError> {
        let (encoder, model, spec) = load_parts(config)?;
        #[cfg(feature = "fault-injection")]
        let fault = model.fault.clone();
        let batcher = Batcher::spawn(model, config.batch.clone());
        Ok(Self {
            encoder,
            batcher,
            spec,
            max_text_bytes: config.max_text_bytes,
            reread_intents: config.reread_intents,
            #[cfg(feature = "fault-injection")]
            fault,
        })
    }

    /// Scores one utterance, read after `context` (the bot's previous turn) when the model
    /// reads context. Fails fast with [`NluError::Overloaded`] when the queue is full.
    pub async fn score(&self, text: &str, context: Option<&str>) -> Result<Scores, NluError> {
        Ok(self.score_timed(text, context).await?.0)
    }

    /// [`Nlu::score`], and when each of its stages ran.
    pub async fn score_timed(
        &self,
        text: &str,
        context: Option<&str>,
    ) -> Result<(Scores, NluTimes), NluError> {
        if text.len() > self.max_text_bytes {
            return Err(NluError::TooLong {
                limit: self.max_text_bytes,
            });
        }
        let tokenize_start = Instant::now();
        let ids = self.encoder.encode(text, context)?;
        let queued = Instant::now();
        let ran = self.run(ids).await?;
        let mut scores = ran.output;
        let mut run = ran.run;
        if let Some(thresholds) = self.reread_thresholds(context, &scores) {
            // The second read continues a turn already in service, so it goes ahead of the
            // turns queued since. A full queue does not refuse a turn already scored: its
            // intents stay as read in context.
            match self.run_ahead(self.encoder.encode(text, None)?).await {
                Ok(alone) => {
                    crate::telemetry::intent_reread();
                    scores.intents =
                        reread::blend(&scores.intents, &alone.output.intents, thresholds);
                    run.finished = alone.run.finished;
                }
                Err(NluError::Overloaded) => {}
                Err(error) => return Err(error),
            }
        }
        let times = NluTimes {
            tokenize_start,
            queued,
            run,
        };
        Ok((scores, times))
    }

    async fn run(&self, ids: Encoded) -> Result<batcher::Ran<Scores>, NluError> {
        answered(self.batcher.submit(ids)?).await
    }

    /// [`Nlu::run`] ahead of the queued turns ([`Batcher::submit_ahead`]).
    async fn run_ahead(&self, ids: Encoded) -> Result<batcher::Ran<Scores>, NluError> {
        answered(self.batcher.submit_ahead(ids)?).await
    }

    /// The intent thresholds when a turn read after `context` is to be read again alone for
    /// its intents ([`reread`]); `None` when it is not.
    fn reread_thresholds(&self, context: Option<&str>, scores: &Scores) -> Option<&[f32]> {
        let read_in_context = context.is_some() && self.spec.input.is_some();
        let thresholds = &self.spec.intents.as_ref()?.thresholds;
        (self.reread_intents
            && read_in_context
            && reread::hints_at_intent(&scores.intents, thresholds))
        .then_some(thresholds.as_slice())
    }

    /// Longest accepted utterance, in bytes.
    pub fn max_text_bytes(&self) -> usize {
        self.max_text_bytes
    }

    /// Labels and version of the loaded model.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Whether the inference thread is running; health is `NOT_SERVING` once it is not.
    pub fn is_alive(&self) -> bool {
        self.batcher.is_alive()
    }

    /// Resolves once the inference thread has stopped.
    pub async fn stopped(&self) {
        self.batcher.stopped().await;
    }

    /// Requests waiting for the inference thread.
    pub fn queue_depth(&self) -> usize {
        self.batcher.depth()
    }
}
