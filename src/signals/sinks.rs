//! Where published signals go besides live subscribers: the log, and an optional JSON-lines
//! audit file.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

use super::Signal;

pub trait Sink: Send + Sync {
    fn deliver(&self, signal: &Signal);
}

/// One structured log line per signal (ids, kind, rule; no conversation text).
pub struct LogSink;

impl Sink for LogSink {
    fn deliver(&self, signal: &Signal) {
        let reasons: Vec<&str> = signal.reasons.iter().map(|r| r.as_str()).collect();
        tracing::info!(
            sequence = signal.sequence,
            kind = signal.kind.as_str(),
            priority = ?signal.priority,
            rule = signal.rule_id,
            reasons = ?reasons,
            tenant = %signal.tenant_id,
            conversation = %signal.conversation_id,
            turn = %signal.turn_id,
            "signal"
        );
    }
}

/// Appends every signal as one JSON line (text already redacted).
pub struct JsonlSink {
    file: Mutex<BufWriter<File>>,
}

impl JsonlSink {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            file: Mutex::new(BufWriter::new(file)),
        })
    }
}

impl Sink for JsonlSink {
    fn deliver(&self, signal: &Signal) {
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = serde_json::to_writer(&mut *file, signal)
            .map_err(std::io::Error::from)
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.flush());
        if let Err(error) = written {
            tracing::warn!(%error, "writing the signal audit file failed");
        }
    }
}
