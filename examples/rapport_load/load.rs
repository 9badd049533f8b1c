//! Load mode: streams carry live conversations flat out (closed loop, `--window` in flight per
//! stream, latency from each turn's send) or at a fixed offered rate (open loop, latency from
//! the scheduled send time).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rapport::proto::{self, converse_response, rapport_client::RapportClient};
use tokio::sync::{Semaphore, mpsc};
use tokio_stream::wrappers::{ReceiverStream, UnboundedReceiverStream};
use tonic::transport::Channel;

use crate::report::{
    SERVER_SUMS, ServerView, Stats, head_rows, percentiles, print_result, print_table, rss_kib,
    rss_row, scrape,
};
use crate::support::{CpuUse, Percentiles, Rng, bot_and_customer, cpu_sample, cpu_use};
use crate::{
    Args, BoxError, bot_turn, code_name, connect, connections_for, customer_turn, end_request,
    run_id,
};

/// What a response in a stream's ordered reply sequence answers.
enum Sent {
    Turn {
        at: Instant,
    },
    /// A bot turn sent before its customer turn: answered `Recorded`, not timed.
    Bot,
    End,
}

struct Window {
    warm: Instant,
    end: Instant,
}

pub async fn run(args: &Args, corpus: Arc<Vec<String>>) -> Result<(), BoxError> {
    let streams = args.streams.max(1);
    let turns = args.turns.unwrap_or(8).max(1);
    let channels = connect(args, connections_for(args, streams)).await?;
    let rss_before = rss_kib(args.server_pid);
    let run = run_id();
    let started = Instant::now();
    let server_before = scrape(&args.metrics, SERVER_SUMS).await;
    let window = Arc::new(Window {
        warm: started + Duration::from_secs_f64(args.warmup),
        end: started + Duration::from_secs_f64(args.warmup + args.seconds),
    });
    let mut tasks = Vec::with_capacity(streams);
    for s in 0..streams {
        let slots = (args.conversations / streams).max(1);
        let task = StreamLoad {
            client: RapportClient::new(channels[s % channels.len()].clone()),
            corpus: corpus.clone(),
            tenant: args.tenant.clone(),
            prefix: format!("{run}-{s}"),
            slots,
            turns,
            // Open loop: one send every `interval` on this stream.
            interval: (args.rate > 0.0)
                .then(|| Duration::from_secs_f64(streams as f64 / args.rate)),
            window: if args.rate > 0.0 {
                args.window.max(1024)
            } else {
                args.window.max(1)
            },
            rng: Rng::new(args.seed ^ ((s as u64 + 1) * 7919)),
            times: window.clone(),
        };
        // Stagger the open-loop streams so they do not fire in lockstep.
        let offset = task
            .interval
            .map_or(Duration::ZERO, |i| i.mul_f64(s as f64 / streams as f64));
        tasks.push(tokio::spawn(task.run(offset)));
    }
    // CPU over the measured window only.
    let cpu_window = {
        let (pid, warm, end) = (args.server_pid, window.warm, window.end);
        tokio::spawn(async move {
            tokio::time::sleep_until(warm.into()).await;
            let a = cpu_sample(pid);
            tokio::time::sleep_until(end.into()).await;
            cpu_use(a, cpu_sample(pid))
        })
    };
    let mut stats = Stats::default();
    let mut sent_total = 0u64;
    for task in tasks {
        let (s, sent) = task.await?;
        stats.merge(s);
        sent_total += sent;
    }
    let rss_after = rss_kib(args.server_pid);
    let cpu = cpu_window.await.ok().flatten();
    let server_after = scrape(&args.metrics, SERVER_SUMS).await;
    let server = ServerView::between(
        &server_before,
        &server_after,
        started.elapsed().as_secs_f64(),
    );
    let measured = window.end.duration_since(window.warm).as_secs_f64();
    let turns_per_s = stats.turns_done as f64 / measured;
    let signals_per_s = stats.signals as f64 / measured;
    let latency = percentiles(&stats.latencies_us);
    let mode = if args.rate > 0.0 {
        format!("offered {:.0} turns/s", args.rate)
    } else {
        format!("flat out, {} in flight per stream", args.window)
    };
    let lat = |f: fn(&Percentiles) -> f64| {
        latency
            .as_ref()
            .map_or("-".into(), |p| format!("{:.2} ms", f(p)))
    };
    print_table(
        &format!("rapport-load: {} ({mode})", args.label),
        &[
            head_rows(&args.target, streams, channels.len()),
            vec![
                (
                    "conversations",
                    format!(
                        "{} live, {turns} turns each",
                        (args.conversations / streams).max(1) * streams
                    ),
                ),
                (
                    "measured",
                    format!("{measured:.1} s after {:.1} s warm-up", args.warmup),
                ),
                ("turns sent (all)", sent_total.to_string()),
                ("turns/s", format!("{turns_per_s:.0}")),
                ("signals/s", format!("{signals_per_s:.1}")),
                ("latency p50", lat(|p| p.p50)),
                ("latency p90", lat(|p| p.p90)),
                ("latency p99", lat(|p| p.p99)),
                ("latency max", lat(|p| p.max)),
                ("errors", stats.error_summary()),
                rss_row(rss_before, rss_after),
                (
                    "server metrics (whole run)",
                    server.as_ref().map_or("-".into(), ServerView::describe),
                ),
                (
                    "CPU (measured window)",
                    cpu.as_ref().map_or("-".into(), CpuUse::describe),
                ),
            ],
        ]
        .concat(),
    );
    let mut extra = format!("streams={streams}");
    if let Some(cpu) = &cpu {
        extra.push(' ');
        extra.push_str(&cpu.compact());
    }
    if let Some(server) = &server {
        extra.push(' ');
        extra.push_str(&server.compact());
    }
    print_result(
        &args.label,
        turns_per_s,
        signals_per_s,
        &latency,
        &stats.error_summary(),
        rss_after,
        &extra,
    );
    Ok(())
}

