//! Clients that pipeline: many turns sent without waiting for answers, each turn its own
//! HTTP/2 DATA frame (as grpcio and raw HTTP/2 clients send them). They must be slowed by flow
//! control, never disconnected (src/api/flow.rs), and every turn must be answered.

mod common;

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use common::Server;
use rapport::proto::{self, converse_request::Kind, converse_response::Outcome};
use tokio::sync::Semaphore;
use tokio_stream::Stream;

/// Yields each request once, then `Pending` once (waking itself), so tonic flushes every
/// message as its own DATA frame instead of coalescing a backlog into large frames.
struct OneFramePerMessage<S> {
    inner: S,
    flush: bool,
}

impl<S: Stream + Unpin> Stream for OneFramePerMessage<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.flush {
            self.flush = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if matches!(next, Poll::Ready(Some(_))) {
            self.flush = true;
        }
        next
    }
}

/// A short customer turn: about 45 bytes on the wire, like the turns in the report.
fn small_turn(stream: usize, i: usize) -> proto::ConverseRequest {
    proto::ConverseRequest {
        kind: Some(Kind::Turn(proto::Turn {
            tenant_id: "acme".into(),
            conversation_id: format!("s{stream}c{}", i % 50),
            turn_id: i.to_string(),
            speaker: proto::Speaker::Customer as i32,
            text: "hi there".into(),
            channel: proto::Channel::Chat as i32,
            ..Default::default()
        })),
    }
}

/// Sends `turns` small turns on one stream with at most `window` unanswered (no limit when
/// `None`), each as its own frame; returns how many were answered, in order, with an outcome.
async fn pipeline(
    channel: tonic::transport::Channel,
    stream: usize,
    turns: usize,
    window: Option<usize>,
) -> usize {
    let credit = Arc::new(Semaphore::new(window.unwrap_or(turns)));
    let sent = Arc::new(AtomicUsize::new(0));
    let (requests, receiver) = tokio::sync::mpsc::channel(1);
    let (feeder_credit, feeder_sent) = (credit.clone(), sent.clone());
    tokio::spawn(async move {
        for i in 0..turns {
            feeder_credit.acquire().await.unwrap().forget();
            if requests.send(small_turn(stream, i)).await.is_err() {
                return;
            }
            feeder_sent.fetch_add(1, Ordering::Relaxed);
        }
    });
    let source = OneFramePerMessage {
        inner: tokio_stream::wrappers::ReceiverStream::new(receiver),
        flush: false,
    };
    let mut client = proto::rapport_client::RapportClient::new(channel);
    let mut responses = client.converse(source).await.unwrap().into_inner();
    let mut answered = 0;
    while answered < turns {
        let response = match responses.message().await {
            Ok(Some(response)) => response,
            Ok(None) => panic!("stream {stream} ended OK after {answered} of {turns} answers"),
            Err(status) => panic!(
                "stream {stream} broke after {answered} answers of {} sent: {status:?}",
                sent.load(Ordering::Relaxed)
            ),
        };
        assert_eq!(response.turn_id, answered.to_string(), "answers in order");
        assert!(
            matches!(response.outcome, Some(Outcome::Assessment(_))),
            "{:?}",
            response.outcome
        );
        answered += 1;
        credit.add_permits(1);
    }
    answered
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_stream_of_5000_turns_sent_without_waiting_is_answered_in_full() {
    let server = Server::start().await;
    assert_eq!(
        pipeline(server.channel().await, 0, 5_000, None).await,
        5_000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_streams_with_512_unanswered_turns_each_on_one_connection_all_finish() {
    let server = Server::start().await;
    let channel = server.channel().await;
    let streams: Vec<_> = (0..16)
        .map(|s| tokio::spawn(pipeline(channel.clone(), s, 700, Some(512))))
        .collect();
    for stream in streams {
        assert_eq!(stream.await.unwrap(), 700);
    }
}
