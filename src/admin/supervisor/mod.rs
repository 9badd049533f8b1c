//! The supervisor page: live conversations with their frustration and signals, one
//! conversation's timeline, redacted turns and signal explanations. Plain HTML/JS/CSS built
//! into the binary; live through server-sent events (a snapshot every second and each
//! signal as it fires). Data routes honour [`access::allowed_tenants`] and `?tenants=a,b`.

pub mod access;
mod board;
mod view;

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

pub use board::Board;

use super::AdminState;
use crate::signals::{HubEvent, SignalFilter};
use crate::store::ConversationKey;
use crate::telemetry;
use access::{TenantFilter, allowed_tenants};
use view::SignalView;

/// How often an open page gets a fresh snapshot.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(1);

pub fn routes() -> Router<AdminState> {
    Router::new()
        .route("/supervisor", get(page))
        .route("/supervisor/app.js", get(script))
        .route("/supervisor/style.css", get(style))
        .route("/supervisor/api/conversations", get(conversations))
        .route("/supervisor/api/conversation", get(conversation))
        .route("/supervisor/events", get(events))
}

#[derive(Deserialize)]
struct Tenants {
    tenants: Option<String>,
}

#[derive(Deserialize)]
struct One {
    tenant: String,
    id: String,
}

fn filter(parts: &Parts, asked: Option<&str>) -> TenantFilter {
    allowed_tenants(parts).narrowed(asked)
}

async fn page() -> impl IntoResponse {
    asset("text/html; charset=utf-8", include_str!("assets/page.html"))
}

async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    )
}

async fn style() -> impl IntoResponse {
    asset("text/css; charset=utf-8", include_str!("assets/style.css"))
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

async fn conversations(
    State(state): State<AdminState>,
    parts: Parts,
    Query(query): Query<Tenants>,
) -> impl IntoResponse {
    let filter = filter(&parts, query.tenants.as_deref());
    Json(view::rows(&state.pipeline, &state.board, &filter))
}

async fn conversation(
    State(state): State<AdminState>,
    parts: Parts,
    Query(query): Query<One>,
) -> Response {
    let filter = allowed_tenants(&parts);
    let key = ConversationKey {
        tenant_id: query.tenant,
        conversation_id: query.id,
    };
    match view::detail(&state.pipeline, &state.board, &filter, &key) {
        Some(detail) => Json(detail).into_response(),
        None => (StatusCode::NOT_FOUND, "no such conversation").into_response(),
    }
}

/// `snapshot` events (all rows) every second and a `signal` event per signal fired.
async fn events(
    State(state): State<AdminState>,
    parts: Parts,
    Query(query): Query<Tenants>,
) -> impl IntoResponse {
    let filter = filter(&parts, query.tenants.as_deref());
    let hub_filter = SignalFilter {
        tenants: match &filter {
            TenantFilter::All => Vec::new(),
            // An empty allow-list must not mean "all": match no real tenant.
            TenantFilter::Only(tenants) if tenants.is_empty() => vec![String::new()],
            TenantFilter::Only(tenants) => tenants.clone(),
        },
        ..SignalFilter::default()
    };
    let mut subscription = state.pipeline.hub().subscribe(hub_filter, None);
    let (events, receiver) = mpsc::channel::<Result<Event, Infallible>>(16);
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        telemetry::stream_opened(telemetry::SUPERVISOR_VIEWERS);
        let mut ticks = tokio::time::interval(SNAPSHOT_EVERY);
        loop {
            let event = tokio::select! {
                () = shutdown.cancelled() => break,
                () = events.closed() => break,
                _ = ticks.tick() => {
                    let rows = view::rows(&state.pipeline, &state.board, &filter);
                    Event::default().event("snapshot").json_data(rows)
                }
                event = subscription.next() => match event {
                    Some(HubEvent::Signal(signal)) => {
                        Event::default().event("signal").json_data(SignalView::from(&*signal))
                    }
                    Some(HubEvent::Gap { .. }) => continue,
                    None => break,
                },
            };
            let Ok(event) = event else { continue };
            if events.send(Ok(event)).await.is_err() {
                break;
            }
        }
        telemetry::stream_closed(telemetry::SUPERVISOR_VIEWERS);
    });
    Sse::new(ReceiverStream::new(receiver)).keep_alive(KeepAlive::default())
}
