//! deploy/ against the real server: promtool accepts the Prometheus config, the alert rules and
//! their unit tests; the Grafana dashboard and the alerts use exactly the metric families that
//! `/metrics` exports after real traffic, in cluster mode against a real `redis-server` so the
//! cluster families are exported too; the Kubernetes manifests match the shipped config.
//! Needs `promtool` (Debian package `prometheus`) on PATH, or its path in `PROMTOOL`, and
//! `redis-server` (Debian package `redis-server`).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::redis_server::Redis;
use common::{Server, assessment, customer, error_code, scratch};
use rapport::config::Config;
use rapport::proto;
use regex::Regex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn deploy(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(deploy(path)).unwrap_or_else(|e| panic!("deploy/{path}: {e}"))
}

/// Runs promtool and fails with its output; missing promtool is a failure, not a skip.
fn promtool(args: &[&str]) {
    let program = std::env::var("PROMTOOL").unwrap_or_else(|_| "promtool".into());
    let output = Command::new(&program)
        .args(args)
        .current_dir(deploy("prometheus"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{program}` ({e}): install Prometheus' promtool \
                 (`apt-get install -y --no-install-recommends prometheus`) or set PROMTOOL"
            )
        });
    assert!(
        output.status.success(),
        "promtool {} failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `rapport_*` metric names in `text`, as families (`_bucket`, `_sum`, `_count` stripped).
fn families(text: &str) -> BTreeSet<String> {
    let name = Regex::new(r"\brapport_[a-z_]+").unwrap();
    let suffix = Regex::new(r"_(bucket|sum|count)$").unwrap();
    name.find_iter(text)
        .map(|m| suffix.replace(m.as_str(), "").into_owned())
        .collect()
}

/// Every target `expr` of every panel (rows' nested panels included).
fn dashboard_exprs(value: &serde_json::Value, exprs: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(targets) = map.get("targets").and_then(|t| t.as_array()) {
                exprs.extend(
                    targets
                        .iter()
                        .filter_map(|t| t["expr"].as_str().map(String::from)),
                );
            }
            map.values().for_each(|v| dashboard_exprs(v, exprs));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| dashboard_exprs(v, exprs)),
        _ => {}
    }
}

/// A conversation whose checkpoint, in cluster mode, the caller may make unreadable: its turn
/// then counts a Redis error.
const UNREADABLE_CHECKPOINT: &str = "deploy-unreadable";

/// Starts a server with `config` and the exporter, sends traffic that touches every metric, and
/// returns the `/metrics` body. The recorder is installed before the pipeline starts, as
/// `rapport serve` does, so the metrics registered at start (cluster mode's) are exported.
async fn scrape_after_traffic(config: Config) -> String {
    rapport::telemetry::install().unwrap();
    let server = Server::start_with(config).await;
    server.pipeline.start_sinks().await;
    let addr = server.admin().await;
    let mut signals = server
        .client()
        .await
        .subscribe_signals(proto::SubscribeSignalsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut stream = server.converse().await;
    assessment(
        &stream
            .say(customer(
                "deploy-1",
                "1",
                "hi, I have a question about my bill",
            ))
            .await,
    );
    let escalation = stream
        .say(customer("deploy-1", "2", "let me talk to a human"))
        .await;
    assert!(
        !escalation.signals.is_empty(),
        "no signal for an explicit human request"
    );
    assert_eq!(
        error_code(&stream.say(customer("deploy-1", "3", "   ")).await),
        tonic::Code::InvalidArgument
    );
    assessment(
        &stream
            .say(customer(UNREADABLE_CHECKPOINT, "1", "hello again"))
            .await,
    );
    // The subscriber got the signal, so its stream (and gauge) is open.
    let event = tokio::time::timeout(Duration::from_secs(10), signals.message()).await;
    assert!(
        matches!(event, Ok(Ok(Some(_)))),
        "no signal on SubscribeSignals: {event:?}"
    );

    let mut http = TcpStream::connect(addr).await.unwrap();
    http.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    http.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    // Prometheus 3 refuses scrapes without a known Content-Type.
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{head}"
    );
    body.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_and_alerts_use_exactly_the_exported_metrics() {
    let redis = Redis::start().await;
    let audit = scratch("cluster-deploy-audit");
    let mut config = Config::default();
    config.cluster.redis_url = Some(redis.url());
    config.cluster.load_timeout_ms = 2_000;
    // A sink, so the replica joins the sinks' consumer group as in production.
    config.signals.audit_file = Some(audit.join("audit.jsonl"));
    let unreadable = config.cluster.checkpoint_key("acme", UNREADABLE_CHECKPOINT);
    redis::cmd("SET")
        .arg(unreadable)
        .arg("not a checkpoint")
        .query_async::<()>(&mut redis.connection().await)
        .await
        .unwrap();
    let body = scrape_after_traffic(config).await;
    std::fs::remove_dir_all(audit).ok();
    let exported: BTreeSet<String> = body
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|name| name.starts_with("rapport_"))
        .map(String::from)
        .collect();
    use rapport::cluster::health as c;
    use rapport::telemetry as t;
    for family in [
        t::TURNS,
        t::INFERENCE_SECONDS,
        t::BATCH_SIZE,
        t::QUEUE_DEPTH,
        t::ACTIVE_CONVERSATIONS,
        t::ACTIVE_STREAMS,
        t::SUBSCRIBERS,
        t::SIGNALS,
        t::ERRORS,
        t::TURN_SECONDS,
        c::REDIS_UP,
        c::REDIS_ERRORS,
        c::SIGNALS_PENDING,
        c::SIGNALS_DROPPED,
        c::CHECKPOINT_BACKLOG,
        c::CHECKPOINTS_DROPPED,
        c::CHECKPOINTS_LOADED,
        c::SINK_PENDING,
        c::SINK_CLAIMED,
        c::SINK_LOST,
    ] {
        assert!(
            exported.contains(family),
            "the traffic did not produce {family}:\n{body}"
        );
    }

    let dashboard: serde_json::Value =
        serde_json::from_str(&read("grafana/dashboard.json")).expect("dashboard.json is JSON");
    let mut exprs = Vec::new();
    dashboard_exprs(&dashboard["panels"], &mut exprs);
    let charted = families(&exprs.join("\n"));
    let unknown: Vec<_> = charted.difference(&exported).collect();
    assert!(
        unknown.is_empty(),
        "dashboard.json charts metrics /metrics does not export: {unknown:?}"
    );
    let uncharted: Vec<_> = exported.difference(&charted).collect();
    assert!(
        uncharted.is_empty(),
        "dashboard.json has no panel for: {uncharted:?}"
    );

    for file in ["prometheus/alerts.yml", "prometheus/alerts.test.yml"] {
        let used = families(&read(file));
        let unknown: Vec<_> = used.difference(&exported).collect();
        assert!(
            unknown.is_empty(),
            "{file} uses metrics /metrics does not export: {unknown:?}"
        );
    }
}

#[test]
fn promtool_accepts_the_config_the_rules_and_the_rule_tests() {
    promtool(&["check", "config", "prometheus.yml"]);
    promtool(&["check", "rules", "alerts.yml"]);
    promtool(&["test", "rules", "alerts.test.yml"]);
}

/// Each dashboard query, variables filled in, is valid PromQL: promtool checks them as
/// recording rules.
#[test]
fn dashboard_queries_are_valid_promql() {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("grafana/dashboard.json")).unwrap();
    assert!(
        dashboard["uid"].is_string()
            && dashboard["title"].is_string()
            && dashboard["schemaVersion"].is_u64()
    );
    let mut exprs = Vec::new();
    dashboard_exprs(&dashboard["panels"], &mut exprs);
    assert!(!exprs.is_empty());
    let rules: Vec<serde_json::Value> = exprs
        .iter()
        .enumerate()
        .map(|(i, expr)| {
            let expr = expr
                .replace("$__rate_interval", "1m")
                .replace("$job", ".*")
                .replace("$instance", ".*");
            serde_json::json!({ "record": format!("dashboard:query_{i}"), "expr": expr })
        })
        .collect();
    let file = std::env::temp_dir().join(format!(
        "rapport-dashboard-rules-{}.yml",
        std::process::id()
    ));
    std::fs::write(
        &file,
        serde_json::json!({ "groups": [{ "name": "dashboard", "rules": rules }] }).to_string(),
    )
    .unwrap();
    promtool(&["check", "rules", file.to_str().unwrap()]);
    std::fs::remove_file(file).ok();
}

#[test]
fn kubernetes_manifests_match_the_shipped_config() {
    // The ConfigMap's `rapport.toml: |` block is deploy/rapport.toml, indented by four spaces.
    let configmap = read("kubernetes/configmap.yaml");
    let (_, block) = configmap
        .split_once("  rapport.toml: |\n")
        .expect("a rapport.toml key in configmap.yaml");
    let embedded: String = block
        .lines()
        .take_while(|line| line.is_empty() || line.starts_with("    "))
        .map(|line| format!("{}\n", line.strip_prefix("    ").unwrap_or(line)))
        .collect();
    assert_eq!(
        embedded.trim_end(),
        read("rapport.toml").trim_end(),
        "configmap.yaml differs from deploy/rapport.toml"
    );

    let config: rapport::config::Config = toml::from_str(&embedded).unwrap();
    let deployment = read("kubernetes/deployment.yaml");
    let grace: u64 = Regex::new(r"terminationGracePeriodSeconds: (\d+)")
        .unwrap()
        .captures(&deployment)
        .expect("terminationGracePeriodSeconds")[1]
        .parse()
        .unwrap();
    let pre_stop: u64 = Regex::new(r#"command: \["sleep", "(\d+)"\]"#)
        .unwrap()
        .captures(&deployment)
        .expect("a preStop sleep")[1]
        .parse()
        .unwrap();
    assert!(
        grace * 1000 > pre_stop * 1000 + config.server.drain_timeout_ms,
        "terminationGracePeriodSeconds {grace} does not cover preStop {pre_stop}s + drain {}ms",
        config.server.drain_timeout_ms
    );
    let port = config.server.listen.port();
    assert_eq!(
        deployment.matches("service: rapport.v1.Rapport").count(),
        3,
        "startup, readiness and liveness probe rapport.v1.Rapport"
    );
    assert_eq!(
        deployment.matches(&format!("port: {port}\n")).count(),
        3,
        "probes on the gRPC port {port}"
    );
    let metrics_port = config.server.metrics_listen.expect("metrics_listen").port();
    assert!(deployment.contains(&format!("containerPort: {metrics_port}")));
}
