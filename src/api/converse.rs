//! The Converse stream: many conversations over one bidirectional stream.
//!
//! Turns are scored concurrently (so they batch together on the model) but applied and
//! answered strictly in arrival order, so each conversation sees its turns in order. At most
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
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::{self, Either};
use futures_util::stream::FuturesOrdered;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tonic::{Status, Streaming};

use super::guard::Caller;
use super::{convert, status};
use crate::auth::Scope;
use crate::conversation::{Speaker, TurnInput};
use crate::nlu::Scores;
use crate::pipeline::{Pipeline, PipelineError, TurnOutcome};
use crate::proto::{self, converse_request, converse_response};
use crate::store::ConversationKey;
use crate::telemetry;
use crate::trace::{StreamTrace, TurnTrace};

pub type Responses = mpsc::Receiver<Result<proto::ConverseResponse, Status>>;

/// A request after its concurrent phase, waiting for its turn to be applied.
enum Step {
    Turn {
        key: ConversationKey,
        turn: TurnInput,
        scored: Result<Option<Scores>, PipelineError>,
        started: Instant,
        /// Stage timings, when tracing is on.
        trace: Option<TurnTrace>,
    },
    Duplicate {
        key: ConversationKey,
        turn_id: String,
    },
    End {
        key: ConversationKey,
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
                        let context = replies.context_for(&request, &pipeline);
                        let turn_trace = trace.as_ref().map(StreamTrace::turn);
                        pending.push_back(Either::Left(prepare(pipeline.clone(), caller.clone(), request, context, turn_trace)));
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
/// behind other turns. Conversations not seen on this stream fall back to the stored reply.
#[derive(Default)]
struct Replies(HashMap<(String, String), Arc<str>>);

impl Replies {
    /// Conversations remembered per stream; past this the map starts afresh (the store still
    /// answers).
    const CAPACITY: usize = 4096;

    fn context_for(
        &mut self,
        request: &proto::ConverseRequest,
        pipeline: &Pipeline,
    ) -> Option<Arc<str>> {
        match &request.kind {
            Some(converse_request::Kind::Turn(turn)) => {
                let key = (turn.tenant_id.clone(), turn.conversation_id.clone());
                if turn.speaker == proto::Speaker::Customer as i32 {
                    return self.0.get(&key).cloned().or_else(|| {
                        pipeline
                            .last_reply(&convert::key(key.0, key.1))
                            .map(Arc::from)
                    });
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
        error: PipelineError::Unavailable(
            "the server is shutting down: send this turn again on a new stream".into(),
        ),
    }
}

/// The concurrent phase: check the caller's grant and quota, validate, spot resends, score
/// customer turns (with their context).
async fn prepare(
    pipeline: Arc<Pipeline>,
    caller: Caller,
    request: proto::ConverseRequest,
    context: Option<Arc<str>>,
    mut trace: Option<TurnTrace>,
) -> Step {
    match request.kind {
        Some(converse_request::Kind::Turn(turn)) => {
            let started = Instant::now();
            let (tenant_id, conversation_id, turn_id) = (
                turn.tenant_id.clone(),
                turn.conversation_id.clone(),
                turn.turn_id.clone(),
            );
            if let Err(error) = caller.admit_turn(&pipeline, &tenant_id) {
                let key = convert::key(tenant_id, conversation_id);
                return Step::Refused {
                    key,
                    turn_id,
                    error,
                };
            }
            let (key, turn) = match convert::turn(turn) {
                Ok(parts) => parts,
                Err(error) => {
                    return Step::Refused {
                        key: convert::key(tenant_id, conversation_id),
                        turn_id,
                        error,
                    };
                }
            };
            match pipeline.check(&key, &turn).await {
                Ok(true) => return Step::Duplicate { key, turn_id },
                Ok(false) => {}
                Err(error) => {
                    return Step::Refused {
                        key,
                        turn_id,
                        error,
                    };
                }
            }
            let scored = match turn.speaker {
                Speaker::Customer => pipeline
                    .score_timed(&turn.text, context.as_deref())
                    .await
                    .map(|(scores, times)| {
                        if let Some(trace) = &mut trace {
                            tracing_stages(trace, &times);
                        }
                        Some(scores)
                    }),
                _ => Ok(None),
            };
            if let Some(trace) = &mut trace {
                trace_ids(trace, &key, &turn);
            }
            Step::Turn {
                key,
                turn,
                scored,
                started,
                trace,
            }
        }
        Some(converse_request::Kind::End(end)) => {
            let key = convert::key(end.tenant_id, end.conversation_id);
            match caller.admit(Scope::Converse, &key.tenant_id) {
                Ok(()) => Step::End { key },
                Err(error) => Step::Refused {
                    key,
                    turn_id: String::new(),
                    error,
                },
            }
        }
        None => Step::Refused {
            key: convert::key(String::new(), String::new()),
            turn_id: String::new(),
            error: PipelineError::InvalidArgument("request has neither a turn nor an end".into()),
        },
    }
}

/// The ordered phase: apply to the conversation and answer.
fn finish(pipeline: &Pipeline, step: Step) -> proto::ConverseResponse {
    let (key, turn_id, result) = match step {
        Step::Turn {
            key,
            turn,
            scored,
            started,
            mut trace,
        } => {
            let speaker = speaker_label(turn.speaker);
            let result = scored
                .and_then(|scores| pipeline.apply_traced(&key, &turn, scores, trace.as_mut()));
            if matches!(result, Ok(TurnOutcome::Assessed { .. })) {
                telemetry::turn_latency(started.elapsed());
            }
            telemetry::turn(speaker, outcome_label(&result));
            if let Some(mut trace) = trace {
                finish_trace(&mut trace, &result);
                trace.finish(
                    result
                        .as_ref()
                        .err()
                        .map(|e| status::status(e).code().to_string()),
                );
            }
            (key, turn.turn_id, result)
        }
        Step::Duplicate { key, turn_id } => {
            telemetry::turn("any", "duplicate");
            (key, turn_id, Ok(TurnOutcome::Duplicate))
        }
        Step::End { key } => {
            let result = pipeline.end(&key);
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

fn speaker_label(speaker: Speaker) -> &'static str {
    match speaker {
        Speaker::Customer => "customer",
        Speaker::Bot => "bot",
        Speaker::Agent => "agent",
    }
}

fn outcome_label(result: &Result<TurnOutcome, PipelineError>) -> &'static str {
    match result {
        Ok(TurnOutcome::Assessed { .. }) => "assessed",
        Ok(TurnOutcome::Recorded) => "recorded",
        Ok(TurnOutcome::Duplicate) => "duplicate",
        Err(_) => "refused",
    }
}

/// The NLU stages of a scored turn: tokenize, wait in the queue, run the model.
fn tracing_stages(trace: &mut TurnTrace, times: &crate::nlu::NluTimes) {
    use opentelemetry::KeyValue;
    trace.stage("tokenize", times.tokenize_start, times.queued);
    trace.stage("queue_wait", times.queued, times.run.started);
    trace.stage_with(
        "inference",
        times.run.started,
        times.run.finished,
        vec![KeyValue::new("rapport.batch_size", times.run.rows as i64)],
    );
}

/// The ids of a traced turn (never its text).
fn trace_ids(trace: &mut TurnTrace, key: &ConversationKey, turn: &TurnInput) {
    use opentelemetry::KeyValue;
    trace.attribute(KeyValue::new("rapport.tenant_id", key.tenant_id.clone()));
    trace.attribute(KeyValue::new(
        "rapport.conversation_id",
        key.conversation_id.clone(),
    ));
    trace.attribute(KeyValue::new("rapport.turn_id", turn.turn_id.clone()));
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
