//! The admin listener: one HTTP port for operators, serving Prometheus `/metrics` (rendered
//! from the recorder installed by [`crate::telemetry::install`]) and the supervisor page
//! (`/supervisor`, its data and its event stream). `/metrics` is open; the supervisor page
//! needs a `read` token when `[auth]` is on ([`supervisor::access`]).

mod metrics_route;
pub mod supervisor;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::Authenticator;
use crate::pipeline::Pipeline;
use supervisor::Board;

/// What the admin routes read.
#[derive(Clone)]
pub struct AdminState {
    pub metrics: PrometheusHandle,
    pub pipeline: Arc<Pipeline>,
    pub board: Arc<Board>,
    pub shutdown: CancellationToken,
    /// Who may see the supervisor page (open unless `[auth]` lists tokens).
    pub auth: Arc<Authenticator>,
}

impl AdminState {
    /// Starts following the pipeline's signals for the supervisor page until `shutdown`.
    pub fn new(
        metrics: PrometheusHandle,
        pipeline: Arc<Pipeline>,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            board: Board::spawn(pipeline.hub(), shutdown.clone()),
            metrics,
            pipeline,
            shutdown,
            auth: Arc::new(Authenticator::open()),
        }
    }

    /// The supervisor page checks tokens against `auth` (the gRPC server's live token book,
    /// so a reload applies to both).
    pub fn with_auth(mut self, auth: Arc<Authenticator>) -> Self {
        self.auth = auth;
        self
    }
}

/// The admin routes.
pub fn router(state: AdminState) -> Router {
    Router::new()
        .route("/metrics", get(metrics_route::metrics))
        .route(
            "/",
            get(|| async { axum::response::Redirect::to("/supervisor") }),
        )
        .merge(supervisor::routes())
        .with_state(state)
}

/// Serves the admin routes on `listener` until `shutdown` is cancelled.
pub async fn serve(listener: TcpListener, state: AdminState) -> std::io::Result<()> {
    let shutdown = state.shutdown.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}
