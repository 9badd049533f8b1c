//! Why the pipeline refused a turn or a request, in the domain's terms. The gRPC layer maps
//! each to a status code in one place (`api::status`); `replay` and `eval` print them.

use crate::auth::Denied;
use crate::nlu::NluError;
use crate::quota::QuotaExceeded;
use crate::store::StoreFull;

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A malformed request: a missing or oversized id, an unknown speaker or channel, a bad
    /// timestamp.
    #[error("{0}")]
    Invalid(String),
    #[error("text is empty")]
    EmptyText,
    /// The model refused or failed: too long, queue full, inference thread gone.
    #[error(transparent)]
    Model(#[from] NluError),
    /// No room for a new conversation (count, bytes or the tenant's quota).
    #[error(transparent)]
    StoreFull(#[from] StoreFull),
    #[error(
        "the conversation reached conversation.max_turns ({max_turns}); end it and start a new one"
    )]
    ConversationFull { max_turns: usize },
    #[error("no such conversation (never seen, ended or expired)")]
    UnknownConversation,
    /// A tenant's turn rate.
    #[error(transparent)]
    OverQuota(#[from] QuotaExceeded),
    /// No valid token, or one that does not reach this far.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The server is shutting down and took nothing more.
    #[error("the server is shutting down: send this turn again on a new stream")]
    ShuttingDown,
}
