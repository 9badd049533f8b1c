//! Faults and unchecked values, end to end on a real server and the real model: requests that
//! do not decode, shutdown with turns in flight, health that follows shutdown, out-of-range
//! values, resends long after the fact, full stores, bad configuration.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Server, bot, customer, error_code};
use rapport::config::Config;
use rapport::proto::{self, converse_response::Outcome};
use tonic::Code;
use tonic::codegen::http::uri::PathAndQuery;

/// A `ConverseRequest` whose turn text is raw bytes, to send what a well-behaved client cannot.
#[derive(Clone, PartialEq, prost::Message)]
struct RawRequest {
    #[prost(message, optional, tag = "1")]
    turn: Option<RawTurn>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RawTurn {
    #[prost(string, tag = "1")]
    tenant_id: String,
    #[prost(string, tag = "2")]
    conversation_id: String,
    #[prost(string, tag = "3")]
    turn_id: String,
    #[prost(int32, tag = "4")]
    speaker: i32,
    #[prost(bytes = "vec", tag = "5")]
    text: Vec<u8>,
    #[prost(int32, tag = "6")]
    channel: i32,
}

fn raw(turn_id: &str, text: Vec<u8>) -> RawRequest {
    RawRequest {
        turn: Some(RawTurn {
            tenant_id: "acme".into(),
            conversation_id: "raw".into(),
            turn_id: turn_id.into(),
            speaker: proto::Speaker::Customer as i32,
            text,
            channel: proto::Channel::Chat as i32,
        }),
    }
}

/// Sends `requests` on one Converse stream; returns the answers and how the stream ended.
async fn converse_raw(
    server: &Server,
    requests: Vec<RawRequest>,
) -> (Vec<proto::ConverseResponse>, Result<(), tonic::Status>) {
    let mut grpc = tonic::client::Grpc::new(server.channel().await);
    grpc.ready().await.unwrap();
    let codec = tonic_prost::ProstCodec::<RawRequest, proto::ConverseResponse>::default();
    let (sender, receiver) = tokio::sync::mpsc::channel(requests.len().max(1));
    for request in requests {
        sender.send(request).await.unwrap();
    }
    // The client keeps its side open, as a live chatbot would.
    let mut responses = grpc
        .streaming(
            tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(receiver)),
            PathAndQuery::from_static("/rapport.v1.Rapport/Converse"),
            codec,
        )
        .await
        .unwrap()
        .into_inner();
    let mut answers = Vec::new();
    let end = loop {
        match responses.message().await {
            Ok(Some(answer)) => answers.push(answer),
            Ok(None) => break Ok(()),
            Err(status) => break Err(status),
        }
    };
    drop(sender);
    (answers, end)
}

#[tokio::test]
async fn a_turn_with_invalid_utf8_ends_the_stream_with_invalid_argument_after_earlier_answers() {
    let server = Server::start().await;
    let (answers, end) = converse_raw(
        &server,
        vec![
            raw("1", b"hello, where is my parcel".to_vec()),
            raw("2", vec![b'h', b'i', 0xff, 0xfe]),
            raw("3", b"anyone there?".to_vec()),
        ],
    )
    .await;
    assert_eq!(answers.len(), 1);
    assert!(matches!(answers[0].outcome, Some(Outcome::Assessment(_))));
    let status = end.expect_err("the stream must not end OK");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
}

#[tokio::test]
async fn a_5_mib_turn_ends_the_stream_with_resource_exhausted() {
    let server = Server::start().await;
    let (answers, end) = converse_raw(
        &server,
        vec![
            raw("1", b"hi".to_vec()),
            raw("2", vec![b'a'; 5 * 1024 * 1024]),
        ],
    )
    .await;
    assert_eq!(answers.len(), 1);
    let status = end.expect_err("the stream must not end OK");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
}

