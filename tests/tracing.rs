//! OTLP tracing end to end: a real server on the real model exports to a real OTLP/HTTP
//! collector stub on loopback (decoding the protobuf `ExportTraceServiceRequest`), and a client
//! sends `traceparent` on its Converse call. The turn spans join the client's trace as children
//! of its span, each with its stage spans (tokenize, queue wait, inference, apply, publish) in
//! order inside it; a client that says "not sampled" gets no spans.

mod common;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use common::{Conversation, Server, bot, customer};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;
use rapport::config::Config;
use rapport::proto;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

const CLIENT_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN: &str = "00f067aa0ba902b7";

/// One exported span, as the collector decoded it.
#[derive(Debug, Clone)]
struct Received {
    service: String,
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    start: u64,
    end: u64,
    attributes: HashMap<String, String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(value: &Option<opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::IntValue(i)) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// The collector stub: `POST /v1/traces` with an OTLP protobuf body.
async fn collect(
    State(spans): State<mpsc::UnboundedSender<Received>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    if headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        != Some("application/x-protobuf")
    {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, Vec::new());
    }
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        return (StatusCode::BAD_REQUEST, Vec::new());
    };
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|a| a.key == "service.name")
            .map(|a| text(&a.value))
            .unwrap_or_default();
        for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
            let _ = spans.send(Received {
                service: service.clone(),
                name: span.name,
                trace_id: hex(&span.trace_id),
                span_id: hex(&span.span_id),
                parent_span_id: hex(&span.parent_span_id),
                start: span.start_time_unix_nano,
                end: span.end_time_unix_nano,
                attributes: span
                    .attributes
                    .iter()
                    .map(|a| (a.key.clone(), text(&a.value)))
                    .collect(),
            });
        }
    }
    let answer = ExportTraceServiceResponse::default().encode_to_vec();
    (StatusCode::OK, answer)
}

/// A Converse stream whose call carries `traceparent` with `flags`.
async fn traced_stream(server: &Server, flags: &str) -> Conversation {
    let (requests, receiver) = mpsc::channel(16);
    let mut request = tonic::Request::new(ReceiverStream::new(receiver));
    let traceparent = format!("00-{CLIENT_TRACE}-{CLIENT_SPAN}-{flags}");
    request
        .metadata_mut()
        .insert("traceparent", traceparent.parse().unwrap());
    let responses = server
        .client()
        .await
        .converse(request)
        .await
        .unwrap()
        .into_inner();
    Conversation {
        requests,
        responses,
    }
}

#[tokio::test]
async fn a_turn_is_exported_under_the_clients_trace_with_its_stages() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector = listener.local_addr().unwrap();
    let (spans, mut received) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/v1/traces", post(collect))
        .with_state(spans);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut config = Config::default();
    config.tracing.otlp_endpoint = Some(format!("http://{collector}"));
    config.tracing.service_name = "rapport-test".into();
    config.validate().unwrap();
    let server = Server::start_with(config).await;
    assert!(server.pipeline.tracer().is_on());

    let mut stream = traced_stream(&server, "01").await;
    stream
        .say(bot("c1", "b1", "How can I help you today?"))
        .await;
    let answer = stream
        .say(customer(
            "c1",
            "t1",
            "This is absolutely useless, I want to talk to a human right now!",
        ))
        .await;
    assert!(matches!(
        answer.outcome,
        Some(proto::converse_response::Outcome::Assessment(_))
    ));
    // The same client with sampling off: nothing of this turn may arrive.
    let mut unsampled = traced_stream(&server, "00").await;
    unsampled
        .say(customer("c2", "quiet", "where is my parcel?"))
        .await;

    let tracer = server.pipeline.tracer().clone();
    tokio::task::spawn_blocking(move || tracer.flush())
        .await
        .unwrap()
        .expect("the collector took the spans");
    // The flush returned after the collector answered: everything is in the channel.
    let mut all = Vec::new();
    while let Ok(span) = received.try_recv() {
        all.push(span);
    }

    let turn_of = |turn_id: &str| {
        all.iter()
            .find(|s| {
                s.name == "turn"
                    && s.attributes.get("rapport.turn_id").map(String::as_str) == Some(turn_id)
            })
            .cloned()
    };
    assert!(turn_of("quiet").is_none(), "an unsampled turn was exported");
    let turn = turn_of("t1").expect("the customer turn's span");
    assert_eq!(turn.service, "rapport-test");
    assert_eq!(
        turn.trace_id, CLIENT_TRACE,
        "the turn joins the client's trace"
    );
    assert_eq!(
        turn.parent_span_id, CLIENT_SPAN,
        "a child of the client's span"
    );
    assert_eq!(turn.attributes["rapport.tenant_id"], "acme");
    assert_eq!(turn.attributes["rapport.conversation_id"], "c1");
    assert_eq!(turn.attributes["rapport.outcome"], "assessed");
    assert!(
        turn.attributes.values().all(|v| !v.contains("useless")),
        "no text in spans"
    );

    let stages: HashMap<&str, &Received> = all
        .iter()
        .filter(|s| s.parent_span_id == turn.span_id)
        .map(|s| (s.name.as_str(), s))
        .collect();
    let order = ["tokenize", "queue_wait", "inference", "apply", "publish"];
    for name in order {
        let stage = stages
            .get(name)
            .unwrap_or_else(|| panic!("no {name} span: {all:#?}"));
        assert_eq!(stage.trace_id, CLIENT_TRACE);
        assert!(
            turn.start <= stage.start && stage.start <= stage.end && stage.end <= turn.end,
            "{name} lies inside the turn"
        );
    }
    for pair in order.windows(2) {
        assert!(
            stages[pair[0]].end <= stages[pair[1]].start,
            "{} ends before {} starts",
            pair[0],
            pair[1]
        );
    }
    assert!(
        stages["inference"].attributes["rapport.batch_size"]
            .parse::<u32>()
            .unwrap()
            >= 1
    );
    // The model ran for this turn: inference takes measurable time.
    assert!(stages["inference"].end > stages["inference"].start);

    let reply = turn_of("b1").expect("the bot turn's span");
    assert_eq!(reply.trace_id, CLIENT_TRACE);
    assert_eq!(reply.attributes["rapport.outcome"], "recorded");
    assert!(
        all.iter()
            .any(|s| s.name == "apply" && s.parent_span_id == reply.span_id)
    );
    server.shutdown.cancel();
}
