//! `rapport serve` as a child process, its log read line by line as it is written (and kept in
//! a file), so a test binds port 0 and learns the addresses from the log instead of probing for
//! free ports first.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tokio::sync::mpsc;

use super::lines_of;
use super::redis_server::{DEADLINE, Process};

/// A running `rapport serve --config …`; killed (SIGKILL) when dropped.
pub struct ServeProcess {
    pub process: Process,
    lines: mpsc::UnboundedReceiver<String>,
    log_path: PathBuf,
}

impl ServeProcess {
    /// Starts `rapport serve --config config` with `RUST_LOG=info`; its log goes to `log_path`.
    pub fn spawn(config: &Path, log_path: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .arg("serve")
            .arg("--config")
            .arg(config)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = std::fs::File::create(log_path).unwrap();
        let lines = lines_of(child.stderr.take().unwrap(), log);
        Self {
            process: Process(child),
            lines,
            log_path: log_path.to_path_buf(),
        }
    }

    /// Reads the log until a line holds `needle` and returns that line; fails the test with the
    /// log if the server exits first or nothing matches within [`DEADLINE`].
    pub async fn wait_for(&mut self, needle: &str) -> String {
        loop {
            match tokio::time::timeout(DEADLINE, self.lines.recv()).await {
                Ok(Some(line)) if line.contains(needle) => return line,
                Ok(Some(_)) => {}
                Ok(None) => panic!("server exited before logging {needle:?}:\n{}", self.log()),
                Err(_) => panic!("no log line with {needle:?}:\n{}", self.log()),
            }
        }
    }

    /// Waits for the gRPC listener's line and returns the address it bound.
    pub async fn grpc_addr(&mut self) -> String {
        let line = self.wait_for("serving rapport.v1.Rapport").await;
        field(&line, "addr").to_string()
    }

    /// Waits for the admin listener's line and returns the address it bound.
    pub async fn admin_addr(&mut self) -> String {
        let line = self.wait_for("admin: /metrics").await;
        field(&line, "addr").to_string()
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub fn id(&self) -> u32 {
        self.process.0.id()
    }
}

/// The value of `name=value` in a log line.
pub fn field<'a>(line: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}=");
    line.split_whitespace()
        .find_map(|word| word.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {name}= in {line:?}"))
}
