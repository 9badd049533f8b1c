//! The process-wide ONNX Runtime environment, loaded once from an explicit library path.
//!
//! ONNX Runtime allows one environment per process, and the PyPI wheel ships only
//! `libonnxruntime.so.<version>`, so the default library lookup cannot be relied on.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;

use super::NluError;

static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The environment, created on first call. Later calls return the same one; the library
/// path of the first call wins.
pub fn environment(explicit: Option<&Path>) -> Result<&'static Environment, NluError> {
    ENVIRONMENT
        .get_or_init(|| {
            let library = library_path(explicit).ok_or_else(|| {
                "libonnxruntime not found: install the wheel (`python3 -m pip install onnxruntime==1.31.1`) \
                 and rebuild, or set ORT_DYLIB_PATH"
                    .to_string()
            })?;
            ort::init_from(&library)
                .map_err(|e| format!("{}: {e}", library.display()))?
                .with_name("rapport")
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| NluError::Load(e.clone()))
}

/// Configured path, then `ORT_DYLIB_PATH`, then the wheel found when rapport was built.
fn library_path(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("ORT_DYLIB_PATH").map(PathBuf::from))
        .or_else(|| option_env!("RAPPORT_ORT_DYLIB").map(PathBuf::from))
}
