//! Hold mode: many streams open at once, one turn each, state checked on a sample, then
//! closed cleanly.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rapport::proto::{self, converse_response, rapport_client::RapportClient};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

use crate::report::{Stats, mib, percentiles, print_result, print_table, rss_kib, scrape};
use crate::support::{Percentiles, Rng};
use crate::{
    Args, BoxError, code_name, connect, connections_for, customer_turn, end_request, run_id,
};

struct Held {
    index: usize,
    requests: mpsc::Sender<proto::ConverseRequest>,
    responses: tonic::Streaming<proto::ConverseResponse>,
    latency_us: u32,
    frustration: f32,
}

fn assessment_of(message: &proto::ConverseResponse) -> Result<&proto::Assessment, String> {
    match &message.outcome {
        Some(converse_response::Outcome::Assessment(a)) => Ok(a),
        Some(converse_response::Outcome::Error(e)) => Err(code_name(e.code)),
        _ => Err("unexpected-outcome".into()),
    }
}

async fn open_and_say(
    client: RapportClient<Channel>,
    tenant: String,
    conversation: String,
    index: usize,
    text: String,
) -> Result<Held, String> {
    let (requests, outbound) = mpsc::channel(4);
    let mut client = client;
    // Queue the first turn before the call: a server may send its response headers only with
    // the first answer (grpcio does).
    let at = Instant::now();
    requests
        .send(customer_turn(&tenant, &conversation, 1, &text))
        .await
        .map_err(|_| "client:closed".to_string())?;
    let mut responses = client
        .converse(ReceiverStream::new(outbound))
        .await
        .map_err(|s| format!("stream:{:?}", s.code()))?
        .into_inner();
    let message = responses
        .message()
        .await
        .map_err(|s| format!("stream:{:?}", s.code()))?
        .ok_or("stream:closed")?;
    let latency_us = at.elapsed().as_micros().min(u32::MAX as u128) as u32;
    let frustration = assessment_of(&message)?.conversation_frustration;
    Ok(Held {
        index,
        requests,
        responses,
        latency_us,
        frustration,
    })
}

