//! Dynamic batching: a bounded queue in front of one inference thread.
//!
//! The thread takes the oldest request, then keeps collecting until the batch is full (by count
//! or padded-token budget) or `max_wait` has passed since it took the first one, and scores them
//! all in one model run. Callers never block: a full queue is reported at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::oneshot;

use super::model::Model;
use super::{NluError, Scores};
use crate::telemetry;

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
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
    ids: Vec<i64>,
    reply: Reply,
}

pub struct Batcher {
    queue: SyncSender<Job>,
    depth: Arc<AtomicUsize>,
}

impl Batcher {
    /// Starts the inference thread; it stops when the `Batcher` is dropped.
    pub fn spawn(model: Model, config: BatchConfig) -> Self {
        let (queue, jobs) = mpsc::sync_channel(config.queue_capacity.max(1));
        let depth = Arc::new(AtomicUsize::new(0));
        let thread_depth = depth.clone();
        std::thread::Builder::new()
            .name("rapport-nlu".into())
            .spawn(move || run(model, jobs, config, thread_depth))
            .expect("spawning the inference thread");
        Self { queue, depth }
    }

    /// Queues token ids; the receiver yields their scores.
    pub fn submit(
        &self,
        ids: Vec<i64>,
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

fn run(mut model: Model, jobs: Receiver<Job>, config: BatchConfig, depth: Arc<AtomicUsize>) {
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

fn score(model: &mut Model, batch: Vec<Job>) {
    let started = Instant::now();
    let inputs: Vec<&[i64]> = batch.iter().map(|job| job.ids.as_slice()).collect();
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
