//! The webhook sink against a real HTTP receiver on loopback that answers 503 to the first two
//! attempts: the signal still arrives, exactly once (by idempotency key), as the audit JSON,
//! with a signature the receiver verifies; and the sink moves on to the next signal.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::{Server, customer};
use rapport::config::Config;
use rapport::signals::webhook::{
    IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookConfig, signature,
};
use tokio::sync::mpsc;

const SECRET: &str = "s3cret-for-the-test";

#[derive(Default)]
struct Seen {
    attempts: u32,
    /// Accepted bodies by idempotency key.
    accepted: HashMap<String, serde_json::Value>,
    duplicates: u32,
}

#[derive(Clone)]
struct Receiver {
    seen: Arc<Mutex<Seen>>,
    arrived: mpsc::UnboundedSender<String>,
}

/// A receiver as a ticketing tool would write it: verify, deduplicate, accept.
async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut seen = receiver.seen.lock().unwrap();
    seen.attempts += 1;
    if seen.attempts <= 2 {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let timestamp: u64 = header(TIMESTAMP_HEADER).parse().unwrap_or(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    if now.abs_diff(timestamp) > 300
        || header(SIGNATURE_HEADER) != signature(SECRET.as_bytes(), timestamp, &body)
    {
        return StatusCode::UNAUTHORIZED;
    }
    let key = header(IDEMPOTENCY_HEADER).to_string();
    if seen.accepted.contains_key(&key) {
        seen.duplicates += 1;
        return StatusCode::OK;
    }
    seen.accepted
        .insert(key.clone(), serde_json::from_slice(&body).unwrap());
    receiver.arrived.send(key).unwrap();
    StatusCode::OK
}

#[tokio::test]
async fn a_signal_survives_two_503s_and_arrives_once_signed() {
    let (arrived, mut arrivals) = mpsc::unbounded_channel();
    let receiver = Receiver {
        seen: Arc::default(),
        arrived,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/rapport", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/hooks/rapport", post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut config = Config::default();
    config.signals.webhooks = vec![WebhookConfig {
        url,
        tenants: vec!["acme".into()],
        kinds: vec!["escalate".into()],
        secret: Some(SECRET.into()),
        initial_backoff_ms: 20,
        max_backoff_ms: 200,
        retry_for_secs: 30,
        ..WebhookConfig::default()
    }];
    let server = Server::start_with(config.clone()).await;
    rapport::signals::webhook::spawn_all(
        server.pipeline.hub(),
        &config.signals.webhooks,
        server.shutdown.clone(),
    )
    .unwrap();

    let mut stream = server.converse().await;
    let response = stream
        .say(customer("hook-1", "1", "let me talk to a human"))
        .await;
    let fired = &response.signals[0];

    let key = tokio::time::timeout(Duration::from_secs(30), arrivals.recv())
        .await
        .expect("the signal reached the receiver in time")
        .unwrap();
    assert_eq!(key, fired.signal_id);
    {
        let seen = receiver.seen.lock().unwrap();
        assert_eq!(seen.attempts, 3, "two 503s, then accepted");
        let body = &seen.accepted[&key];
        assert_eq!(body["id"], fired.signal_id.as_str());
        assert_eq!(body["kind"], "escalate");
        assert_eq!(body["tenant_id"], "acme");
        assert_eq!(body["conversation_id"], "hook-1");
        assert_eq!(body["sequence"], fired.sequence);
    }

    // The next signal comes after the first's delivery finished (one at a time, in order):
    // when it arrives, the first was not sent again.
    stream
        .say(customer("hook-2", "1", "let me talk to a human"))
        .await;
    let next = tokio::time::timeout(Duration::from_secs(30), arrivals.recv())
        .await
        .expect("the second signal reached the receiver")
        .unwrap();
    assert_ne!(next, key);
    let seen = receiver.seen.lock().unwrap();
    assert_eq!(seen.attempts, 4);
    assert_eq!(seen.duplicates, 0);
    assert_eq!(seen.accepted.len(), 2);
}
