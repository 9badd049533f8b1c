//! Fill mode: memory per tracked conversation. Turns to many conversations that are never
//! ended; the server's RSS growth per conversation.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rapport::proto::{self, converse_response, rapport_client::RapportClient};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::report::{Stats, head_rows, print_result, print_table, rss_kib, rss_row, scrape};
use crate::support::{CpuUse, Rng, cpu_sample, cpu_use};
use crate::{Args, BoxError, code_name, connect, connections_for, customer_turn, run_id};

pub async fn run(args: &Args, corpus: Arc<Vec<String>>) -> Result<(), BoxError> {
    let streams = args.streams.max(1);
    let turns = args.turns.unwrap_or(1).max(1);
    let total = args.conversations;
    let channels = connect(args, connections_for(args, streams)).await?;
    let run = run_id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = rss_kib(args.server_pid);
    let gauges_before = scrape(&args.metrics, &["rapport_active_conversations"]).await;
    let started = Instant::now();
    let cpu_before = cpu_sample(args.server_pid);
    let deadline = started + Duration::from_secs_f64(args.seconds.max(1.0) * 30.0);
    let mut tasks = Vec::new();
    for s in 0..streams {
        let mut client = RapportClient::new(channels[s % channels.len()].clone());
        let corpus = corpus.clone();
        let tenant = args.tenant.clone();
        let ids: Vec<usize> = (s..total).step_by(streams).collect();
        let run = run.clone();
        let window = args.window.max(1);
        let mut rng = Rng::new(args.seed ^ ((s as u64 + 1) * 104_729));
        tasks.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            let (requests, outbound) = mpsc::channel(window);
            let expected = ids.len() * turns;
            let sender = tokio::spawn(async move {
                // Turn t of every conversation before turn t+1 of any.
                for t in 1..=turns {
                    for &i in &ids {
                        let text = &corpus[rng.below(corpus.len())];
                        let conversation = format!("fill-{run}-{i}");
                        if requests
                            .send(customer_turn(&tenant, &conversation, t, text))
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                }
                // Keep the stream open until every answer is in; dropped by the abort below.
                std::future::pending::<()>().await;
            });
            let mut responses = match client.converse(ReceiverStream::new(outbound)).await {
                Ok(r) => r.into_inner(),
                Err(status) => {
                    stats.error(format!("stream:{:?}", status.code()));
                    sender.abort();
                    return stats;
                }
            };
            for _ in 0..expected {
                let left = deadline.saturating_duration_since(Instant::now());
                match tokio::time::timeout(left, responses.message()).await {
                    Ok(Ok(Some(m))) => match &m.outcome {
                        Some(converse_response::Outcome::Assessment(_)) => {
                            stats.turns_done += 1;
                            stats.signals += m.signals.len() as u64;
                        }
                        Some(converse_response::Outcome::Error(e)) => {
                            stats.error(code_name(e.code))
                        }
                        _ => stats.error("unexpected-outcome"),
                    },
                    Ok(Ok(None)) => {
                        stats.error("stream:closed");
                        break;
                    }
                    Ok(Err(status)) => {
                        stats.error(format!("stream:{:?}", status.code()));
                        break;
                    }
                    Err(_) => {
                        stats.error("client:timeout");
                        break;
                    }
                }
            }
            sender.abort();
            stats
        }));
    }
    let mut stats = Stats::default();
    for task in tasks {
        stats.merge(task.await?);
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_use(cpu_before, cpu_sample(args.server_pid));
    // Let the allocator settle and the server finish any bookkeeping.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = rss_kib(args.server_pid);
    let gauges_after = scrape(&args.metrics, &["rapport_active_conversations"]).await;

    // Verify a sample is held.
    let mut client = RapportClient::new(channels[0].clone());
    let mut rng = Rng::new(args.seed ^ 0xf111);
    let mut held_ok = 0;
    let sample = 100.min(total);
    for _ in 0..sample {
        let i = rng.below(total);
        let reply = client
            .get_conversation(proto::GetConversationRequest {
                tenant_id: args.tenant.clone(),
                conversation_id: format!("fill-{run}-{i}"),
            })
            .await;
        if matches!(reply, Ok(r) if r.get_ref().customer_turns as usize == turns) {
            held_ok += 1;
        }
    }
    let tracked = stats.turns_done as usize / turns;
    let per_conversation = match (rss_before, rss_after) {
        (Some(a), Some(b)) if tracked > 0 => Some((b as f64 - a as f64) * 1024.0 / tracked as f64),
        _ => None,
    };
    let gauges = |g: &[(String, f64)]| g.first().map_or("-".to_string(), |(_, v)| format!("{v}"));
    print_table(
        &format!(
            "rapport-load: {} (fill {total} conversations × {turns} turn(s))",
            args.label
        ),
        &[
            head_rows(&args.target, streams, channels.len()),
            vec![
                (
                    "turns answered",
                    format!(
                        "{} in {secs:.1} s ({:.0} turns/s)",
                        stats.turns_done,
                        stats.turns_done as f64 / secs
                    ),
                ),
                (
                    "conversations tracked",
                    format!(
                        "{tracked} (server gauge {} → {})",
                        gauges(&gauges_before),
                        gauges(&gauges_after)
                    ),
                ),
                (
                    "GetConversation sample held",
                    format!("{held_ok} of {sample}"),
                ),
                ("errors", stats.error_summary()),
                rss_row(rss_before, rss_after),
                (
                    "per tracked conversation",
                    per_conversation.map_or("-".into(), |b| {
                        format!("{b:.0} bytes ({:.2} KiB)", b / 1024.0)
                    }),
                ),
            ],
        ]
        .concat(),
    );
    print_result(
        &args.label,
        stats.turns_done as f64 / secs,
        stats.signals as f64 / secs,
        &None,
        &stats.error_summary(),
        rss_after,
        &format!(
            "tracked={tracked} held_sample={held_ok}/{sample} bytes_per_conversation={} {}",
            per_conversation.map_or("-".into(), |b| format!("{b:.0}")),
            cpu.as_ref().map_or(String::new(), CpuUse::compact)
        ),
    );
    Ok(())
}