#[tokio::test]
async fn assess_with_invalid_utf8_is_invalid_argument() {
    #[derive(Clone, PartialEq, prost::Message)]
    struct RawAssess {
        #[prost(bytes = "vec", tag = "1")]
        text: Vec<u8>,
    }
    let server = Server::start().await;
    let mut grpc = tonic::client::Grpc::new(server.channel().await);
    grpc.ready().await.unwrap();
    let status = grpc
        .unary(
            tonic::Request::new(RawAssess {
                text: vec![0xc3, 0x28],
            }),
            PathAndQuery::from_static("/rapport.v1.Rapport/Assess"),
            tonic_prost::ProstCodec::<RawAssess, proto::AssessResponse>::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
}

/// 20 streams keep 32 turns unanswered each until the server shuts down; a stream stops
/// sending at its first in-band UNAVAILABLE and half-closes. Every turn a stream sent gets an
/// answer (assessed before shutdown, UNAVAILABLE after), in order, and every stream ends OK:
/// no broken pipe, no turn left to a stream-level status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_answers_every_turn_sent_on_pipelining_streams() {
    let server = Server::start().await;
    let channel = server.channel().await;
    let answered_total = Arc::new(AtomicUsize::new(0));
    let streams: Vec<_> = (0..20)
        .map(|s| {
            let channel = channel.clone();
            let answered_total = answered_total.clone();
            tokio::spawn(async move {
                let credit = Arc::new(tokio::sync::Semaphore::new(32));
                let sent = Arc::new(AtomicUsize::new(0));
                let (requests, receiver) = tokio::sync::mpsc::channel(1);
                let (feeder_credit, feeder_sent) = (credit.clone(), sent.clone());
                // Sends until the credit is closed, then drops its sender: the half-close.
                tokio::spawn(async move {
                    for i in 0.. {
                        let Ok(permit) = feeder_credit.acquire().await else {
                            return;
                        };
                        permit.forget();
                        let turn = customer(&format!("c{s}"), &i.to_string(), "hello again");
                        let request = proto::ConverseRequest {
                            kind: Some(proto::converse_request::Kind::Turn(turn)),
                        };
                        if requests.send(request).await.is_err() {
                            return;
                        }
                        feeder_sent.fetch_add(1, Ordering::SeqCst);
                    }
                });
                let mut client = proto::rapport_client::RapportClient::new(channel);
                let mut responses = client
                    .converse(tokio_stream::wrappers::ReceiverStream::new(receiver))
                    .await
                    .unwrap()
                    .into_inner();
                let (mut assessed, mut unavailable) = (0usize, 0usize);
                loop {
                    match responses.message().await {
                        Ok(Some(response)) => {
                            assert_eq!(response.turn_id, (assessed + unavailable).to_string());
                            match &response.outcome {
                                Some(Outcome::Assessment(_)) => {
                                    // Nothing is applied once a refusal was given.
                                    assert_eq!(unavailable, 0, "stream {s}: {response:?}");
                                    assessed += 1;
                                }
                                Some(Outcome::Error(error)) => {
                                    assert_eq!(error.code, Code::Unavailable as i32, "{error:?}");
                                    unavailable += 1;
                                    credit.close();
                                }
                                other => panic!("stream {s}: {other:?}"),
                            }
                            answered_total.fetch_add(1, Ordering::SeqCst);
                            credit.add_permits(1);
                        }
                        Ok(None) => break,
                        Err(status) => panic!(
                            "stream {s} ended {status:?} after {} answers of {} turns sent",
                            assessed + unavailable,
                            sent.load(Ordering::SeqCst)
                        ),
                    }
                }
                let sent = sent.load(Ordering::SeqCst);
                assert_eq!(assessed + unavailable, sent, "stream {s}: turns unanswered");
                (assessed, unavailable)
            })
        })
        .collect();
    // Let every stream get going before shutdown starts.
    while answered_total.load(Ordering::SeqCst) < 200 {
        tokio::task::yield_now().await;
    }
    server.shutdown.cancel();
    let mut refused_streams = 0;
    for stream in streams {
        let (assessed, unavailable) = stream.await.unwrap();
        assert!(assessed > 0);
        refused_streams += usize::from(unavailable > 0);
    }
    // A stream only half-closes after a refusal, so each saw one.
    assert_eq!(refused_streams, 20);
    tokio::time::timeout(Duration::from_secs(10), server.stopped)
        .await
        .expect("the server stops once the streams half-closed, before the stream drain")
        .unwrap();
}

/// A client that keeps its side open and idle after shutdown: what it sent is answered, then
/// the stream ends UNAVAILABLE at the stream drain (nine tenths of `drain_timeout_ms`).
#[tokio::test]
async fn a_stream_left_open_after_shutdown_ends_unavailable_at_the_drain_deadline() {
    let mut config = Config::default();
    config.server.drain_timeout_ms = 1_000;
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    for i in 1..4 {
        stream.send(customer("c", &i.to_string(), "hello")).await;
    }
    let first = stream.next().await;
    assert!(matches!(first.outcome, Some(Outcome::Assessment(_))));
    server.shutdown.cancel();
    let started = std::time::Instant::now();
    let mut answered = vec![first.turn_id];
    let ending = loop {
        match stream.responses.message().await {
            Ok(Some(response)) => answered.push(response.turn_id),
            Ok(None) => panic!("the client never half-closed: the stream cannot end OK"),
            Err(status) => break status,
        }
    };
    assert_eq!(answered, ["1", "2", "3"]);
    assert_eq!(ending.code(), Code::Unavailable, "{ending:?}");
    assert!(started.elapsed() >= Duration::from_millis(900));
    tokio::time::timeout(Duration::from_secs(10), server.stopped)
        .await
        .expect("the server stops after the stream drain")
        .unwrap();
    drop(stream);
}

