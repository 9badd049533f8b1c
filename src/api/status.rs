//! Pipeline errors as gRPC status codes, counted by code.

use tonic::{Code, Status};

use crate::pipeline::PipelineError;
use crate::telemetry;

pub fn code(error: &PipelineError) -> Code {
    match error {
        PipelineError::InvalidArgument(_) => Code::InvalidArgument,
        PipelineError::ResourceExhausted(_) => Code::ResourceExhausted,
        PipelineError::NotFound(_) => Code::NotFound,
        PipelineError::Unavailable(_) => Code::Unavailable,
        PipelineError::Internal(_) => Code::Internal,
        PipelineError::Unauthenticated(_) => Code::Unauthenticated,
        PipelineError::PermissionDenied(_) => Code::PermissionDenied,
    }
}

/// The status for `error`, counted in `rapport_errors_total`.
pub fn status(error: &PipelineError) -> Status {
    let code = code(error);
    telemetry::error(code_label(code));
    Status::new(code, error.to_string())
}

pub fn code_label(code: Code) -> &'static str {
    match code {
        Code::InvalidArgument => "invalid_argument",
        Code::ResourceExhausted => "resource_exhausted",
        Code::NotFound => "not_found",
        Code::Unavailable => "unavailable",
        Code::Unauthenticated => "unauthenticated",
        Code::PermissionDenied => "permission_denied",
        _ => "internal",
    }
}
