//! The subcommands of the `rapport` binary.

pub mod assess;
pub mod eval;
pub mod eval_intents;
pub mod flags;
pub mod hash_token;
pub mod replay;
pub mod serve;

use std::sync::Arc;

use rapport::config::Config;
use rapport::nlu::Nlu;
use rapport::pipeline::Pipeline;

/// Loads the model and builds the pipeline, as every subcommand does.
pub fn pipeline(config: &Config) -> Result<Arc<Pipeline>, String> {
    let nlu = Nlu::load(&config.nlu).map_err(|e| e.to_string())?;
    Ok(Arc::new(Pipeline::new(Arc::new(nlu), config)?))
}