#[tokio::test]
async fn an_open_health_watch_says_not_serving_and_ends_so_shutdown_is_not_held() {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let server = Server::start().await;
    let mut health = HealthClient::new(server.channel().await);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: "rapport.v1.Rapport".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);
    server.shutdown.cancel();
    let next = watch.message().await.unwrap().unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    assert!(watch.message().await.unwrap().is_none(), "the watch ends");
    tokio::time::timeout(Duration::from_secs(10), server.stopped)
        .await
        .expect("shutdown is not held by the watch")
        .unwrap();
}

/// The inference thread dies mid-service (made to panic on its next batch, as a panic inside
/// ONNX Runtime would; `fault-injection` hook, tests only). Health follows it over real health
/// clients: an open `Watch` says `NOT_SERVING`, `Check` says `NOT_SERVING`; every turn from the
/// one it died on gets `UNAVAILABLE` naming the dead thread, on the open stream and on new ones.
#[tokio::test]
async fn health_says_not_serving_and_turns_get_unavailable_once_the_inference_thread_dies() {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let server = Server::start().await;
    let mut health = HealthClient::new(server.channel().await);
    let check = |service: &str| HealthCheckRequest {
        service: service.into(),
    };
    let mut watch = health
        .watch(check("rapport.v1.Rapport"))
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);
    let mut stream = server.converse().await;
    let before = stream
        .say(customer("dies", "1", "where is my parcel"))
        .await;
    assert!(matches!(before.outcome, Some(Outcome::Assessment(_))));

    server.pipeline.nlu().panic_inference_thread_on_next_batch();
    let unavailable = |response: &proto::ConverseResponse| match &response.outcome {
        Some(Outcome::Error(error)) => {
            assert_eq!(Code::from_i32(error.code), Code::Unavailable, "{error:?}");
            assert!(
                error.message.contains("inference thread has stopped"),
                "{}",
                error.message
            );
        }
        other => panic!("expected UNAVAILABLE, got {other:?}"),
    };
    // The turn whose batch the thread died on.
    unavailable(&stream.say(customer("dies", "2", "still waiting")).await);

    let next = tokio::time::timeout(Duration::from_secs(10), watch.message())
        .await
        .expect("the watch says the thread is gone")
        .unwrap()
        .unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    for service in ["", "rapport.v1.Rapport"] {
        let status = health.check(check(service)).await.unwrap().into_inner();
        assert_eq!(
            status.status,
            ServingStatus::NotServing as i32,
            "{service:?}"
        );
    }
    // Later turns, on the open stream and on a new one, and unary Assess.
    unavailable(&stream.say(customer("dies", "3", "hello?")).await);
    let mut fresh = server.converse().await;
    unavailable(&fresh.say(customer("other", "1", "hi")).await);
    let status = server
        .client()
        .await
        .assess(proto::AssessRequest {
            text: "hi".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    // The watch stays open (nothing more to say until shutdown), then ends with the server.
    server.shutdown.cancel();
    assert!(watch.message().await.unwrap().is_none(), "the watch ends");
}

#[tokio::test]
async fn out_of_range_timestamps_are_invalid_argument_and_change_nothing() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    for (seconds, nanos) in [(i64::MAX, 0), (1_700_000_000, 2_000_000_000), (-5, 0)] {
        let mut turn = customer("ts", &format!("{seconds}-{nanos}"), "hello");
        turn.sent_at = Some(prost_types::Timestamp { seconds, nanos });
        assert_eq!(error_code(&stream.say(turn).await), Code::InvalidArgument);
    }
    let mut fine = customer("ts", "ok", "hello");
    fine.sent_at = Some(prost_types::Timestamp {
        seconds: 1_700_000_000,
        nanos: 0,
    });
    assert!(matches!(
        stream.say(fine).await.outcome,
        Some(Outcome::Assessment(_))
    ));
}

