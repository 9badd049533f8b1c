//! `/metrics` over real HTTP after real traffic: the metrics are there, personal data and
//! conversation ids are not.

mod common;

use common::{Server, customer, http_get};

#[tokio::test]
async fn exposes_pipeline_metrics_without_personal_data_or_conversation_ids() {
    let server = Server::start().await;
    let admin = server.admin().await;
    let mut stream = server.converse().await;
    stream
        .say(customer(
            "conv-secret-42",
            "1",
            "mail me at jane@example.com or 415 555 0134",
        ))
        .await;
    stream
        .say(customer("conv-secret-42", "2", "let me talk to a human"))
        .await;

    let (status, body) = http_get(admin, "/metrics").await;
    assert!(status.contains("200"), "{status}");
    for name in [
        "rapport_turns_total{speaker=\"customer\",outcome=\"assessed\"} 2",
        "rapport_signals_total{kind=\"escalate\",reason=\"explicit_human_request\"} 1",
        "rapport_inference_seconds_bucket",
        "rapport_batch_size_bucket",
        "rapport_queue_depth",
        "rapport_active_conversations 1",
        "rapport_active_streams 1",
        "rapport_turn_seconds_bucket",
    ] {
        assert!(body.contains(name), "missing {name} in\n{body}");
    }
    for secret in ["conv-secret-42", "jane@example.com", "415 555 0134", "acme"] {
        assert!(!body.contains(secret), "{secret} leaked into /metrics");
    }
}
