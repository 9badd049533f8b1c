//! The Converse stream: many conversations over one bidirectional stream.
//!
//! Turns go through [`Pipeline::turn`] concurrently (so they batch together on the model); each
//! waits for the one before it on the stream to be applied before it applies (a chain of
//! one-shot gates), and answers go out in arrival order, so each conversation sees its turns
//! in order. At most
//! `max_in_flight` turns are pending; the stream is not read beyond that. A bad turn gets an
//! error response and the stream carries on. A request that cannot be read at all (not valid
//! protobuf, invalid UTF-8, over the size limit) ends the stream with an error status after the
//! turns before it are answered.
//!
//! On shutdown the stream keeps reading, so every turn a client sent gets an answer: the turns
//! already taken are scored and answered as usual, every request read after that is answered
//! in-band with `UNAVAILABLE` (nothing applied). The stream ends OK once the client half-closes
//! and all is answered; a client that keeps its side open past `drain` gets the stream ended
//! `UNAVAILABLE` after the answers to what was taken. Reading on until the client half-closes
//! matters: a stream that ended while the client was still writing would let the connection
//! close under those writes, and the client could see a broken pipe before the answers it had
//! been sent.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::{self, Either};
use futures_util::stream::FuturesOrdered;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tonic::{Status, Streaming};

use super::guard::Caller;
use super::{convert, status};
use crate::auth::Scope;
use crate::conversation::TurnInput;
use crate::pipeline::{Pipeline, PipelineError, TurnOutcome, outcome_label, speaker_label};
use crate::proto::{self, converse_request, converse_response};
use crate::store::ConversationKey;
use crate::telemetry;
use crate::trace::{StreamTrace, TurnTrace};

pub type Responses = mpsc::Receiver<Result<proto::ConverseResponse, Status>>;

/// A request, done, waiting to be answered in order.
enum Step {
    Turn {
        key: ConversationKey,
        turn_id: String,
        result: Result<TurnOutcome, PipelineError>,
    },
    End {
        key: ConversationKey,
        result: Result<bool, PipelineError>,
    },
    Refused {
        key: ConversationKey,
        turn_id: String,
        error: PipelineError,
    },
}

pub fn spawn(
    pipeline: Arc<Pipeline>,
    caller: Caller,
    mut inbound: Streaming<proto::ConverseRequest>,
    shutdown: CancellationToken,
    max_in_flight: usize,
    trace: Option<StreamTrace>,
    drain: Duration,
) -> Responses {
    // Config validation refuses 0; a stream must still never wait forever on it.
    let max_in_flight = max_in_flight.max(1);
    let (responses, receiver) = mpsc::channel(max_in_flight);
    tokio::spawn(async move {
        telemetry::stream_opened(telemetry::ACTIVE_STREAMS);
        let mut pending = FuturesOrdered::new();
        let mut replies = Replies::default();
        // Released when the newest request so far has been applied.
        let mut applied: Option<oneshot::Receiver<()>> = None;
        let mut reading = true;
        // Set once shutdown starts: when the stream stops waiting for the client to half-close.
        let mut deadline: Option<Pin<Box<tokio::time::Sleep>>> = None;
        // How the stream ends when not with OK.
        let mut ending: Option<Status> = None;
        loop {
            tokio::select! {
                biased;
                Some(step) = pending.next() => {
                    let response = finish(&pipeline, step);
                    if responses.send(Ok(response)).await.is_err() {
                        break;
                    }
                }
                () = shutdown.cancelled(), if reading && deadline.is_none() => {
                    deadline = Some(Box::pin(tokio::time::sleep(drain)));
                }
                () = async { deadline.as_mut().expect("guarded").await }, if reading && deadline.is_some() => {
                    reading = false;
                    tracing::debug!(?drain, "converse stream not half-closed within the drain");
                    ending = Some(Status::unavailable(
                        "the server is shutting down: turns after the last answer were not processed",
                    ));
                }
                request = inbound.next(), if reading && pending.len() < max_in_flight => match request {
                    Some(Ok(request)) if deadline.is_some() => {
                        pending.push_back(Either::Right(future::ready(shutting_down(request))));
                    }
                    Some(Ok(request)) => {
                        let context = replies.context_for(&request);
                        let (done, next) = oneshot::channel();
                        let in_order = after(applied.replace(next));
                        let turn_trace = trace.as_ref().map(StreamTrace::turn);
                        pending.push_back(Either::Left(handle(pipeline.clone(), caller.clone(), request, context, in_order, done, turn_trace)));
                    }
                    Some(Err(error)) => {
                        reading = false;
                        ending = status::unreadable_request(error);
                    }
                    None => reading = false,
                },
                else => break,
            }
            if !reading && pending.is_empty() {
                break;
            }
        }
        if let Some(status) = ending {
            let _ = responses.send(Err(status)).await;
        }
        telemetry::stream_closed(telemetry::ACTIVE_STREAMS);
    });
    receiver
}

