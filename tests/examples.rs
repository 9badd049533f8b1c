//! The Python examples in `examples/python` against a real server on the real model:
//! `router.py` subscribes to escalations, `chatbot.py` plays its scripted conversation, and
//! both see the same escalation, with a handoff the server already redacted. Each presents its
//! own bearer token (`--token`): the chatbot's may converse, the router's may subscribe.
//!
//! Needs grpcio and grpcio-tools in `.venv` (see examples/README.md).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use common::Server;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;

const PIP: &str = ".venv/bin/pip install grpcio grpcio-tools";

fn python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python3");
    assert!(
        python.exists(),
        "{} not found: create the venv and run `{PIP}`",
        python.display()
    );
    let probe = Command::new(&python)
        .args(["-c", "import grpc, grpc_tools"])
        .output()
        .expect("run the venv's python");
    assert!(
        probe.status.success(),
        "grpcio / grpcio-tools are missing from .venv; run `{PIP}`\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    python
}

/// A running example script: its stdout line by line, its stderr and exit status at the end.
/// Killed if the test fails before it exits.
struct Script {
    name: &'static str,
    pid: u32,
    lines: mpsc::UnboundedReceiver<String>,
    stderr: JoinHandle<String>,
    status: Option<JoinHandle<ExitStatus>>,
}

impl Script {
    fn spawn(python: &Path, name: &'static str, args: &[&str]) -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python");
        let stubs = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rapport-python-stubs");
        let mut child = Command::new(python)
            .arg(name)
            .args(args)
            .current_dir(dir)
            .env("RAPPORT_PY_STUBS", stubs)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let lines = common::lines_of(child.stdout.take().unwrap(), std::io::sink());
        let mut stderr = child.stderr.take().unwrap();
        let stderr = tokio::task::spawn_blocking(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let pid = child.id();
        let status =
            tokio::task::spawn_blocking(move || child.wait().expect("wait for the script"));
        Self {
            name,
            pid,
            lines,
            stderr,
            status: Some(status),
        }
    }

    /// The next stdout line; `None` once the script closed stdout.
    async fn line(&mut self, within: Duration) -> Option<String> {
        match timeout(within, self.lines.recv()).await {
            Ok(line) => line,
            Err(_) => panic!("{} printed nothing within {within:?}", self.name),
        }
    }

    /// The next stdout line as JSON; fails with the script's stderr when it exited instead.
    async fn json(&mut self, within: Duration) -> Value {
        match self.line(within).await {
            Some(line) => serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("{}: not a JSON line ({e}): {line}", self.name)),
            None => {
                let (status, stderr) = self.finish(within).await;
                panic!("{} exited ({status}) early:\n{stderr}", self.name)
            }
        }
    }

    /// Waits for the exit: the status, the rest of stdout (undelivered lines) and stderr.
    async fn finish(&mut self, within: Duration) -> (ExitStatus, String) {
        let status = self.status.take().expect("finished once");
        let status = match timeout(within, status).await {
            Ok(status) => status.unwrap(),
            Err(_) => {
                kill(self.pid);
                panic!("{} still running after {within:?}", self.name)
            }
        };
        let stderr = (&mut self.stderr).await.unwrap();
        (status, stderr)
    }

    async fn rest(&mut self) -> Vec<String> {
        let mut rest = Vec::new();
        while let Some(line) = self.lines.recv().await {
            rest.push(line);
        }
        rest
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        if self.status.is_some() {
            kill(self.pid);
        }
    }
}

fn kill(pid: u32) {
    let _ = Command::new("kill").arg(pid.to_string()).status();
}

const CHATBOT_TOKEN: &str = "example-chatbot-token";
const ROUTER_TOKEN: &str = "example-router-token";

/// `[auth]` with one token per script, for tenant acme (the chatbot's default).
fn tokens() -> rapport::config::Config {
    let entry = |token: &str, scope: &str| {
        let sha256 = rapport::auth::to_hex(&rapport::auth::hash_token(token));
        format!(
            "[[auth.tokens]]\nsha256 = \"{sha256}\"\ntenants = [\"acme\"]\nscopes = [\"{scope}\"]\n"
        )
    };
    toml::from_str(&(entry(CHATBOT_TOKEN, "converse") + &entry(ROUTER_TOKEN, "subscribe"))).unwrap()
}