struct StreamLoad {
    client: RapportClient<Channel>,
    corpus: Arc<Vec<String>>,
    tenant: String,
    prefix: String,
    slots: usize,
    turns: usize,
    interval: Option<Duration>,
    window: usize,
    rng: Rng,
    times: Arc<Window>,
}

impl StreamLoad {
    /// Sends until the window ends, ends every conversation it started, and returns the
    /// statistics of its replies and the number of turns it sent.
    async fn run(mut self, offset: Duration) -> (Stats, u64) {
        let mut stats = Stats::default();
        let (requests, outbound) = mpsc::channel::<proto::ConverseRequest>(self.window.min(4096));
        let (sent_tx, sent_rx) = mpsc::unbounded_channel::<Sent>();
        let permits = Arc::new(Semaphore::new(self.window));
        let times = self.times.clone();
        let receiver_permits = permits.clone();
        let mut client = self.client.clone();
        // The call is made in the receiving task while this one already sends: a server may
        // hold back its response headers until it answers the first request (grpcio does).
        let receiver = tokio::spawn(async move {
            let mut stats = Stats::default();
            let mut responses = match client.converse(ReceiverStream::new(outbound)).await {
                Ok(r) => r.into_inner(),
                Err(status) => {
                    stats.error(format!("stream:{:?}", status.code()));
                    return stats;
                }
            };
            let mut sent = UnboundedReceiverStream::new(sent_rx);
            loop {
                let message = match tokio::time::timeout(
                    Duration::from_secs(30),
                    responses.message(),
                )
                .await
                {
                    Ok(Ok(Some(m))) => m,
                    Ok(Ok(None)) => break,
                    Ok(Err(status)) => {
                        stats.error(format!("stream:{:?}", status.code()));
                        break;
                    }
                    Err(_) => {
                        stats.error("client:timeout");
                        break;
                    }
                };
                receiver_permits.add_permits(1);
                let Some(what) = sent.next().await else { break };
                let now = Instant::now();
                let at = match what {
                    Sent::Turn { at } => at,
                    Sent::Bot => {
                        match &message.outcome {
                            Some(converse_response::Outcome::Recorded(_)) => {}
                            Some(converse_response::Outcome::Error(e)) => {
                                stats.error(code_name(e.code))
                            }
                            _ => stats.error("unexpected-outcome"),
                        }
                        continue;
                    }
                    Sent::End => continue,
                };
                let in_window = now >= times.warm && now <= times.end;
                match &message.outcome {
                    Some(converse_response::Outcome::Error(e)) => stats.error(code_name(e.code)),
                    Some(converse_response::Outcome::Assessment(_)) => {
                        if in_window {
                            stats.turns_done += 1;
                            stats.signals += message.signals.len() as u64;
                        }
                        if at >= times.warm && at < times.end {
                            let us = now.duration_since(at).as_micros().min(u32::MAX as u128);
                            stats.latencies_us.push(us as u32);
                        }
                    }
                    _ => stats.error("unexpected-outcome"),
                }
            }
            stats
        });

        // Conversation slots: (generation, next turn number).
        let mut slots: Vec<(u64, usize)> = vec![(0, 0); self.slots];
        let mut next_slot = 0usize;
        let mut sent_turns = 0u64;
        let start = Instant::now() + offset;
        let mut tick = 0u64;
        'send: loop {
            // At a fixed rate latency counts from the scheduled time (open loop: a full window
            // is the server's delay too). Flat out it counts from the send, once a permit is
            // free: waiting for an earlier turn's answer is not this turn's latency.
            let due = match self.interval {
                Some(interval) => {
                    let due = start + interval.mul_f64(tick as f64);
                    tick += 1;
                    if due >= self.times.end {
                        break;
                    }
                    tokio::time::sleep_until(due.into()).await;
                    Some(due)
                }
                None => None,
            };
            if Instant::now() >= self.times.end {
                break;
            }
            let slot = next_slot;
            next_slot = (next_slot + 1) % slots.len();
            let (generation, turn) = slots[slot];
            let conversation = format!("{}-{slot}-{generation}", self.prefix);
            let line = &self.corpus[self.rng.below(self.corpus.len())];
            let (bot, text) = bot_and_customer(line);
            // Each request takes its own permit, the bot turn's first, so a window of one
            // still moves: the bot turn's answer frees the permit its customer turn takes.
            if let Some(bot) = bot {
                let Ok(permit) = permits.acquire().await else {
                    break;
                };
                permit.forget();
                let _ = sent_tx.send(Sent::Bot);
                if requests
                    .send(bot_turn(&self.tenant, &conversation, turn + 1, bot))
                    .await
                    .is_err()
                {
                    break 'send;
                }
            }
            let Ok(permit) = permits.acquire().await else {
                break;
            };
            permit.forget();
            // Flat out, the customer turn's latency starts once its bot turn is on its way.
            let at = due.unwrap_or_else(Instant::now);
            let _ = sent_tx.send(Sent::Turn { at });
            if requests
                .send(customer_turn(&self.tenant, &conversation, turn + 1, text))
                .await
                .is_err()
            {
                break 'send;
            }
            sent_turns += 1;
            if turn + 1 == self.turns {
                slots[slot] = (generation + 1, 0);
                if !send_end(&requests, &permits, &sent_tx, &self.tenant, &conversation).await {
                    break 'send;
                }
            } else {
                slots[slot].1 = turn + 1;
            }
        }
        // End what is still open so the next run starts from an empty store.
        for (slot, &(generation, turn)) in slots.iter().enumerate() {
            if turn == 0 {
                continue;
            }
            let conversation = format!("{}-{slot}-{generation}", self.prefix);
            if !send_end(&requests, &permits, &sent_tx, &self.tenant, &conversation).await {
                break;
            }
        }
        drop(requests);
        drop(sent_tx);
        match receiver.await {
            Ok(s) => stats.merge(s),
            Err(_) => stats.error("client:panic"),
        }
        (stats, sent_turns)
    }
}

/// Ends a conversation within the stream's window; false once the stream is gone.
async fn send_end(
    requests: &mpsc::Sender<proto::ConverseRequest>,
    permits: &Semaphore,
    sent: &mpsc::UnboundedSender<Sent>,
    tenant: &str,
    conversation: &str,
) -> bool {
    let Ok(permit) = permits.acquire().await else {
        return false;
    };
    permit.forget();
    let _ = sent.send(Sent::End);
    requests
        .send(end_request(tenant, conversation))
        .await
        .is_ok()
}
