//! The audit file: every signal appended as one JSON line (text already redacted), off the turn
//! path. Alone, every signal this replica made; in cluster mode, the signals the cluster hands
//! this replica's sinks (each signal once across the replicas' audit files while none fails;
//! see [`super::SignalHub::sink_feed`]). A feed task moves signals into a bounded buffer without
//! ever waiting; a writer thread drains it, writes and flushes, and only then takes each
//! signal's receipt (in cluster mode, that acknowledges it). A slow or stalled disk (a full
//! pipe, a hung network mount) fills the buffer, and what does not fit is dropped and counted
//! in `rapport_audit_dropped_total` (and [`AuditFile::dropped`]); turns are never held up. A
//! subscriber that falls so far behind that the hub's replay buffer no longer holds what it
//! missed counts those signals as dropped too.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot, watch};

use super::{Receipt, Signal, SignalFilter, SignalHub, SinkEvent, SinkFeed};
use crate::telemetry;

enum Entry {
    /// Its receipt is taken once the line is written and flushed.
    Signal(Arc<Signal>, Receipt),
    /// Answered once everything queued before it is written and flushed.
    Flush(oneshot::Sender<()>),
}

/// A running audit file. Dropping it leaves the tasks running until the hub goes.
pub struct AuditFile {
    hub: Arc<SignalHub>,
    flushes: mpsc::UnboundedSender<(u64, oneshot::Sender<()>)>,
    handled: watch::Receiver<u64>,
    dropped: Arc<AtomicU64>,
    /// Cluster mode: which signals come here is the cluster's choice, not "made here".
    handed_out: bool,
}

impl AuditFile {
    /// Opens `path` for appending and starts its subscriber (on the current tokio runtime) and
    /// its writer thread; at most `buffer` signals wait for the writer.
    pub fn spawn(hub: &Arc<SignalHub>, path: &Path, buffer: usize) -> Result<Self, String> {
        let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| at(&"the audit file needs a tokio runtime"))?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| at(&e))?;
        let (queue, queued) = mpsc::channel(buffer.max(1));
        std::thread::Builder::new()
            .name("rapport-audit".into())
            .spawn(move || write(file, queued))
            .map_err(|e| at(&e))?;
        let (flushes, flush_requests) = mpsc::unbounded_channel();
        let (handled_tx, handled) = watch::channel(0);
        let dropped = Arc::new(AtomicU64::new(0));
        let forward = Forward {
            queue,
            handled: handled_tx,
            dropped: dropped.clone(),
        };
        let feed = hub.sink_feed(SignalFilter::default());
        let handed_out = feed.is_handed_out();
        runtime.spawn(forward.run(feed, flush_requests));
        Ok(Self {
            hub: hub.clone(),
            flushes,
            handled,
            dropped,
            handed_out,
        })
    }

    /// Signals not written because the buffer was full (or the subscriber fell behind).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Waits until every signal this replica published so far was queued for the writer or
    /// dropped. In cluster mode, returns at once.
    pub async fn handled(&self) {
        let through = self.through();
        let mut handled = self.handled.clone();
        let _ = handled.wait_for(|&seen| seen >= through).await;
    }

    /// Waits until every signal this replica published so far (in cluster mode: every signal
    /// handed to this file so far) is written and flushed (or was dropped). Waits for as long
    /// as the file blocks.
    pub async fn flush(&self) {
        let through = self.through();
        let (done, flushed) = oneshot::channel();
        if self.flushes.send((through, done)).is_ok() {
            let _ = flushed.await;
        }
    }
}

impl AuditFile {
    /// The sequence a flush waits for: the newest made here, alone; nothing in cluster mode,
    /// where another replica's file may take this replica's signals.
    fn through(&self) -> u64 {
        if self.handed_out {
            0
        } else {
            self.hub.newest_made_here()
        }
    }
}

/// The subscriber side: hub → bounded buffer, never waiting on the writer.
struct Forward {
    queue: mpsc::Sender<Entry>,
    /// The newest sequence queued or dropped.
    handled: watch::Sender<u64>,
    dropped: Arc<AtomicU64>,
}

impl Forward {
    async fn run(
        self,
        mut feed: SinkFeed,
        mut flush_requests: mpsc::UnboundedReceiver<(u64, oneshot::Sender<()>)>,
    ) {
        let mut waiting: Vec<(u64, oneshot::Sender<()>)> = Vec::new();
        loop {
            tokio::select! {
                event = feed.next() => match event {
                    Some(SinkEvent::Signal(signal, receipt)) => {
                        let sequence = signal.sequence;
                        match self.queue.try_send(Entry::Signal(signal, receipt)) {
                            Ok(()) => {}
                            Err(mpsc::error::TrySendError::Full(entry)) => {
                                // Given up: counted, and done with as far as the receipt goes.
                                if let Entry::Signal(_, receipt) = entry {
                                    receipt.taken();
                                }
                                self.drop_signals(1);
                            }
                            Err(mpsc::error::TrySendError::Closed(_)) => return,
                        }
                        self.handled.send_replace(sequence);
                    }
                    Some(SinkEvent::Gap { requested_from, oldest_available }) => {
                        self.drop_signals(oldest_available.saturating_sub(requested_from.max(1)));
                        self.handled.send_replace(oldest_available.saturating_sub(1));
                    }
                    None => return,
                },
                Some(request) = flush_requests.recv() => waiting.push(request),
            }
            let seen = *self.handled.borrow();
            let (ready, not_yet): (Vec<_>, Vec<_>) = waiting
                .into_iter()
                .partition(|(through, _)| *through <= seen);
            waiting = not_yet;
            for (_, done) in ready {
                // Waits for room: only flush callers wait here, never a turn.
                if self.queue.send(Entry::Flush(done)).await.is_err() {
                    return;
                }
            }
        }
    }

    fn drop_signals(&self, n: u64) {
        if n == 0 {
            return;
        }
        let total = self.dropped.fetch_add(n, Ordering::Relaxed) + n;
        telemetry::audit_dropped(n);
        if (total - n).leading_zeros() != total.leading_zeros() {
            tracing::warn!(
                dropped = total,
                "audit file buffer full: signals not written to the audit file"
            );
        }
    }
}

/// The writer thread: writes what is queued, flushes when the queue runs dry (or a flush is
/// asked for), and then takes the receipts of what it wrote.
fn write(file: File, mut queued: mpsc::Receiver<Entry>) {
    let mut out = BufWriter::new(file);
    let mut written: Vec<Receipt> = Vec::new();
    while let Some(first) = queued.blocking_recv() {
        let mut next = Some(first);
        while let Some(entry) = next.take().or_else(|| queued.try_recv().ok()) {
            match entry {
                Entry::Signal(signal, receipt) => {
                    let line = serde_json::to_writer(&mut out, &*signal)
                        .map_err(std::io::Error::from)
                        .and_then(|()| out.write_all(b"\n"));
                    if let Err(error) = line {
                        tracing::warn!(%error, "writing the signal audit file failed");
                    }
                    written.push(receipt);
                }
                Entry::Flush(done) => {
                    flush(&mut out, &mut written);
                    let _ = done.send(());
                }
            }
        }
        flush(&mut out, &mut written);
    }
}

/// Flushes, then takes the receipts of the lines written (a failed write is logged and given
/// up like a full buffer: retrying the same disk would not help).
fn flush(out: &mut BufWriter<File>, written: &mut Vec<Receipt>) {
    if let Err(error) = out.flush() {
        tracing::warn!(%error, "flushing the signal audit file failed");
    }
    for receipt in written.drain(..) {
        receipt.taken();
    }
}
