//! The supervisor page end to end in real headless Chromium (Debian `chromium`, driven by
//! `tests/browser/supervisor.mjs` through playwright-core; `.ci/setup` installs both): a real
//! server with its admin listener, a conversation that escalates streamed over gRPC while the
//! page is open, and the page shows its row, its signal and its redacted detail without a
//! reload. The screenshot goes to `target/supervisor.png` and `docs/supervisor.png` (README).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Server, bot, customer, http_get, turn};
use rapport::proto;

const ESCALATING: &str = "order-7731";

#[tokio::test]
async fn the_page_shows_a_conversation_escalate_live() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = Server::start().await;
    let admin = server.admin().await;
    let (status, html) = http_get(admin, "/supervisor").await;
    assert!(
        status.contains("200") && html.contains("app.js"),
        "{status}"
    );

    // Some conversations already under way when the supervisor opens the page.
    let mut stream = server.converse().await;
    for (id, text) in [
        (
            "order-7702",
            "Hi, can I change the delivery address for my order?",
        ),
        ("refund-118", "Where is my refund? It has been three weeks."),
        ("card-5120", "thanks, that worked perfectly"),
    ] {
        stream.say(customer(id, "1", text)).await;
    }
    stream
        .say(bot(
            "refund-118",
            "2",
            "Refunds take 5 to 10 business days.",
        ))
        .await;
    stream
        .say(customer(
            "refund-118",
            "3",
            "That is not what I was told, this is really annoying",
        ))
        .await;

    let screenshot = root.join("target/supervisor.png");
    std::fs::create_dir_all(screenshot.parent().unwrap()).unwrap();
    let script = root.join("tests/browser/supervisor.mjs");
    let mut browser = Command::new("node")
        .arg(&script)
        .arg(format!("http://{admin}/supervisor"))
        .arg(ESCALATING)
        .arg(&screenshot)
        .stdout(Stdio::piped())
        .spawn()
        .expect("node on PATH (.ci/setup installs tests/browser with playwright-core)");
    // The script's stdout, line by line, without blocking the runtime.
    let mut lines = common::lines_of(browser.stdout.take().unwrap(), std::io::sink());
    let ready = tokio::time::timeout(Duration::from_secs(60), lines.recv())
        .await
        .expect("the page connected its event stream in time");
    assert_eq!(
        ready.as_deref(),
        Some("READY"),
        "the browser script stopped early"
    );

    // While the page is open: a conversation that gets worse and asks for a human.
    let mut worse = turn(
        ESCALATING,
        "1",
        proto::Speaker::Customer,
        "my parcel never arrived, mail me at jane.doe@example.com",
        proto::Channel::Chat,
    );
    stream.say(worse.clone()).await;
    stream
        .say(bot(
            ESCALATING,
            "2",
            "Sorry, I didn't get that. Could you rephrase?",
        ))
        .await;
    worse.turn_id = "3".into();
    worse.text = "This is ridiculous, I have asked three times already".into();
    let fed_up = stream.say(worse.clone()).await;
    worse.turn_id = "4".into();
    worse.text = "I want to talk to a human now, call me on 415 555 0134".into();
    let asked = stream.say(worse).await;
    // The risk may escalate on the complaint already; the request for a human does at the latest.
    assert!(
        !fed_up.signals.is_empty() || !asked.signals.is_empty(),
        "the conversation escalated"
    );

    let shown = tokio::time::timeout(Duration::from_secs(120), lines.recv())
        .await
        .expect("the page showed the escalation in time")
        .expect("the browser script printed what it saw");
    let status = tokio::task::spawn_blocking(move || browser.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "the browser script failed: {shown}");
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let text = |key: &str| shown[key].as_str().unwrap_or_default().to_string();

    assert!(text("row").contains("escalated"), "{shown}");
    assert!(text("feed").contains(ESCALATING), "{shown}");
    let detail = text("detail");
    assert!(detail.contains("escalate"), "{detail}");
    assert!(
        detail.contains("[EMAIL]") && detail.contains("[PHONE]"),
        "{detail}"
    );
    for secret in ["jane.doe@example.com", "415 555 0134"] {
        assert!(
            !detail.contains(secret),
            "{secret} shown unredacted:\n{detail}"
        );
    }
    assert_eq!(text("live"), "4");
    assert_eq!(shown["errors"], serde_json::json!([]), "page errors");

    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::copy(&screenshot, root.join("docs/supervisor.png")).unwrap();
}
