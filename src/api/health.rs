//! `grpc.health.v1.Health` that tells the truth: `SERVING` only while the server takes work
//! and the inference thread is alive; `NOT_SERVING` once shutdown starts or the thread is gone.
//! `Watch` streams end when shutdown starts (after saying `NOT_SERVING`), so an open watch
//! never holds the drain. A degraded server (cluster mode, Redis unreachable) stays `SERVING`;
//! `Check` then says why in the response header [`DEGRADED_HEADER`].

use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::pipeline::Pipeline;

/// Response header of a `SERVING` answer from a degraded server: the reason.
pub const DEGRADED_HEADER: &str = "rapport-degraded";

/// The services health answers for: the whole server ("") and the API.
const SERVICES: [&str; 2] = ["", "rapport.v1.Rapport"];

pub struct HealthService {
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
}

pub fn service(
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
) -> HealthServer<HealthService> {
    HealthServer::new(HealthService { pipeline, shutdown })
}

impl HealthService {
    fn status(&self) -> ServingStatus {
        status(&self.pipeline, &self.shutdown)
    }
}

fn status(pipeline: &Pipeline, shutdown: &CancellationToken) -> ServingStatus {
    if !shutdown.is_cancelled() && pipeline.nlu().is_alive() {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    }
}

fn response(status: ServingStatus) -> HealthCheckResponse {
    HealthCheckResponse {
        status: status as i32,
    }
}

type BoxWatch = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Health for HealthService {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        if !SERVICES.contains(&request.get_ref().service.as_str()) {
            return Err(Status::not_found("unknown service"));
        }
        let status = self.status();
        let mut answer = Response::new(response(status));
        if status == ServingStatus::Serving
            && let Some(reason) = self.pipeline.degraded()
        {
            answer.metadata_mut().insert(
                DEGRADED_HEADER,
                tonic::metadata::MetadataValue::from_static(reason),
            );
        }
        Ok(answer)
    }

    type WatchStream = BoxWatch;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let (sender, receiver) = mpsc::channel(4);
        if !SERVICES.contains(&request.get_ref().service.as_str()) {
            let _ = sender.try_send(Ok(response(ServingStatus::ServiceUnknown)));
            // Kept open as the protocol asks, until shutdown.
            let shutdown = self.shutdown.clone();
            tokio::spawn(async move {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = sender.closed() => {}
                }
            });
            return Ok(Response::new(Box::pin(ReceiverStream::new(receiver))));
        }
        let (pipeline, shutdown) = (self.pipeline.clone(), self.shutdown.clone());
        tokio::spawn(async move {
            let mut last = status(&pipeline, &shutdown);
            if sender.send(Ok(response(last))).await.is_err() {
                return;
            }
            // Two changes can happen, in either order: the inference thread stops, shutdown
            // starts. The watch ends at shutdown, so it never holds the drain.
            for _ in 0..2 {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = pipeline.nlu().stopped(), if last == ServingStatus::Serving => {}
                    () = sender.closed() => return,
                }
                let now = status(&pipeline, &shutdown);
                if now != last {
                    last = now;
                    if sender.send(Ok(response(now))).await.is_err() {
                        return;
                    }
                }
                if shutdown.is_cancelled() {
                    return;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}
