//! Cluster mode end to end: two real `rapport serve` processes on the real model and one real
//! `redis-server` (installed by `.ci/setup`), all on loopback ports. A conversation half on
//! replica A, A killed with SIGKILL, the rest on replica B: state, latch and seen turn ids carry
//! over; a subscriber that reconnects to B with `from_sequence` gets exactly what it missed;
//! Redis killed and restarted mid-run loses no signal a turn was answered with. Webhooks and
//! audit files get each signal once across the replicas (the sinks' consumer group), with the
//! sequence subscribers see; a signal whose replica is killed before its webhook took it is
//! posted by another replica; with `[auth]`, a subscriber on one replica sees only its
//! tenants' signals made on another. Also the Python router that reads the stream directly
//! with a consumer group.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::redis_server::{DEADLINE, Redis, eventually};
use common::serve_process::ServeProcess;
use common::{bot, customer, scratch};
use rapport::proto::{self, rapport_client::RapportClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

/// `rapport serve` as a separate process with its own config file.
struct Replica {
    url: String,
    metrics: String,
    dir: PathBuf,
    server: ServeProcess,
}

impl Replica {
    async fn start(name: &str, redis: &Redis) -> Self {
        Self::start_with(name, redis, "").await
    }

    /// A replica writing its audit file to `audit.jsonl` in its directory, with `extra` (more
    /// `[signals]` keys or tables, `[auth]`) at the end of its config.
    async fn start_with(name: &str, redis: &Redis, extra: &str) -> Self {
        Self::start_configured(name, redis, "", extra).await
    }

    /// Like [`Self::start_with`], with `cluster` (more `[cluster]` keys) in its config too. Both
    /// listeners bind port 0; the addresses come from the replica's log.
    async fn start_configured(name: &str, redis: &Redis, cluster: &str, extra: &str) -> Self {
        let dir = scratch(&format!("cluster-{name}"));
        let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/rapport-nlu");
        let config = format!(
            "[server]\nlisten = \"127.0.0.1:0\"\nmetrics_listen = \"127.0.0.1:0\"\n\
             drain_timeout_ms = 1000\n\n[nlu]\nmodel_dir = \"{}\"\nthreads = 1\n\n\
             [cluster]\nredis_url = \"{}\"\nload_timeout_ms = 500\n{cluster}\n\n\
             [signals]\naudit_file = \"{}\"\n{extra}",
            model.display(),
            redis.url(),
            dir.join("audit.jsonl").display(),
        );
        let path = dir.join("rapport.toml");
        std::fs::write(&path, config).unwrap();
        let mut server = ServeProcess::spawn(&path, &dir.join("rapport.log"));
        let url = format!("http://{}", server.grpc_addr().await);
        let metrics = server.admin_addr().await;
        Self {
            url,
            metrics,
            dir,
            server,
        }
    }

    async fn client(&self) -> RapportClient<Channel> {
        RapportClient::connect(self.url.clone()).await.unwrap()
    }

    async fn converse(&self) -> common::Conversation {
        self.converse_as(None).await
    }

    async fn converse_as(&self, token: Option<&str>) -> common::Conversation {
        let (requests, receiver) = mpsc::channel(64);
        let responses = self
            .client()
            .await
            .converse(common::bearer(ReceiverStream::new(receiver), token))
            .await
            .unwrap()
            .into_inner();
        common::Conversation {
            requests,
            responses,
        }
    }

    async fn subscribe(&self, from_sequence: Option<u64>) -> Subscriber {
        self.subscribe_as(None, from_sequence).await
    }

    async fn subscribe_as(&self, token: Option<&str>, from_sequence: Option<u64>) -> Subscriber {
        let request = proto::SubscribeSignalsRequest {
            from_sequence,
            ..Default::default()
        };
        let stream = self
            .client()
            .await
            .subscribe_signals(common::bearer(request, token))
            .await
            .unwrap()
            .into_inner();
        Subscriber {
            stream,
            seen: Vec::new(),
        }
    }

    async fn conversation(
        &self,
        id: &str,
    ) -> Result<proto::GetConversationResponse, tonic::Status> {
        let request = proto::GetConversationRequest {
            tenant_id: "acme".into(),
            conversation_id: id.into(),
        };
        self.client()
            .await
            .get_conversation(request)
            .await
            .map(|r| r.into_inner())
    }

    /// gRPC health of the whole server, and the degraded reason it gives, if any.
    async fn health(&self) -> (i32, Option<String>) {
        let channel = Channel::from_shared(self.url.clone())
            .unwrap()
            .connect()
            .await
            .unwrap();
        let answer = tonic_health::pb::health_client::HealthClient::new(channel)
            .check(tonic_health::pb::HealthCheckRequest::default())
            .await
            .unwrap();
        let reason = answer
            .metadata()
            .get(rapport::api::DEGRADED_HEADER)
            .map(|v| v.to_str().unwrap().to_string());
        (answer.into_inner().status, reason)
    }

    /// The value of an unlabelled metric on `/metrics`.
    async fn metric(&self, name: &str) -> Option<f64> {
        let mut http = TcpStream::connect(&self.metrics).await.ok()?;
        http.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut body = String::new();
        http.read_to_string(&mut body).await.ok()?;
        body.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
    }

    fn log(&self) -> String {
        self.server.log()
    }

    /// The signals in its audit file so far, in order.
    fn audited(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.server.process.kill();
        if std::thread::panicking() {
            eprintln!("--- {} log ---\n{}", self.url, self.log());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Signals received by one subscription, in order.
struct Subscriber {
    stream: tonic::Streaming<proto::SignalEvent>,
    seen: Vec<proto::Signal>,
}

impl Subscriber {
    /// Reads until a signal with `id` arrives (bounded); returns its sequence.
    async fn until(&mut self, id: &str) -> u64 {
        let read = async {
            loop {
                let event = self.stream.message().await.unwrap().expect("an event");
                match event.event {
                    Some(proto::signal_event::Event::Signal(signal)) => {
                        let done = signal.signal_id == id;
                        let sequence = signal.sequence;
                        self.seen.push(signal);
                        if done {
                            return sequence;
                        }
                    }
                    other => panic!("unexpected event {other:?}"),
                }
            }
        };
        tokio::time::timeout(DEADLINE, read)
            .await
            .unwrap_or_else(|_| panic!("signal {id} never arrived"))
    }

    fn ids(&self) -> Vec<&str> {
        self.seen.iter().map(|s| s.signal_id.as_str()).collect()
    }

    /// The sequence of signal `id`, seen already or read until it arrives.
    async fn sequence_of(&mut self, id: &str) -> u64 {
        match self.seen.iter().find(|s| s.signal_id == id) {
            Some(signal) => signal.sequence,
            None => self.until(id).await,
        }
    }
}

/// One POST a webhook receiver got.
struct Delivery {
    /// The path: which webhook posted it.
    to: String,
    signal: serde_json::Value,
    idempotency_key: String,
    at: Instant,
}

/// A webhook receiver on loopback: each POST to `/<name>` is recorded; it answers 200, or 503
/// when `<name>` starts with `down` (a receiver that is unreachable for now).
struct Hooks {
    base: String,
    arrivals: mpsc::UnboundedReceiver<Delivery>,
    arrived: Vec<Delivery>,
}

impl Hooks {
    async fn start() -> Self {
        use axum::extract::{Path as Segment, State};
        let (arrived, arrivals) = mpsc::unbounded_channel::<Delivery>();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let receive = |Segment(name): Segment<String>,
                       State(arrived): State<mpsc::UnboundedSender<_>>,
                       headers: axum::http::HeaderMap,
                       body: axum::body::Bytes| async move {
            let status = if name.starts_with("down") {
                axum::http::StatusCode::SERVICE_UNAVAILABLE
            } else {
                axum::http::StatusCode::OK
            };
            let idempotency_key = headers
                .get(rapport::signals::webhook::IDEMPOTENCY_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let _ = arrived.send(Delivery {
                to: name,
                signal: serde_json::from_slice(&body).unwrap(),
                idempotency_key,
                at: Instant::now(),
            });
            status
        };
        let app = axum::Router::new()
            .route("/{name}", axum::routing::post(receive))
            .with_state(arrived);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base,
            arrivals,
            arrived: Vec::new(),
        }
    }

    /// A `[[signals.webhooks]]` table posting to `/<name>`.
    fn webhook(&self, name: &str) -> String {
        format!(
            "\n[[signals.webhooks]]\nurl = \"{}/{name}\"\ninitial_backoff_ms = 20\nmax_backoff_ms = 200\n",
            self.base
        )
    }

    /// Reads deliveries until each signal id in `ids` has arrived at one of `to` (bounded).
    async fn until(&mut self, to: &[&str], ids: &[&str]) {
        let all_in = |arrived: &[Delivery]| {
            ids.iter().all(|id| {
                arrived
                    .iter()
                    .any(|d| to.contains(&d.to.as_str()) && d.signal["id"] == *id)
            })
        };
        let read = async {
            while !all_in(&self.arrived) {
                let delivery = self.arrivals.recv().await.expect("the receiver runs");
                self.arrived.push(delivery);
            }
        };
        tokio::time::timeout(DEADLINE, read)
            .await
            .unwrap_or_else(|_| panic!("deliveries of {ids:?} to {to:?} never arrived"));
    }

    /// Takes in every delivery that has arrived so far.
    fn take_in(&mut self) {
        while let Ok(delivery) = self.arrivals.try_recv() {
            self.arrived.push(delivery);
        }
    }

    /// The (id, sequence) of each signal posted to `/<name>`, in arrival order.
    fn to(&self, name: &str) -> Vec<(String, u64)> {
        self.arrived
            .iter()
            .filter(|d| d.to == name)
            .map(|d| id_and_sequence(&d.signal))
            .collect()
    }
}

/// How many signals the sinks' consumer group has handed out and not had acknowledged.
async fn sink_pending(redis: &Redis) -> i64 {
    let mut connection = redis.connection().await;
    let pending: redis::Value = redis::cmd("XPENDING")
        .arg("rapport:signals")
        .arg("rapport-sinks")
        .query_async(&mut connection)
        .await
        .unwrap();
    match pending {
        redis::Value::Array(summary) => match summary[0] {
            redis::Value::Int(n) => n,
            ref other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// A signal's id and sequence from its JSON (webhook body, audit line).
fn id_and_sequence(signal: &serde_json::Value) -> (String, u64) {
    (
        signal["id"].as_str().unwrap().to_string(),
        signal["sequence"].as_u64().unwrap(),
    )
}

/// Every signal the turns were answered with, in order.
#[derive(Default)]
struct Emitted(Vec<String>);

impl Emitted {
    async fn say(
        &mut self,
        stream: &mut common::Conversation,
        turn: proto::Turn,
    ) -> proto::ConverseResponse {
        let response = stream.say(turn).await;
        self.0
            .extend(response.signals.iter().map(|s| s.signal_id.clone()));
        response
    }

    fn after(&self, id: &str) -> Vec<&str> {
        let at = self.0.iter().position(|s| s == id).unwrap();
        self.0[at + 1..].iter().map(String::as_str).collect()
    }

    fn all(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }
}

fn signal_id(response: &proto::ConverseResponse, kind: proto::SignalKind) -> String {
    response
        .signals
        .iter()
        .find(|s| s.kind == kind as i32)
        .unwrap_or_else(|| panic!("no {kind:?} signal in {response:?}"))
        .signal_id
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_continues_on_another_replica_and_no_signal_is_lost_or_repeated() {
    let mut redis = Redis::start().await;
    let a = Replica::start("a", &redis).await;
    let b = Replica::start("b", &redis).await;
    let mut everything_on_b = b.subscribe(None).await;
    let mut router = a.subscribe(None).await;

    // Half of two conversations on A; c1 escalates there.
    let mut emitted = Emitted::default();
    let mut on_a = a.converse().await;
    let a1 = customer("c1", "1", "my parcel is late again, this is so annoying");
    emitted.say(&mut on_a, a1).await;
    let a2 = bot(
        "c1",
        "2",
        "Sorry to hear that. Can I have your order number?",
    );
    emitted.say(&mut on_a, a2).await;
    let asked = emitted
        .say(&mut on_a, customer("c1", "3", "no, let me talk to a human"))
        .await;
    let first = signal_id(&asked, proto::SignalKind::Escalate);
    let newest_of_c1 = asked.signals.last().unwrap().signal_id.clone();
    emitted
        .say(&mut on_a, customer("c2", "1", "hello, where is my order?"))
        .await;
    let last_on_a = emitted.0.last().unwrap().clone();
    let last_seen_on_a = router.until(&last_on_a).await;
    assert!(last_seen_on_a > 0);
    let replica = &a;
    eventually("A's checkpoints to be written", || async move {
        replica.metric("rapport_cluster_checkpoint_backlog").await == Some(0.0)
    })
    .await;
    let before = a.conversation("c1").await.unwrap();
    assert_eq!(before.customer_turns, 2);
    assert!(before.escalated);
    let last = before.last_signal.expect("A shows c1's last signal");
    let newest_sequence = router.sequence_of(&newest_of_c1).await;
    assert_eq!(
        (last.signal_id.as_str(), last.sequence),
        (newest_of_c1.as_str(), newest_sequence)
    );

    let mut a = a;
    a.server.process.kill();
    let killed = Instant::now();

    // The rest on B: the resent turn is still a duplicate, the state carries on.
    let mut on_b = b.converse().await;
    let resent = on_b
        .say(customer("c1", "3", "no, let me talk to a human"))
        .await;
    assert!(resent.duplicate, "{resent:?}");
    assert!(resent.signals.is_empty());
    let angry = emitted
        .say(
            &mut on_b,
            customer("c1", "4", "I want a human NOW, this bot is useless!!"),
        )
        .await;
    let resumed = killed.elapsed();
    let assessment = common::assessment(&angry).clone();
    let scores = assessment.scores.as_ref().unwrap();
    let expected = 0.5 * scores.frustration + 0.5 * before.conversation_frustration;
    assert!(
        (assessment.conversation_frustration - expected).abs() < 1e-4,
        "smoothed frustration did not continue: {} vs {expected}",
        assessment.conversation_frustration
    );
    assert!(
        angry
            .signals
            .iter()
            .all(|s| s.kind != proto::SignalKind::Escalate as i32),
        "the escalation latch was lost: {angry:?}"
    );
    assert!(everything_on_b.until(&first).await > 0);
    // The newest signal of c1: the one made on A, unless the turn on B fired another.
    let newest = angry
        .signals
        .last()
        .map_or(newest_of_c1.clone(), |s| s.signal_id.clone());
    let newest_sequence = everything_on_b.sequence_of(&newest).await;
    let after = b.conversation("c1").await.unwrap();
    assert_eq!(after.customer_turns, 3);
    assert!(after.escalated);
    let last = after
        .last_signal
        .expect("B shows c1's last signal after the takeover");
    assert_eq!(
        (last.signal_id.as_str(), last.sequence),
        (newest.as_str(), newest_sequence)
    );
    eprintln!("next turn answered with state by B {resumed:?} after A was killed");
    assert!(resumed < Duration::from_secs(1), "resume took {resumed:?}");

    // c2 escalates on B while the router is away; it reconnects to B where it left off.
    let second = signal_id(
        &emitted
            .say(&mut on_b, customer("c2", "2", "let me talk to a human"))
            .await,
        proto::SignalKind::Escalate,
    );
    everything_on_b.until(&second).await;
    let mut router = b.subscribe(Some(last_seen_on_a + 1)).await;
    router.until(&second).await;
    assert_eq!(
        router.ids(),
        emitted.after(&last_on_a),
        "exactly the missed signals"
    );

    // Redis dies: turns are still answered, the signal waits and is delivered once it is back.
    redis.kill();
    let before_outage = emitted.0.len();
    let third = signal_id(
        &emitted
            .say(
                &mut on_b,
                customer("c3", "1", "get me a real person please"),
            )
            .await,
        proto::SignalKind::Escalate,
    );
    let during_outage: Vec<String> = emitted.0[before_outage..].to_vec();
    let replica = &b;
    eventually("B to report redis down", || async move {
        replica.metric("rapport_cluster_redis_up").await == Some(0.0)
    })
    .await;
    assert_eq!(
        b.metric("rapport_cluster_signals_pending").await,
        Some(during_outage.len() as f64)
    );
    let serving = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;
    let (status, reason) = b.health().await;
    assert_eq!(status, serving, "degraded, not down");
    assert!(reason.is_some_and(|r| r.contains("redis")));
    redis.restart().await;
    let newest = emitted.0.last().unwrap().clone();
    router.until(&newest).await;
    everything_on_b.until(&newest).await;
    assert!(router.ids().contains(&third.as_str()));
    // The new Redis lost the sinks' consumer group too: B creates it again and audits the
    // signal made during the outage.
    let replica = &b;
    let made_in_outage = third.as_str();
    eventually("B's audit file to get the outage's signal", || async move {
        replica.audited().iter().any(|s| s["id"] == made_in_outage)
    })
    .await;
    assert_eq!(router.ids(), emitted.after(&last_on_a));
    assert_eq!(
        everything_on_b.ids(),
        emitted.all(),
        "every signal once, in order"
    );
    let sequences: Vec<u64> = everything_on_b.seen.iter().map(|s| s.sequence).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    assert!(b.log().contains("redis unavailable"));
    let replica = &b;
    eventually("B to report redis up again", || async move {
        replica.metric("rapport_cluster_redis_up").await == Some(1.0)
    })
    .await;
    assert_eq!(b.health().await, (serving, None));

    // The stream in Redis holds the re-sent signal with its fields.
    let mut connection = redis.connection().await;
    let entries: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
        .arg("rapport:signals")
        .arg("-")
        .arg("+")
        .query_async(&mut connection)
        .await
        .unwrap();
    let ids: Vec<String> = entries
        .ids
        .iter()
        .map(|e| e.get::<String>("signal_id").unwrap())
        .collect();
    assert_eq!(ids, during_outage);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_and_the_audit_files_get_each_signal_once_across_the_replicas() {
    let redis = Redis::start().await;
    let mut hooks = Hooks::start().await;
    let a = Replica::start_with("hook-a", &redis, &hooks.webhook("a")).await;
    let b = Replica::start_with("hook-b", &redis, &hooks.webhook("b")).await;
    let mut subscriber = b.subscribe(None).await;
    let (mut on_a, mut on_b) = (a.converse().await, b.converse().await);
    let mut escalate = async |stream: &mut common::Conversation, conversation: &str| {
        let turn = customer(conversation, "1", "let me talk to a human");
        let id = signal_id(&stream.say(turn).await, proto::SignalKind::Escalate);
        let sequence = subscriber.until(&id).await;
        (id, sequence)
    };
    let made = vec![
        escalate(&mut on_a, "w1").await,
        escalate(&mut on_b, "w2").await,
        escalate(&mut on_a, "w3").await,
    ];
    assert!(made.iter().all(|(_, sequence)| *sequence > 0));
    let ids: Vec<&str> = made.iter().map(|(id, _)| id.as_str()).collect();

    // Whichever replica's sinks took a signal: once it is acknowledged, nothing delivers it
    // again, so once nothing is pending every delivery there will be has arrived.
    hooks.until(&["a", "b"], &ids).await;
    eventually("the sinks to acknowledge every signal", || async {
        sink_pending(&redis).await == 0
    })
    .await;
    hooks.take_in();
    let (to_a, to_b) = (hooks.to("a"), hooks.to("b"));
    for posted in [&to_a, &to_b] {
        assert!(
            posted.windows(2).all(|w| w[0].1 < w[1].1),
            "each webhook posts in stream order: {posted:?}"
        );
    }
    let mut posted = [to_a, to_b].concat();
    posted.sort_by_key(|(_, sequence)| *sequence);
    assert_eq!(posted, made, "each signal once, with its stream sequence");
    assert!(
        hooks
            .arrived
            .iter()
            .all(|d| d.idempotency_key == d.signal["id"]),
        "the idempotency key is the signal id"
    );

    // The audit files likewise: between them, each signal once (written before acknowledged).
    let mut audited: Vec<_> = [a.audited(), b.audited()]
        .concat()
        .iter()
        .map(id_and_sequence)
        .collect();
    audited.sort_by_key(|(_, sequence)| *sequence);
    assert_eq!(audited, made);
    // And the log line of a signal (its sequence), on the replica that made it only.
    let logged = &made[0].1.to_string();
    let replica = &a;
    eventually("A's log line of its signal", || async move {
        replica.log().contains(logged.as_str())
    })
    .await;
    assert!(!b.log().contains(logged.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_whose_replica_dies_before_its_webhook_took_it_is_posted_by_another() {
    let redis = Redis::start().await;
    let mut hooks = Hooks::start().await;
    let claim_soon = "sink_claim_idle_ms = 500";
    // A's receiver is down: A retries the signal (for `retry_for_secs`), never finishing it.
    let a = Replica::start_configured("dies-a", &redis, claim_soon, &hooks.webhook("down")).await;
    let mut on_a = a.converse().await;
    let turn = customer("d1", "1", "let me talk to a human");
    let signal = signal_id(&on_a.say(turn).await, proto::SignalKind::Escalate);
    hooks.until(&["down"], &[&signal]).await;
    assert_eq!(sink_pending(&redis).await, 1);
    let mut a = a;
    a.server.process.kill();

    // B starts after A died (a replacement) and takes the signal over from the group.
    let b =
        Replica::start_configured("takes-over-b", &redis, claim_soon, &hooks.webhook("b")).await;
    hooks.until(&["b"], &[&signal]).await;
    let mut subscriber = b.subscribe(Some(0)).await;
    let sequence = subscriber.until(&signal).await;
    assert_eq!(hooks.to("b"), [(signal.clone(), sequence)]);
    let posted = hooks.arrived.iter().find(|d| d.to == "b").unwrap();
    assert_eq!(posted.idempotency_key, signal, "receivers dedupe by it");
    let replica = &b;
    eventually("B to count the signal it took over", || async move {
        replica.metric("rapport_cluster_sink_claimed_total").await == Some(1.0)
    })
    .await;
    eventually("the signal to be acknowledged", || async {
        sink_pending(&redis).await == 0
    })
    .await;
    let audited: Vec<_> = b.audited().iter().map(id_and_sequence).collect();
    assert_eq!(audited, [(signal.clone(), sequence)]);
    assert!(b.log().contains("took over signals"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_replica_still_retrying_a_signal_keeps_it_past_the_claim_idle_time() {
    let redis = Redis::start().await;
    let mut hooks = Hooks::start().await;
    let claim_soon = "sink_claim_idle_ms = 300";
    let a =
        Replica::start_configured("keeps-a", &redis, claim_soon, &hooks.webhook("down-a")).await;
    let b =
        Replica::start_configured("keeps-b", &redis, claim_soon, &hooks.webhook("down-b")).await;
    let mut on_a = a.converse().await;
    let turn = customer("k1", "1", "let me talk to a human");
    let signal = signal_id(&on_a.say(turn).await, proto::SignalKind::Escalate);
    // Whichever replica took it retries; wait until it has for over three claim idle times.
    hooks.until(&["down-a", "down-b"], &[&signal]).await;
    let first = hooks.arrived[0].at;
    let read = async {
        while hooks.arrived.last().unwrap().at - first < Duration::from_millis(1_000) {
            let next = hooks.arrivals.recv().await.expect("the receiver runs");
            hooks.arrived.push(next);
        }
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .expect("the signal is retried");
    let by = hooks.arrived[0].to.clone();
    assert!(
        hooks.arrived.iter().all(|d| d.to == by),
        "only the replica that took it posts it: {:?}",
        hooks.arrived.iter().map(|d| &d.to).collect::<Vec<_>>()
    );
    for replica in [&a, &b] {
        assert!(
            replica
                .metric("rapport_cluster_sink_pending")
                .await
                .is_some()
        );
        let claimed = replica.metric("rapport_cluster_sink_claimed_total").await;
        assert!(claimed.unwrap_or(0.0) == 0.0, "taken over: {claimed:?}");
    }
    assert_eq!(sink_pending(&redis).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auth_a_subscriber_on_one_replica_sees_only_its_tenants_signals_from_another() {
    use rapport::auth::{hash_token, to_hex};
    const BOT: &str = "bot-both-tenants-3e9f1c";
    const ACME_DESK: &str = "acme-desk-8b21d7";
    const ROUTER: &str = "router-every-tenant-5a0c44";
    let token = |token: &str, tenants: &str, scopes: &str| {
        format!(
            "\n[[auth.tokens]]\nname = \"{token}\"\nsha256 = \"{}\"\ntenants = {tenants}\nscopes = {scopes}\n",
            to_hex(&hash_token(token))
        )
    };
    let auth = [
        "\n[auth]\nmode = \"tokens\"\n".to_string(),
        token(BOT, r#"["acme", "globex"]"#, r#"["converse"]"#),
        token(ACME_DESK, r#"["acme"]"#, r#"["subscribe"]"#),
        token(ROUTER, r#"["*"]"#, r#"["subscribe"]"#),
    ]
    .concat();
    let redis = Redis::start().await;
    let a = Replica::start_with("auth-a", &redis, &auth).await;
    let b = Replica::start_with("auth-b", &redis, &auth).await;
    let mut desk = b.subscribe_as(Some(ACME_DESK), None).await;
    let mut router = b.subscribe_as(Some(ROUTER), None).await;

    let mut on_a = a.converse_as(Some(BOT)).await;
    let globex = proto::Turn {
        tenant_id: "globex".into(),
        ..customer("g1", "1", "let me talk to a human")
    };
    let theirs = signal_id(&on_a.say(globex).await, proto::SignalKind::Escalate);
    // On B before acme's signal is made, so the desk would meet it first.
    router.until(&theirs).await;
    let acme = customer("a1", "1", "let me talk to a human");
    let mine = signal_id(&on_a.say(acme).await, proto::SignalKind::Escalate);
    desk.until(&mine).await;
    assert_eq!(desk.ids(), [mine.as_str()]);

    // Replayed from the start on B: filtered the same way.
    let mut replayed = b.subscribe_as(Some(ACME_DESK), Some(0)).await;
    replayed.until(&mine).await;
    assert_eq!(replayed.ids(), [mine.as_str()]);
    assert!(desk.seen.iter().all(|s| s.tenant_id == "acme"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_router_reads_the_stream_with_a_consumer_group() {
    let redis = Redis::start().await;
    let replica = Replica::start("py", &redis).await;
    let mut stream = replica.converse().await;
    let mut emitted = Emitted::default();
    for conversation in ["p1", "p2"] {
        let turn = customer(conversation, "1", "let me talk to a human");
        signal_id(
            &emitted.say(&mut stream, turn).await,
            proto::SignalKind::Escalate,
        );
    }
    let ids = emitted.all();
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python3");
    // The router reading up to `count` signals, waiting at most `block_ms` for them.
    let route = |count: usize, block_ms: u32| {
        Command::new(&python)
            .arg("stream_router.py")
            .args([
                "--redis-url",
                &redis.url(),
                "--group",
                "routers",
                "--consumer",
                "t1",
            ])
            .args([
                "--count",
                &count.to_string(),
                "--block-ms",
                &block_ms.to_string(),
            ])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python"))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("run the venv's python (.ci/setup installs the redis package)")
    };
    let output = route(ids.len(), 5000);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<HashMap<String, serde_json::Value>> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let got: Vec<&str> = lines
        .iter()
        .map(|l| l["signal_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, ids);
    assert!(lines.iter().all(|l| l["sequence"].as_u64().unwrap() > 0));
    assert!(lines.iter().any(|l| l["kind"] == "escalate"));

    // Acknowledged: the group has nothing pending, and a second run gets nothing new.
    let mut connection = redis.connection().await;
    let pending: redis::Value = redis::cmd("XPENDING")
        .arg("rapport:signals")
        .arg("routers")
        .query_async(&mut connection)
        .await
        .unwrap();
    let redis::Value::Array(summary) = pending else {
        panic!("{pending:?}")
    };
    assert_eq!(summary[0], redis::Value::Int(0));
    let again = route(1, 200);
    assert!(again.status.success());
    assert!(
        again.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}