#[tokio::test]
async fn the_router_example_receives_the_escalation_the_chatbot_example_triggers() {
    let python = python();
    let server = Server::start_with(tokens()).await;
    let addr = server.url.trim_start_matches("http://").to_string();

    let mut router = Script::spawn(
        &python,
        "router.py",
        &[
            "--addr",
            &addr,
            "--kind",
            "ESCALATE",
            "--max",
            "1",
            "--token",
            ROUTER_TOKEN,
        ],
    );
    // router.py prints this once the server answered the subscription with its headers, which
    // it sends only after registering the subscriber: from here on no escalation is missed.
    let subscribed = router.json(Duration::from_secs(120)).await;
    assert_eq!(subscribed["event"], "subscribed", "{subscribed}");
    assert_eq!(subscribed["kinds"], serde_json::json!(["ESCALATE"]));

    let mut chatbot = Script::spawn(
        &python,
        "chatbot.py",
        &["--addr", &addr, "--token", CHATBOT_TOKEN],
    );
    let (status, stderr) = chatbot.finish(Duration::from_secs(180)).await;
    let output = chatbot.rest().await;
    assert!(
        status.success(),
        "chatbot.py failed ({status}):\n{}\n{stderr}",
        output.join("\n")
    );
    let last = output
        .last()
        .unwrap_or_else(|| panic!("chatbot.py printed nothing\n{stderr}"));
    let summary: Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("summary line ({e}): {last}"));
    assert_eq!(summary["completed"], true, "{summary}");
    assert_eq!(summary["errors"], serde_json::json!([]), "{summary}");
    assert_eq!(
        summary["escalated"],
        true,
        "no escalation:\n{}",
        output.join("\n")
    );
    let escalation = summary["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "ESCALATE")
        .unwrap()
        .clone();
    let rule_id = escalation["rule_id"].as_str().unwrap();
    assert!(rule_id.starts_with("escalate."), "{escalation}");

    let routed = router.json(Duration::from_secs(60)).await;
    assert_eq!(routed["event"], "signal", "{routed}");
    assert_eq!(routed["kind"], "ESCALATE");
    assert_eq!(
        routed["rule_id"], rule_id,
        "the router saw another escalation: {routed}"
    );
    assert_eq!(routed["sequence"], escalation["sequence"]);
    assert_eq!(routed["conversation_id"], summary["conversation_id"]);
    assert!(
        !routed["reasons"].as_array().unwrap().is_empty(),
        "{routed}"
    );
    let turns = routed["handoff"]["recent_turns"].as_array().unwrap();
    let texts: Vec<&str> = turns.iter().map(|t| t["text"].as_str().unwrap()).collect();
    assert!(
        texts.iter().any(|t| t.contains("[EMAIL]")),
        "handoff not redacted: {texts:?}"
    );
    assert!(
        !routed.to_string().contains("jane.doe@example.com"),
        "{routed}"
    );

    let (status, stderr) = router.finish(Duration::from_secs(60)).await;
    assert!(status.success(), "router.py failed ({status}):\n{stderr}");
    assert_eq!(
        router.rest().await,
        Vec::<String>::new(),
        "router.py printed more than one signal"
    );
}

/// grpcio, the client the pipelining report came from: 16 streams on one connection keeping
/// 256 turns unanswered each. Before the flow-control fix h2 closed the connection with
/// ENHANCE_YOUR_CALM in 2 runs of 3.
#[tokio::test]
async fn a_grpcio_client_pipelining_on_sixteen_streams_gets_every_turn_answered() {
    let python = python();
    let server = Server::start().await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut probe = Script::spawn(
        &python,
        "pipeline_probe.py",
        &[
            "--addr",
            &addr,
            "--streams",
            "16",
            "--turns",
            "400",
            "--window",
            "256",
        ],
    );
    let result = probe.json(Duration::from_secs(300)).await;
    assert_eq!(result["broken"], serde_json::json!([]), "{result}");
    assert_eq!(result["sent"], 16 * 400, "{result}");
    assert_eq!(result["answered"], 16 * 400, "{result}");
    let (status, stderr) = probe.finish(Duration::from_secs(60)).await;
    assert!(
        status.success(),
        "pipeline_probe.py failed ({status}):\n{stderr}"
    );
}
