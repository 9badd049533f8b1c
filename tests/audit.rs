//! The audit file is a hub subscriber off the turn path: with a file that takes writes every
//! signal lands in it, in order and redacted; with a stalled one (a FIFO opened but never read,
//! so the writer blocks once the pipe is full) every turn is still answered and the signals
//! that did not fit the buffer are dropped and counted in `rapport_audit_dropped_total`.

mod common;

use std::fs::OpenOptions;
use std::time::Duration;

use common::{Server, assessment, customer, http_get, scratch};
use rapport::config::Config;

const ASK_FOR_A_PERSON: &str =
    "I want to talk to a human agent right now, my email is jane@example.com";

#[tokio::test]
async fn every_signal_is_written_in_order_and_redacted() {
    let path = scratch("file").join("signals.jsonl");
    let mut config = Config::default();
    config.signals.audit_file = Some(path.clone());
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let response = stream
            .say(customer(&format!("c{i}"), "1", ASK_FOR_A_PERSON))
            .await;
        assessment(&response);
        ids.extend(response.signals.iter().map(|s| s.signal_id.clone()));
    }
    assert!(ids.len() >= 5, "each conversation escalates: {ids:?}");
    server.pipeline.flush_audit().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("jane@example.com"),
        "personal data in the audit file"
    );
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let written: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(written, ids);
    assert_eq!(server.pipeline.audit().unwrap().dropped(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_audit_file_never_holds_up_a_turn_and_its_drops_are_counted() {
    let fifo = scratch("fifo").join("signals.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Open for reading (and writing, so the open itself does not wait) and never read: once
    // the pipe's buffer is full, every write to it blocks.
    let _stalled = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let mut config = Config::default();
    config.signals.audit_file = Some(fifo);
    config.signals.audit_buffer = 4;
    let server = Server::start_with(config).await;
    let admin = server.admin().await;
    let mut stream = server.converse().await;

    // ~1 KiB a signal: far more than the pipe (64 KiB) and the buffer hold.
    const CONVERSATIONS: usize = 300;
    let signals = tokio::time::timeout(Duration::from_secs(120), async {
        let mut signals = 0;
        for i in 0..CONVERSATIONS {
            let response = stream
                .say(customer(&format!("c{i}"), "1", ASK_FOR_A_PERSON))
                .await;
            assessment(&response);
            signals += response.signals.len();
        }
        signals
    })
    .await
    .expect("every turn is answered while the audit file is stalled");
    assert!(signals >= CONVERSATIONS, "{signals} signals");

    let audit = server.pipeline.audit().unwrap();
    tokio::time::timeout(Duration::from_secs(30), audit.handled())
        .await
        .expect("the subscriber keeps up although the writer is blocked");
    let dropped = audit.dropped();
    // At most the buffer, the signal being written and what fits the pipe were taken.
    assert!(
        dropped as usize >= signals - 4 - 1 - 65_536 / 500,
        "{dropped} of {signals} dropped"
    );
    let (_, metrics) = http_get(admin, "/metrics").await;
    let counted = format!("rapport_audit_dropped_total {dropped}\n");
    assert!(metrics.contains(&counted), "no {counted:?} in\n{metrics}");
}