/// The newest bot or agent turn of each conversation on this stream, in arrival order, so a
/// customer turn is read with the reply it answers even while that reply is still queued
/// behind other turns. Conversations not seen on this stream fall back to the stored reply
/// (in the pipeline).
#[derive(Default)]
struct Replies(HashMap<(String, String), Arc<str>>);

impl Replies {
    /// Conversations remembered per stream; past this the map starts afresh (the store still
    /// answers).
    const CAPACITY: usize = 4096;

    fn context_for(&mut self, request: &proto::ConverseRequest) -> Option<Arc<str>> {
        match &request.kind {
            Some(converse_request::Kind::Turn(turn)) => {
                let key = (turn.tenant_id.clone(), turn.conversation_id.clone());
                if turn.speaker == proto::Speaker::Customer as i32 {
                    return self.0.get(&key).cloned();
                }
                if self.0.len() >= Self::CAPACITY {
                    self.0.clear();
                }
                self.0.insert(key, Arc::from(turn.text.as_str()));
                None
            }
            Some(converse_request::Kind::End(end)) => {
                self.0
                    .remove(&(end.tenant_id.clone(), end.conversation_id.clone()));
                None
            }
            None => None,
        }
    }
}

/// The answer to a request read after shutdown started: `UNAVAILABLE`, nothing applied.
fn shutting_down(request: proto::ConverseRequest) -> Step {
    let (key, turn_id) = match request.kind {
        Some(converse_request::Kind::Turn(turn)) => (
            convert::key(turn.tenant_id, turn.conversation_id),
            turn.turn_id,
        ),
        Some(converse_request::Kind::End(end)) => (
            convert::key(end.tenant_id, end.conversation_id),
            String::new(),
        ),
        None => (convert::key(String::new(), String::new()), String::new()),
    };
    Step::Refused {
        key,
        turn_id,
        error: PipelineError::ShuttingDown,
    }
}

/// Resolves once the request before it was applied (or at once for the first).
async fn after(previous: Option<oneshot::Receiver<()>>) {
    if let Some(previous) = previous {
        // A dropped sender also means done: its request will not touch any state.
        let _ = previous.await;
    }
}

/// One request: the caller's grant and quota, then the pipeline's turn path (or the end of a
/// conversation), applied once `in_order` resolves; `done` is released after.
async fn handle(
    pipeline: Arc<Pipeline>,
    caller: Caller,
    request: proto::ConverseRequest,
    context: Option<Arc<str>>,
    in_order: impl Future<Output = ()>,
    done: oneshot::Sender<()>,
    mut trace: Option<TurnTrace>,
) -> Step {
    let step = match request.kind {
        Some(converse_request::Kind::Turn(turn)) => {
            let (tenant_id, conversation_id, turn_id) = (
                turn.tenant_id.clone(),
                turn.conversation_id.clone(),
                turn.turn_id.clone(),
            );
            let admitted = caller
                .admit_turn(&pipeline, &tenant_id)
                .and_then(|()| convert::turn(turn));
            match admitted {
                Ok((key, turn)) => {
                    let result = pipeline
                        .turn(&key, &turn, context, in_order, trace.as_mut())
                        .await;
                    if let Some(mut trace) = trace {
                        trace_ids(&mut trace, &key, &turn);
                        finish_trace(&mut trace, &result);
                        trace.finish(
                            result
                                .as_ref()
                                .err()
                                .map(|e| status::status(e).code().to_string()),
                        );
                    }
                    Step::Turn {
                        key,
                        turn_id,
                        result,
                    }
                }
                Err(error) => {
                    in_order.await;
                    Step::Refused {
                        key: convert::key(tenant_id, conversation_id),
                        turn_id,
                        error,
                    }
                }
            }
        }
        Some(converse_request::Kind::End(end)) => {
            let key = convert::key(end.tenant_id, end.conversation_id);
            in_order.await;
            match caller.admit(Scope::Converse, &key.tenant_id) {
                Ok(()) => {
                    let result = pipeline.end(&key);
                    Step::End { key, result }
                }
                Err(error) => Step::Refused {
                    key,
                    turn_id: String::new(),
                    error,
                },
            }
        }
        None => {
            in_order.await;
            Step::Refused {
                key: convert::key(String::new(), String::new()),
                turn_id: String::new(),
                error: PipelineError::Invalid("request has neither a turn nor an end".into()),
            }
        }
    };
    drop(done);
    step
}

