//! The supervisor page: live conversations with their frustration and signals, one
//! conversation's timeline, redacted turns and signal explanations. Plain HTML/JS/CSS built
//! into the binary; live through server-sent events (a snapshot every second and each
//! signal as it fires). Data routes honour [`access::allowed_tenants`] and `?tenants=a,b`;
//! with `[auth]` the page and its data answer 401 without a `read` token (a login form for the
//! page, which then keeps the token in a cookie).

pub mod access;
mod board;
mod view;

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
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
use crate::auth::Denied;
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
        .route("/supervisor/login", axum::routing::post(login))
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

#[derive(Deserialize)]
struct Login {
    token: String,
}

fn filter(
    state: &AdminState,
    parts: &Parts,
    asked: Option<&str>,
) -> Result<TenantFilter, Box<Response>> {
    allowed_tenants(parts, &state.auth)
        .map(|allowed| allowed.narrowed(asked))
        .map_err(|denied| Box::new(refused(&denied)))
}

/// 401 (with `WWW-Authenticate: Bearer`) without a known token, 403 without the `read` scope.
fn refused(denied: &Denied) -> Response {
    match denied {
        Denied::Unauthenticated(why) => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            *why,
        )
            .into_response(),
        Denied::PermissionDenied(why) => (StatusCode::FORBIDDEN, why.clone()).into_response(),
    }
}

/// The page; with `[auth]`, a login form until a `read` token is presented. `?token=` is
/// exchanged for a cookie and dropped from the address bar.
async fn page(State(state): State<AdminState>, parts: Parts) -> Response {
    if state.auth.is_enabled() {
        if let Some(token) = access::query_token(&parts) {
            return log_in(&state, &token);
        }
        if let Err(denied) = allowed_tenants(&parts, &state.auth) {
            return login_form(&denied);
        }
    }
    asset("text/html; charset=utf-8", include_str!("assets/page.html")).into_response()
}

/// The login form's POST (`application/x-www-form-urlencoded`, read as a query string).
async fn login(State(state): State<AdminState>, body: Bytes) -> Response {
    let form = std::str::from_utf8(&body)
        .ok()
        .and_then(|body| format!("/?{body}").parse::<axum::http::Uri>().ok())
        .and_then(|uri| Query::<Login>::try_from_uri(&uri).ok());
    match form {
        Some(Query(form)) => log_in(&state, form.token.trim()),
        None => (StatusCode::BAD_REQUEST, "expected a form with a token").into_response(),
    }
}

/// A good `read` token: its cookie and back to the page; else the form again.
fn log_in(state: &AdminState, token: &str) -> Response {
    match access::tenants_of(&state.auth, Some(token)) {
        Ok(_) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, access::set_cookie(token)),
                (header::LOCATION, "/supervisor".to_string()),
            ],
        )
            .into_response(),
        Err(denied) => login_form(&denied),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn login_form(denied: &Denied) -> Response {
    let status = match denied {
        Denied::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Denied::PermissionDenied(_) => StatusCode::FORBIDDEN,
    };
    let html = include_str!("assets/login.html").replace("{reason}", &escape(&denied.to_string()));
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::WWW_AUTHENTICATE, "Bearer"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
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
) -> Response {
    match filter(&state, &parts, query.tenants.as_deref()) {
        Ok(filter) => Json(view::rows(&state.pipeline, &state.board, &filter)).into_response(),
        Err(refused) => *refused,
    }
}

async fn conversation(
    State(state): State<AdminState>,
    parts: Parts,
    Query(query): Query<One>,
) -> Response {
    let filter = match filter(&state, &parts, None) {
        Ok(filter) => filter,
        Err(refused) => return *refused,
    };
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
) -> Response {
    let filter = match filter(&state, &parts, query.tenants.as_deref()) {
        Ok(filter) => filter,
        Err(refused) => return *refused,
    };
    // Checked again at every snapshot, so a token revoked by a reload closes the stream.
    let token = access::presented_token(&parts);
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
                    if state.auth.is_enabled()
                        && access::tenants_of(&state.auth, token.as_deref()).is_err()
                    {
                        break;
                    }
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
    Sse::new(ReceiverStream::new(receiver))
        .keep_alive(KeepAlive::default())
        .into_response()
}
