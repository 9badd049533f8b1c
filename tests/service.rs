//! The unary RPCs, signal subscriptions, health and reflection, over a real loopback server.

mod common;

use common::{Server, customer};
use rapport::proto::{self, signal_event::Event};
use tonic::Code;

#[tokio::test]
async fn assess_scores_one_text_statelessly_with_the_real_model() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let assess = |text: &str| proto::AssessRequest {
        text: text.into(),
        language: String::new(),
    };
    let happy = client
        .assess(assess("Thank you so much, that fixed it!"))
        .await
        .unwrap()
        .into_inner();
    let angry = client
        .assess(assess("This is useless, I am furious and sick of waiting"))
        .await
        .unwrap()
        .into_inner();
    let (happy_scores, angry_scores) = (happy.scores.unwrap(), angry.scores.unwrap());
    assert!(happy_scores.sentiment.unwrap().positive > happy_scores.sentiment.unwrap().negative);
    assert!(angry_scores.sentiment.unwrap().negative > angry_scores.sentiment.unwrap().positive);
    assert!(angry_scores.frustration > happy_scores.frustration + 0.3);
    assert_eq!(angry.cues[0].kind, proto::CueKind::Complaint as i32);

    let empty = client.assess(assess("  ")).await.unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn get_conversation_shows_state_and_history_until_the_conversation_ends() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let mut stream = server.converse().await;
    stream
        .say(customer(
            "c",
            "1",
            "call me on +44 20 7946 0958, my internet is down",
        ))
        .await;
    stream
        .say(customer("c", "2", "let me talk to a human"))
        .await;

    let request = proto::GetConversationRequest {
        tenant_id: "acme".into(),
        conversation_id: "c".into(),
    };
    let view = client
        .get_conversation(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.customer_turns, 2);
    assert!(view.escalated);
    assert_eq!(
        view.last_signal.unwrap().rule_id,
        "escalate.explicit-human-request"
    );
    let handoff = view.handoff.unwrap();
    assert_eq!(
        handoff.recent_turns[0].text,
        "call me on [PHONE], my internet is down"
    );
    assert!(handoff.summary.contains("first message"));

    stream.end("acme", "c").await;
    stream.next().await;
    assert_eq!(
        client.get_conversation(request).await.unwrap_err().code(),
        Code::NotFound
    );
}

#[tokio::test]
async fn subscribers_get_filtered_live_signals_and_replay_after_a_reconnect() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let subscribe = |from: Option<u64>| proto::SubscribeSignalsRequest {
        tenant_ids: vec!["acme".into()],
        kinds: vec![proto::SignalKind::Escalate as i32],
        min_priority: proto::Priority::High as i32,
        from_sequence: from,
    };
    let mut live = client
        .subscribe_signals(subscribe(None))
        .await
        .unwrap()
        .into_inner();

    let mut stream = server.converse().await;
    let mut other = customer("o", "1", "I need a real person now");
    other.tenant_id = "globex".into();
    stream.say(other).await;
    stream
        .say(customer("a", "1", "please transfer me to an agent"))
        .await;
    stream
        .say(customer("b", "1", "can I speak to a human"))
        .await;

    let sequences = |event: Option<proto::SignalEvent>| match event.and_then(|e| e.event) {
        Some(Event::Signal(s)) => (s.sequence, s.tenant_id, s.conversation_id),
        other => panic!("expected a signal, got {other:?}"),
    };
    let first = match live.message().await.unwrap().and_then(|e| e.event) {
        Some(Event::Signal(signal)) => signal,
        other => panic!("expected a signal, got {other:?}"),
    };
    assert_eq!(
        (
            first.sequence,
            first.tenant_id.as_str(),
            first.conversation_id.as_str()
        ),
        (2, "acme", "a")
    );
    assert_eq!(first.rule_id, "escalate.explicit-human-request");
    assert!(first.model_version.starts_with("rapport-nlu/"));
    let evidence = first.evidence.unwrap();
    assert_eq!(evidence.turn_ids, ["1"]);
    assert!(
        evidence.cues.iter().any(|cue| cue.text.contains("agent")),
        "{:?}",
        evidence.cues
    );
    assert_eq!(
        first.handoff.unwrap().recent_turns[0].text,
        "please transfer me to an agent"
    );
    assert_eq!(
        sequences(live.message().await.unwrap()),
        (3, "acme".into(), "b".into())
    );

    // A router that saw sequence 2 reconnects and asks for what came after.
    let mut resumed = client
        .subscribe_signals(subscribe(Some(3)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        sequences(resumed.message().await.unwrap()),
        (3, "acme".into(), "b".into())
    );
}

#[tokio::test]
async fn a_reconnect_older_than_the_replay_buffer_is_told_about_the_gap() {
    let mut config = rapport::config::Config::default();
    config.signals.replay_capacity = 1;
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    stream
        .say(customer("a", "1", "talk to a human please"))
        .await;
    stream
        .say(customer("b", "1", "talk to a human please"))
        .await;
    let mut client = server.client().await;
    let request = proto::SubscribeSignalsRequest {
        from_sequence: Some(1),
        ..Default::default()
    };
    let mut resumed = client
        .subscribe_signals(request)
        .await
        .unwrap()
        .into_inner();
    match resumed.message().await.unwrap().unwrap().event {
        Some(Event::Gap(gap)) => assert_eq!((gap.requested_from, gap.oldest_available), (1, 2)),
        other => panic!("expected a gap, got {other:?}"),
    }
}

#[tokio::test]
async fn health_reports_serving_and_reflection_lists_the_service() {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };

    let server = Server::start().await;
    let mut health = HealthClient::new(server.channel().await);
    let check = |service: &str| HealthCheckRequest {
        service: service.into(),
    };
    let status = health
        .check(check("rapport.v1.Rapport"))
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);

    let mut reflection = ServerReflectionClient::new(server.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        responses.message().await.unwrap().unwrap().message_response
    else {
        panic!("expected a service list");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"rapport.v1.Rapport".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"grpc.health.v1.Health".to_string()),
        "{names:?}"
    );

    server.shutdown.cancel();
    let status = health
        .check(check("rapport.v1.Rapport"))
        .await
        .map(|r| r.into_inner().status);
    assert!(status.map_or(true, |s| s == ServingStatus::NotServing as i32));
}
