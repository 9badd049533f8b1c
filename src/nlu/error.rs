//! Errors of the NLU stage.

/// Why an utterance could not be scored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum NluError {
    #[error("loading the model failed: {0}")]
    Load(String),
    #[error("text is longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error("tokenizing failed: {0}")]
    Tokenize(String),
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("the scoring queue is full")]
    Overloaded,
    #[error(
        "the inference thread has stopped: this server scores no more turns (health is NOT_SERVING)"
    )]
    Stopped,
}