/// The answer to a request.
fn finish(pipeline: &Pipeline, step: Step) -> proto::ConverseResponse {
    let (key, turn_id, result) = match step {
        Step::Turn {
            key,
            turn_id,
            result,
        } => (key, turn_id, result),
        Step::End { key, result } => {
            let response = match result {
                Ok(_) => converse_response::Outcome::Ended(proto::Ended {}),
                Err(error) => error_outcome(&error),
            };
            return response_for(key, String::new(), response, Vec::new(), false);
        }
        Step::Refused {
            key,
            turn_id,
            error,
        } => {
            telemetry::turn("any", "refused");
            (key, turn_id, Err(error))
        }
    };
    match result {
        Ok(TurnOutcome::Assessed { facts, signals }) => {
            let assessment = convert::assessment(&facts, pipeline.model_version());
            let signals = signals.iter().map(|s| convert::signal(s)).collect();
            response_for(
                key,
                turn_id,
                converse_response::Outcome::Assessment(assessment),
                signals,
                false,
            )
        }
        Ok(TurnOutcome::Recorded) => response_for(
            key,
            turn_id,
            converse_response::Outcome::Recorded(proto::Recorded {}),
            Vec::new(),
            false,
        ),
        Ok(TurnOutcome::Duplicate) => response_for(
            key,
            turn_id,
            converse_response::Outcome::Recorded(proto::Recorded {}),
            Vec::new(),
            true,
        ),
        Err(error) => response_for(key, turn_id, error_outcome(&error), Vec::new(), false),
    }
}

fn error_outcome(error: &PipelineError) -> converse_response::Outcome {
    let status = status::status(error);
    converse_response::Outcome::Error(proto::TurnError {
        code: status.code() as i32,
        message: status.message().into(),
    })
}

fn response_for(
    key: ConversationKey,
    turn_id: String,
    outcome: converse_response::Outcome,
    signals: Vec<proto::Signal>,
    duplicate: bool,
) -> proto::ConverseResponse {
    proto::ConverseResponse {
        tenant_id: key.tenant_id,
        conversation_id: key.conversation_id,
        turn_id,
        outcome: Some(outcome),
        signals,
        duplicate,
    }
}

/// The ids of a traced turn (never its text).
fn trace_ids(trace: &mut TurnTrace, key: &ConversationKey, turn: &TurnInput) {
    use opentelemetry::KeyValue;
    trace.attribute(KeyValue::new(
        "rapport.tenant_id",
        key.tenant_id.to_string(),
    ));
    trace.attribute(KeyValue::new(
        "rapport.conversation_id",
        key.conversation_id.to_string(),
    ));
    trace.attribute(KeyValue::new("rapport.turn_id", turn.turn_id.to_string()));
    trace.attribute(KeyValue::new(
        "rapport.speaker",
        speaker_label(turn.speaker),
    ));
}

/// What a traced turn came to: its outcome and the signals it fired.
fn finish_trace(trace: &mut TurnTrace, result: &Result<TurnOutcome, PipelineError>) {
    use opentelemetry::KeyValue;
    trace.attribute(KeyValue::new("rapport.outcome", outcome_label(result)));
    if let Ok(TurnOutcome::Assessed { signals, .. }) = result {
        trace.attribute(KeyValue::new("rapport.signals", signals.len() as i64));
    }
}