pub async fn run(args: &Args, corpus: Arc<Vec<String>>, n: usize) -> Result<(), BoxError> {
    let channels = connect(args, connections_for(args, n)).await?;
    let run = run_id();
    let rss_before = rss_kib(args.server_pid);
    let conversation = |i: usize| format!("hold-{run}-{i}");
    let mut rng = Rng::new(args.seed);
    let opened_at = Instant::now();
    // Open in waves of at most 512 concurrent handshakes.
    let results: Vec<Result<Held, String>> = futures_util::stream::iter(0..n)
        .map(|i| {
            let client = RapportClient::new(channels[i % channels.len()].clone());
            let text = corpus[rng.below(corpus.len())].clone();
            open_and_say(client, args.tenant.clone(), conversation(i), i, text)
        })
        .buffer_unordered(512)
        .collect()
        .await;
    let open_secs = opened_at.elapsed().as_secs_f64();
    let mut stats = Stats::default();
    let mut held: Vec<Held> = Vec::with_capacity(n);
    for result in results {
        match result {
            Ok(h) => {
                stats.latencies_us.push(h.latency_us);
                held.push(h);
            }
            Err(code) => stats.error(code),
        }
    }
    held.sort_by_key(|h| h.index);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_open = rss_kib(args.server_pid);
    let gauges_open = scrape(
        &args.metrics,
        &["rapport_active_streams", "rapport_active_conversations"],
    )
    .await;

    // State intact: a sample of conversations as the server holds them.
    let mut client = RapportClient::new(channels[0].clone());
    let sample: Vec<usize> = (0..200.min(held.len()))
        .map(|_| rng.below(held.len()))
        .collect();
    let mut state_ok = 0usize;
    let mut state_bad = Vec::new();
    for &k in &sample {
        let h = &held[k];
        let reply = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: args.tenant.clone(),
                conversation_id: conversation(h.index),
            })
            .await;
        match reply {
            Ok(r) => {
                let r = r.into_inner();
                if r.customer_turns == 1
                    && (r.conversation_frustration - h.frustration).abs() < 1e-6
                {
                    state_ok += 1;
                } else {
                    state_bad.push(format!("{}: turns={}", h.index, r.customer_turns));
                }
            }
            Err(status) => state_bad.push(format!("{}: {:?}", h.index, status.code())),
        }
    }
    // The streams are live, not just open: a second turn on a sample of them.
    let mut live_ok = 0usize;
    let live_sample: Vec<usize> = (0..100.min(held.len()))
        .map(|_| rng.below(held.len()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for &k in &live_sample {
        if !seen.insert(k) {
            continue;
        }
        let text = corpus[rng.below(corpus.len())].clone();
        let h = &mut held[k];
        let conversation_id = conversation(h.index);
        if h.requests
            .send(customer_turn(&args.tenant, &conversation_id, 2, &text))
            .await
            .is_err()
        {
            state_bad.push(format!("{}: send failed", h.index));
            continue;
        }
        let second = match h.responses.message().await {
            Ok(Some(m)) => m,
            _ => {
                state_bad.push(format!("{}: no second answer", h.index));
                continue;
            }
        };
        if assessment_of(&second).is_err() {
            state_bad.push(format!("{}: second turn refused", h.index));
            continue;
        }
        let turns = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: args.tenant.clone(),
                conversation_id,
            })
            .await
            .map(|r| r.into_inner().customer_turns);
        if matches!(turns, Ok(2)) {
            live_ok += 1;
        } else {
            state_bad.push(format!("{}: after 2nd turn {turns:?}", h.index));
        }
    }
    let live_checked = seen.len();

    tokio::time::sleep(Duration::from_secs_f64(args.seconds)).await;
    let rss_held = rss_kib(args.server_pid);
    let still_open = held.len();

    // Close: end each conversation, half-close, and wait for the server to finish the stream.
    let closed_at = Instant::now();
    let closing: Vec<_> = held
        .into_iter()
        .map(|h| {
            let tenant = args.tenant.clone();
            let conversation_id = conversation(h.index);
            tokio::spawn(async move {
                let Held {
                    requests,
                    mut responses,
                    ..
                } = h;
                let _ = requests.send(end_request(&tenant, &conversation_id)).await;
                drop(requests);
                let mut clean = false;
                while let Ok(Ok(m)) =
                    tokio::time::timeout(Duration::from_secs(30), responses.message()).await
                {
                    match m {
                        Some(_) => {}
                        None => {
                            clean = true;
                            break;
                        }
                    }
                }
                clean
            })
        })
        .collect();
    let mut closed_clean = 0usize;
    for task in closing {
        if matches!(task.await, Ok(true)) {
            closed_clean += 1;
        }
    }
    let close_secs = closed_at.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let gauges_closed = scrape(&args.metrics, &["rapport_active_streams"]).await;

    let latency = percentiles(&stats.latencies_us);
    let lat = |f: fn(&Percentiles) -> f64| {
        latency
            .as_ref()
            .map_or("-".into(), |p| format!("{:.2} ms", f(p)))
    };
    let gauges = |g: &[(String, f64)]| {
        if g.is_empty() {
            "-".to_string()
        } else {
            g.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let per_stream = match (rss_before, rss_open) {
        (Some(a), Some(b)) if still_open > 0 => {
            format!("{:.1} KiB", (b as f64 - a as f64) / still_open as f64)
        }
        _ => "-".into(),
    };
    print_table(
        &format!("rapport-load: {} (hold {n} streams)", args.label),
        &[
            ("target", args.target.clone()),
            ("connections", channels.len().to_string()),
            (
                "streams open, first turn answered",
                format!("{still_open} of {n} in {open_secs:.1} s"),
            ),
            (
                "first-turn latency p50 / p99 / max",
                format!(
                    "{} / {} / {}",
                    lat(|p| p.p50),
                    lat(|p| p.p99),
                    lat(|p| p.max)
                ),
            ),
            (
                "GetConversation sample intact",
                format!("{state_ok} of {}", sample.len()),
            ),
            (
                "second turn on open streams",
                format!("{live_ok} of {live_checked}"),
            ),
            (
                "problems",
                if state_bad.is_empty() {
                    "none".into()
                } else {
                    state_bad
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            ),
            ("server gauges while open", gauges(&gauges_open)),
            ("held for", format!("{:.0} s", args.seconds)),
            (
                "closed cleanly",
                format!("{closed_clean} of {still_open} in {close_secs:.1} s"),
            ),
            ("server gauges after close", gauges(&gauges_closed)),
            ("errors", stats.error_summary()),
            (
                "server RSS",
                format!(
                    "{} MiB before, {} MiB open, {} MiB after {:.0} s ({per_stream} per open stream)",
                    mib(rss_before),
                    mib(rss_open),
                    mib(rss_held),
                    args.seconds
                ),
            ),
        ],
    );
    print_result(
        &args.label,
        0.0,
        0.0,
        &latency,
        &stats.error_summary(),
        rss_open,
        &format!(
            "held={still_open}/{n} intact={state_ok}/{} live={live_ok}/{live_checked} closed={closed_clean} per_stream={per_stream}",
            sample.len()
        ),
    );
    Ok(())
}
