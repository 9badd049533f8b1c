//! Pipeline errors as gRPC status codes (the one place they are mapped), counted by code.

use tonic::{Code, Status};

use crate::auth::Denied;
use crate::nlu::NluError;
use crate::pipeline::PipelineError;
use crate::telemetry;

pub fn code(error: &PipelineError) -> Code {
    match error {
        PipelineError::Invalid(_) | PipelineError::EmptyText => Code::InvalidArgument,
        PipelineError::Model(error) => match error {
            NluError::TooLong { .. } => Code::InvalidArgument,
            NluError::Overloaded => Code::ResourceExhausted,
            NluError::Stopped => Code::Unavailable,
            NluError::Load(_) | NluError::Tokenize(_) | NluError::Inference(_) => Code::Internal,
        },
        PipelineError::StoreFull(_)
        | PipelineError::ConversationFull { .. }
        | PipelineError::OverQuota(_) => Code::ResourceExhausted,
        PipelineError::UnknownConversation => Code::NotFound,
        PipelineError::ShuttingDown => Code::Unavailable,
        PipelineError::Denied(Denied::Unauthenticated(_)) => Code::Unauthenticated,
        PipelineError::Denied(Denied::PermissionDenied(_)) => Code::PermissionDenied,
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
