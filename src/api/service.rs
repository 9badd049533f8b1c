//! The four RPCs of `rapport.v1.Rapport`.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use super::StreamLimits;
use super::guard::Caller;
use super::{converse, convert, status::status};
use crate::auth::{Authenticator, Scope};
use crate::pipeline::Pipeline;
use crate::proto::{self, rapport_server::Rapport, signal_event};
use crate::signals::{HubEvent, SignalFilter};
use crate::telemetry;

pub struct RapportService {
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
    max_in_flight: usize,
    drain: Duration,
    auth: Arc<Authenticator>,
}

impl RapportService {
    pub fn new(pipeline: Arc<Pipeline>, shutdown: CancellationToken, max_in_flight: usize) -> Self {
        Self {
            pipeline,
            shutdown,
            max_in_flight,
            drain: StreamLimits::default().drain,
            auth: Arc::new(Authenticator::open()),
        }
    }

    /// How long a Converse stream keeps answering after shutdown starts, waiting for its
    /// client to half-close.
    pub fn with_drain(mut self, drain: Duration) -> Self {
        self.drain = drain;
        self
    }

    /// Checks callers against `auth` (open by default).
    pub fn with_auth(mut self, auth: Arc<Authenticator>) -> Self {
        self.auth = auth;
        self
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl Rapport for RapportService {
    type ConverseStream = BoxStream<proto::ConverseResponse>;

    async fn converse(
        &self,
        request: Request<Streaming<proto::ConverseRequest>>,
    ) -> Result<Response<Self::ConverseStream>, Status> {
        let caller = Caller::of(&self.auth, &request);
        caller.authorize("Converse", &[Scope::Converse])?;
        let trace = self.pipeline.tracer().stream(request.metadata());
        let responses = converse::spawn(
            self.pipeline.clone(),
            caller,
            request.into_inner(),
            self.shutdown.child_token(),
            self.max_in_flight,
            trace,
            self.drain,
        );
        Ok(Response::new(Box::pin(ReceiverStream::new(responses))))
    }

    async fn assess(
        &self,
        request: Request<proto::AssessRequest>,
    ) -> Result<Response<proto::AssessResponse>, Status> {
        Caller::of(&self.auth, &request).authorize("Assess", &[Scope::Converse, Scope::Read])?;
        let request = request.into_inner();
        let language = Some(request.language.as_str()).filter(|l| !l.trim().is_empty());
        let (scores, cues, language) = self
            .pipeline
            .assess(&request.text, language)
            .await
            .map_err(|e| status(&e))?;
        Ok(Response::new(proto::AssessResponse {
            scores: Some(convert::scores(&scores)),
            cues: cues.iter().map(convert::cue).collect(),
            model_version: self.pipeline.model_version().to_string(),
            language: language.tag,
            low_reliability: language.low_reliability,
        }))
    }

    type SubscribeSignalsStream = BoxStream<proto::SignalEvent>;

    async fn subscribe_signals(
        &self,
        request: Request<proto::SubscribeSignalsRequest>,
    ) -> Result<Response<Self::SubscribeSignalsStream>, Status> {
        let caller = Caller::of(&self.auth, &request);
        let grant = caller.authorize("SubscribeSignals", &[Scope::Subscribe])?;
        let request = request.into_inner();
        let tenants = grant
            .subscription_tenants(request.tenant_ids)
            .map_err(|denied| status(&denied.into()))?;
        let filter = SignalFilter {
            tenants,
            kinds: request
                .kinds
                .into_iter()
                .filter_map(convert::kind_from)
                .collect(),
            min_priority: convert::priority_from(request.min_priority),
        };
        let mut subscription = self.pipeline.hub().subscribe(filter, request.from_sequence);
        let (events, receiver) = mpsc::channel(64);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            telemetry::stream_opened(telemetry::SUBSCRIBERS);
            loop {
                let event = tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = events.closed() => break,
                    event = subscription.next() => event,
                };
                let Some(event) = event else { break };
                let event = match event {
                    HubEvent::Signal(signal) => {
                        // A reload may have revoked or narrowed the token since it subscribed.
                        if let Err(error) = caller.admit(Scope::Subscribe, &signal.tenant_id) {
                            let _ = events.send(Err(status(&error))).await;
                            break;
                        }
                        signal_event::Event::Signal(convert::signal(&signal))
                    }
                    HubEvent::Gap {
                        requested_from,
                        oldest_available,
                    } => signal_event::Event::Gap(proto::ReplayGap {
                        requested_from,
                        oldest_available,
                    }),
                };
                if events
                    .send(Ok(proto::SignalEvent { event: Some(event) }))
                    .await
                    .is_err()
                {
                    break;
                }
            }
            telemetry::stream_closed(telemetry::SUBSCRIBERS);
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }

    async fn get_conversation(
        &self,
        request: Request<proto::GetConversationRequest>,
    ) -> Result<Response<proto::GetConversationResponse>, Status> {
        let caller = Caller::of(&self.auth, &request);
        let request = request.into_inner();
        caller.authorize_tenant("GetConversation", Scope::Read, &request.tenant_id)?;
        let key = convert::key(request.tenant_id, request.conversation_id);
        let conversation = self.pipeline.conversation(&key).map_err(|e| status(&e))?;
        let last_signal = self.pipeline.last_signal(&key);
        Ok(Response::new(convert::conversation(
            key,
            &conversation,
            last_signal.as_deref(),
        )))
    }
}
