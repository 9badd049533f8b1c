//! Dynamic batching: a bounded queue in front of one inference thread.
//!
//! The thread takes the oldest request, then keeps collecting until the batch is full (by count
//! or padded-token budget) or `max_wait` has passed since it took the first one, and scores them
//! all in one model run. Callers never block: a full queue is reported at once. If the thread
//! ever dies (a panic inside ONNX Runtime), every waiting caller gets `Stopped` and
//! [`Batcher::is_alive`] turns false, which health reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::{oneshot, watch};

use super::model::Model;
use super::tokenize::Encoded;
use super::{NluError, Scores};
use crate::telemetry;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchConfig {
    /// Most utterances in one model run.
    pub max_batch: usize,
    /// Most padded tokens (batch size × longest sequence) in one model run.
    pub max_batch_tokens: usize,
    /// Longest wait for more requests once the first has been taken, in microseconds. The
    /// default 0 never waits: under load batches still fill from turns that queued while the
    /// model ran, and a lone turn is not held back (benches/README.md).
    pub max_wait_us: u64,
    /// Requests that may wait for the inference thread before new ones are refused.
    pub queue_capacity: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self {
            max_batch: 32,
            max_batch_tokens: 4096,
            max_wait_us: 0,
            queue_capacity: 1024,
        }
    }
}

type Reply = oneshot::Sender<Result<Scores, NluError>>;

struct Job {
    ids: Encoded,
    reply: Reply,
}

/// What the inference thread runs: the ONNX model, or a stand-in in unit tests.
pub trait Infer: Send + 'static {
    fn infer(&mut self, batch: &[&Encoded]) -> Result<Vec<Scores>, NluError>;
}

impl Infer for Model {
    fn infer(&mut self, batch: &[&Encoded]) -> Result<Vec<Scores>, NluError> {
        Model::infer(self, batch)
    }
}

pub struct Batcher {
    queue: SyncSender<Job>,
    depth: Arc<AtomicUsize>,
    /// Closed when the inference thread exits, by return or by panic.
    alive: watch::Receiver<()>,
}

impl Batcher {
    /// Starts the inference thread; it stops when the `Batcher` is dropped.
    pub fn spawn(model: impl Infer, config: BatchConfig) -> Self {
        let (queue, jobs) = mpsc::sync_channel(config.queue_capacity.max(1));
        let depth = Arc::new(AtomicUsize::new(0));
        let thread_depth = depth.clone();
        let (alive_guard, alive) = watch::channel(());
        std::thread::Builder::new()
            .name("rapport-nlu".into())
            .spawn(move || {
                // Dropped when the thread ends, also while unwinding from a panic.
                let _alive = Alive(alive_guard);
                run(model, jobs, config, thread_depth);
            })
            .expect("spawning the inference thread");
        Self {
            queue,
            depth,
            alive,
        }
    }

    /// Whether the inference thread is still running.
    pub fn is_alive(&self) -> bool {
        self.alive.has_changed().is_ok()
    }

    /// Resolves once the inference thread has stopped.
    pub async fn stopped(&self) {
        let mut alive = self.alive.clone();
        while alive.changed().await.is_ok() {}
    }

    /// Queues token ids; the receiver yields their scores.
    pub fn submit(
        &self,
        ids: Encoded,
    ) -> Result<oneshot::Receiver<Result<Scores, NluError>>, NluError> {
        let (reply, scores) = oneshot::channel();
        self.depth.fetch_add(1, Ordering::Relaxed);
        match self.queue.try_send(Job { ids, reply }) {
            Ok(()) => {
                telemetry::set_queue_depth(self.depth());
                Ok(scores)
            }
            Err(error) => {
                self.depth.fetch_sub(1, Ordering::Relaxed);
                Err(match error {
                    TrySendError::Full(_) => NluError::Overloaded,
                    TrySendError::Disconnected(_) => NluError::Stopped,
                })
            }
        }
    }

    pub fn depth(&self) -> usize {
        self.depth.load(Ordering::Relaxed)
    }
}

/// Held by the inference thread; dropping it tells health the thread is gone.
struct Alive(#[allow(dead_code)] watch::Sender<()>);

impl Drop for Alive {
    fn drop(&mut self) {
        if std::thread::panicking() {
            tracing::error!(
                "the inference thread panicked: turns now get UNAVAILABLE, health NOT_SERVING"
            );
        }
    }
}

fn run(mut model: impl Infer, jobs: Receiver<Job>, config: BatchConfig, depth: Arc<AtomicUsize>) {
    let max_wait = Duration::from_micros(config.max_wait_us);
    let mut carried: Option<Job> = None;
    loop {
        let first = match carried.take() {
            Some(job) => job,
            None => match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        let deadline = Instant::now() + max_wait;
        let mut longest = first.ids.len();
        let mut batch = vec![first];
        while batch.len() < config.max_batch {
            let next = match jobs.try_recv() {
                Ok(job) => job,
                Err(_) => {
                    match jobs.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                        Ok(job) => job,
                        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            let widest = longest.max(next.ids.len());
            if widest * (batch.len() + 1) > config.max_batch_tokens {
                carried = Some(next);
                break;
            }
            longest = widest;
            batch.push(next);
        }
        let remaining = depth.fetch_sub(batch.len(), Ordering::Relaxed) - batch.len();
        telemetry::set_queue_depth(remaining);
        score(&mut model, batch);
    }
}

fn score(model: &mut impl Infer, batch: Vec<Job>) {
    let started = Instant::now();
    let inputs: Vec<&Encoded> = batch.iter().map(|job| &job.ids).collect();
    let result = model.infer(&inputs);
    telemetry::record_batch(batch.len(), started.elapsed());
    match result {
        Ok(scores) => {
            for (job, scores) in batch.into_iter().zip(scores) {
                let _ = job.reply.send(Ok(scores));
            }
        }
        Err(error) => {
            tracing::error!(%error, size = batch.len(), "batch inference failed");
            for job in batch {
                let _ = job.reply.send(Err(error.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Panics like ONNX Runtime does on an output name the graph lacks.
    struct Panicking;

    impl Infer for Panicking {
        fn infer(&mut self, _: &[&Encoded]) -> Result<Vec<Scores>, NluError> {
            panic!("no output named `logits`");
        }
    }

    #[tokio::test]
    async fn a_dead_inference_thread_is_reported_and_later_turns_are_refused() {
        let batcher = Batcher::spawn(Panicking, BatchConfig::default());
        assert!(batcher.is_alive());
        let reply = batcher.submit(Encoded { ids: vec![101, 102], type_ids: vec![0, 0] }).unwrap();
        assert!(reply.await.is_err(), "the reply is dropped by the panic");
        batcher.stopped().await;
        assert!(!batcher.is_alive());
        assert!(matches!(
            batcher.submit(Encoded { ids: vec![101, 102], type_ids: vec![0, 0] }),
            Err(NluError::Stopped)
        ));
    }
}
