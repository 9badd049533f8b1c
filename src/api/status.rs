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

/// How a Converse stream ends when its next request cannot be read: `INVALID_ARGUMENT` for a
/// message that does not decode (bad protobuf, invalid UTF-8), `RESOURCE_EXHAUSTED` for one over
/// the size limit; logged and counted. `None` when the client went away (nobody to tell).
pub fn unreadable_request(error: Status) -> Option<Status> {
    let code = match error.code() {
        Code::Cancelled => {
            tracing::debug!(%error, "converse stream cancelled by the client");
            return None;
        }
        Code::OutOfRange | Code::ResourceExhausted => Code::ResourceExhausted,
        Code::Internal | Code::InvalidArgument | Code::DataLoss => Code::InvalidArgument,
        other => other,
    };
    tracing::warn!(%error, "converse stream ended: a request could not be read");
    telemetry::error(code_label(code));
    Some(Status::new(
        code,
        format!("request could not be read: {}", error.message()),
    ))
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