#[tokio::test]
async fn get_conversation_with_empty_ids_is_invalid_argument() {
    let server = Server::start().await;
    let mut client = server.client().await;
    for (tenant, conversation) in [("", "c"), ("acme", ""), ("", "")] {
        let status = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: tenant.into(),
                conversation_id: conversation.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
    }
    let unknown = client
        .get_conversation(proto::GetConversationRequest {
            tenant_id: "acme".into(),
            conversation_id: "never-seen".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
}

#[tokio::test]
async fn replay_from_sequence_zero_on_a_fresh_server_reports_no_gap() {
    let server = Server::start().await;
    let mut client = server.client().await;
    let mut events = client
        .subscribe_signals(proto::SubscribeSignalsRequest {
            from_sequence: Some(0),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut stream = server.converse().await;
    let asked = stream
        .say(customer("z", "1", "let me talk to a human agent"))
        .await;
    assert_eq!(asked.signals.len(), 1);
    let first = events.message().await.unwrap().unwrap();
    assert!(
        matches!(first.event, Some(proto::signal_event::Event::Signal(_))),
        "{first:?}"
    );
}

#[tokio::test]
async fn a_turn_resent_long_after_it_was_applied_is_still_a_duplicate() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    for i in 0..100 {
        let response = stream
            .say(bot("long", &i.to_string(), "How can I help?"))
            .await;
        assert!(!response.duplicate);
    }
    let resent = stream.say(bot("long", "0", "How can I help?")).await;
    assert!(resent.duplicate, "{resent:?}");
    let key = rapport::store::ConversationKey {
        tenant_id: "acme".into(),
        conversation_id: "long".into(),
    };
    assert_eq!(
        server.pipeline.conversation(&key).unwrap().state.turns(),
        100
    );
}

#[tokio::test]
async fn a_conversation_at_max_turns_refuses_more_and_resends_are_still_duplicates() {
    let mut config = Config::default();
    config.conversation.max_turns = 3;
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    for i in 0..3 {
        stream.say(bot("full", &i.to_string(), "Hello")).await;
    }
    assert_eq!(
        error_code(&stream.say(bot("full", "3", "Hello")).await),
        Code::ResourceExhausted
    );
    assert!(stream.say(bot("full", "1", "Hello")).await.duplicate);
}

#[tokio::test]
async fn the_store_refuses_new_conversations_beyond_max_bytes_and_keeps_serving_the_others() {
    let mut config = Config::default();
    config.store.max_bytes = 64 * 1024;
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    let long = "x".repeat(4_000);
    let mut refused = None;
    for i in 0..100 {
        let response = stream.say(bot(&format!("big{i}"), "1", &long)).await;
        if let Some(Outcome::Error(error)) = &response.outcome {
            assert_eq!(error.code, Code::ResourceExhausted as i32);
            assert!(error.message.contains("max_bytes"), "{}", error.message);
            refused = Some(i);
            break;
        }
    }
    let refused = refused.expect("the store filled up");
    assert!(
        (5..20).contains(&refused),
        "refused at conversation {refused}"
    );
    let existing = stream.say(bot("big0", "2", "still here")).await;
    assert!(matches!(existing.outcome, Some(Outcome::Recorded(_))));
}

#[test]
fn labels_naming_an_output_the_graph_lacks_fail_at_load_not_at_the_first_turn() {
    let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/rapport-nlu");
    let dir = std::env::temp_dir().join(format!("rapport-bad-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["model.onnx", "tokenizer.json"] {
        let _ = std::fs::remove_file(dir.join(file));
        std::os::unix::fs::symlink(model.join(file), dir.join(file)).unwrap();
    }
    let mut labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("labels.json")).unwrap()).unwrap();
    labels["frustration"]["output"] = "no_such_output".into();
    std::fs::write(dir.join("labels.json"), labels.to_string()).unwrap();

    let mut config = Config::default();
    config.nlu.model_dir = dir.clone();
    let error = match rapport::nlu::Nlu::load(&config.nlu) {
        Ok(_) => panic!("a model without the named output must not load"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("no_such_output"), "{error}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_server_refuses_to_start_on_an_invalid_config() {
    let dir = std::env::temp_dir().join(format!("rapport-bad-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rapport.toml");
    std::fs::write(
        &path,
        "[server]\nmax_in_flight_per_stream = 0\n[conversation]\newma_alpha = 1.5\n",
    )
    .unwrap();
    let stderr = common::serve_refused(&path);
    assert!(
        stderr.contains("server.max_in_flight_per_stream")
            && stderr.contains("conversation.ewma_alpha"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
