//! Per-tenant quotas on a real loopback server: a tenant over its turn rate or its live
//! conversations is answered RESOURCE_EXHAUSTED in-band while another tenant carries on, and
//! the rejections are counted by kind (with the tenant only when asked for).

mod common;

use common::{Server, customer, error_code};
use rapport::config::Config;
use rapport::proto::{self, converse_response::Outcome};
use tonic::Code;

fn turn(tenant: &str, conversation: &str, turn_id: &str) -> proto::Turn {
    proto::Turn {
        tenant_id: tenant.into(),
        ..customer(conversation, turn_id, "where is my parcel?")
    }
}

fn assessed(response: &proto::ConverseResponse) -> bool {
    matches!(response.outcome, Some(Outcome::Assessment(_)))
}

// One turn per hour after the burst: nothing refills while the test runs.
const SLOW: &str = "[quotas]\nturns_per_second_per_tenant = 0.0003\nburst = 3\n";

#[tokio::test]
async fn a_tenant_over_its_turn_rate_is_refused_while_another_carries_on() {
    let config: Config =
        toml::from_str(&format!("{SLOW}[tenants.big.quotas]\nburst = 5\n")).unwrap();
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    for i in 0..3 {
        assert!(assessed(
            &stream.say(turn("acme", "a", &i.to_string())).await
        ));
    }
    let refused = stream.say(turn("acme", "a", "3")).await;
    assert_eq!(error_code(&refused), Code::ResourceExhausted);
    // Another tenant, on the same stream, is not slowed by acme.
    assert!(assessed(&stream.say(turn("globex", "g", "1")).await));
    // A tenant with its own burst gets five.
    let big = (0..6).map(|i| turn("big", "b", &i.to_string()));
    let mut answers = Vec::new();
    for t in big {
        answers.push(assessed(&stream.say(t).await));
    }
    assert_eq!(answers, [true, true, true, true, true, false]);
}

#[tokio::test]
async fn a_tenant_at_its_conversation_quota_cannot_start_another_until_one_ends() {
    let config: Config = toml::from_str(
        "[quotas]\nmax_conversations_per_tenant = 2\n[tenants.small.quotas]\nmax_conversations_per_tenant = 1\n",
    )
    .unwrap();
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    assert!(assessed(&stream.say(turn("acme", "c1", "1")).await));
    assert!(assessed(&stream.say(turn("acme", "c2", "1")).await));
    assert_eq!(
        error_code(&stream.say(turn("acme", "c3", "1")).await),
        Code::ResourceExhausted
    );
    // Conversations already held go on; other tenants start theirs.
    assert!(assessed(&stream.say(turn("acme", "c1", "2")).await));
    assert!(assessed(&stream.say(turn("globex", "c1", "1")).await));
    assert!(assessed(&stream.say(turn("small", "c1", "1")).await));
    assert_eq!(
        error_code(&stream.say(turn("small", "c2", "1")).await),
        Code::ResourceExhausted
    );
    // Ending one frees a place.
    stream.end("acme", "c1").await;
    assert!(matches!(
        stream.next().await.outcome,
        Some(Outcome::Ended(_))
    ));
    assert!(assessed(&stream.say(turn("acme", "c3", "1")).await));
}

#[tokio::test]
async fn rejections_are_counted_by_kind_and_by_tenant_only_when_configured() {
    let metrics = rapport::telemetry::install().unwrap();

    let quiet = Server::start_with(toml::from_str(SLOW).unwrap()).await;
    let labelled = Server::start_with(
        toml::from_str(&format!(
            "{SLOW}tenant_label = true\nmax_conversations_per_tenant = 1\n"
        ))
        .unwrap(),
    )
    .await;
    let mut stream = quiet.converse().await;
    for i in 0..4 {
        stream
            .say(turn("tenant-secret-7", "a", &i.to_string()))
            .await;
    }
    let mut stream = labelled.converse().await;
    stream.say(turn("labelled-co", "a", "1")).await;
    let refused = stream.say(turn("labelled-co", "b", "1")).await;
    assert_eq!(error_code(&refused), Code::ResourceExhausted);

    let body = metrics.render();
    // Other tests of this file may add to the unlabelled count.
    assert!(
        body.contains("rapport_quota_rejections_total{kind=\"turns\"} "),
        "{body}"
    );
    assert!(
        body.contains(
            "rapport_quota_rejections_total{kind=\"conversations\",tenant=\"labelled-co\"} 1"
        ),
        "{body}"
    );
    assert!(!body.contains("tenant-secret-7"), "{body}");
}
