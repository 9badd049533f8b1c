//! gRPC stage: the `rapport.v1.Rapport` service, gRPC health and server reflection.
//! Translates wire messages to pipeline calls; knows nothing of ONNX or the rules.

pub(crate) mod codec;
mod converse;
pub(crate) mod convert;
mod flow;
mod guard;
mod health;
mod limits;
mod service;
mod status;

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;

use crate::auth::Security;
use crate::pipeline::Pipeline;
use crate::proto::rapport_server::RapportServer;
pub use health::DEGRADED_HEADER;
pub use limits::StreamLimits;
pub use service::RapportService;

/// Serves on `listener`, without authentication or TLS, until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
    max_in_flight_per_stream: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let security = Security::open();
    let limits = StreamLimits {
        max_in_flight: max_in_flight_per_stream,
        ..StreamLimits::default()
    };
    serve_with(listener, pipeline, shutdown, limits, security).await
}

/// Serves on `listener` until `shutdown` is cancelled; open Converse streams then answer every
/// turn they receive until their client half-closes (or `limits.drain`) and close. Health turns
/// NOT_SERVING as soon as shutdown starts, or when the inference thread is gone. `security` says
/// who may call the rapport RPCs (health and reflection stay open) and whether to speak TLS.
pub async fn serve_with(
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
    limits: StreamLimits,
    security: Security,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let health_service = health::service(pipeline.clone(), shutdown.clone());
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    // grpcurl speaks v1; Python's grpcio-reflection only v1alpha.
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;
    let rapport = RapportService::new(pipeline, shutdown.clone(), limits.max_in_flight)
        .with_drain(limits.drain)
        .with_auth(security.auth);

    // Without TCP_NODELAY, Nagle holds small answers until the client's delayed ACK (~40 ms).
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let mut server = Server::builder()
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW);
    if let Some(tls) = security.tls {
        server = server.tls_config(tls)?;
    }
    server
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(RapportServer::new(rapport))
        .serve_with_incoming_shutdown(incoming, shutdown.cancelled_owned())
        .await?;
    Ok(())
}
