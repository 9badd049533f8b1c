//! Dynamic batching: a bounded queue in front of one inference thread.
//!
//! Callers queue encoded utterances and get a receiver for the answer; a full queue is refused
//! at once, callers never block. The thread waits for work (and up to `max_wait_us` for more),
//! lets [`queue::next_batch`](super::queue::next_batch) pick a batch of similar lengths that
//! holds the oldest request, and runs it through a [`Backend`]: the ONNX model in the service,
//! a fake in the tests below. A turn's second read joins at the head ([`Batcher::submit_ahead`]):
//! at most one for each turn already served, so the turns behind it still move.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::{oneshot, watch};

use super::NluError;
use super::queue::{Batch, Limits, Pending, Tokens, next_batch};
use crate::telemetry;

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchConfig {
    /// Most utterances in one model run.
    pub max_batch: usize,
    /// Most padded tokens (batch size × longest sequence) in one model run.
    pub max_batch_tokens: usize,
    /// Fixed cost of one model run, in padded tokens. Queued utterances are grouped by length;
    /// two groups share a run when that wastes fewer padded tokens than this.
    pub run_overhead_tokens: usize,
    /// Longest wait for more requests once one is queued, in microseconds. The default 0
    /// never waits: under load batches fill from turns that queued while the model ran, and a
    /// lone turn is not held back (benches/README.md).
    pub max_wait_us: u64,
    /// Requests that may wait for the inference thread before new ones are refused.
    pub queue_capacity: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self {
            max_batch: 32,
            max_batch_tokens: 4096,
            run_overhead_tokens: 16,
            max_wait_us: 0,
            queue_capacity: 1024,
        }
    }
}

impl BatchConfig {
    fn limits(&self) -> Limits {
        Limits {
            max_rows: self.max_batch.max(1),
            max_tokens: self.max_batch_tokens,
            run_overhead_tokens: self.run_overhead_tokens,
        }
    }
}

/// What runs a batch: the model, or a fake in unit tests. One answer per input, in order.
pub trait Backend: Send + 'static {
    type Input: Tokens + Send + 'static;
    type Output: Send + 'static;
    fn infer(&mut self, batch: &[&Self::Input]) -> Result<Vec<Self::Output>, NluError>;
}

type Reply<O> = oneshot::Sender<Result<Ran<O>, NluError>>;

/// The answer to a queued request.
pub type Answer<O> = oneshot::Receiver<Result<Ran<O>, NluError>>;

/// An answer and the model run that produced it (for tracing).
#[derive(Debug)]
pub struct Ran<O> {
    pub output: O,
    pub run: Run,
}

/// One model run: when it started and ended, and how many utterances it scored.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub started: Instant,
    pub finished: Instant,
    pub rows: usize,
}

struct Job<I, O> {
    input: I,
    reply: Reply<O>,
}

impl<I: Tokens, O> Pending for Job<I, O> {
    fn tokens(&self) -> usize {
        self.input.tokens()
    }
    /// The caller dropped its receiver (its request was cancelled or timed out).
    fn abandoned(&self) -> bool {
        self.reply.is_closed()
    }
}

/// Where a request joins the queue.
enum Place {
    Back,
    Front,
}

struct State<J> {
    queue: VecDeque<J>,
    /// False once the `Batcher` is dropped or the thread has died: nothing more is taken.
    open: bool,
}

struct Shared<J> {
    state: Mutex<State<J>>,
    ready: Condvar,
}

impl<J> Shared<J> {
    fn lock(&self) -> MutexGuard<'_, State<J>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Batcher<B: Backend> {
    shared: Arc<Shared<Job<B::Input, B::Output>>>,
    capacity: usize,
    /// Closed when the inference thread exits, by return or by panic.
    alive: watch::Receiver<()>,
}

/// Held by the inference thread; dropping it (also while unwinding from a panic) closes the
/// batcher's liveness channel, which health reports.
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

impl<B: Backend> Batcher<B> {
    /// Starts the inference thread; it scores what is queued and stops when the `Batcher` is
    /// dropped.
    pub fn spawn(backend: B, config: BatchConfig) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                open: true,
            }),
            ready: Condvar::new(),
        });
        let capacity = config.queue_capacity.max(1);
        let thread_shared = shared.clone();
        let (alive_guard, alive) = watch::channel(());
        std::thread::Builder::new()
            .name("rapport-nlu".into())
            .spawn(move || {
                let _alive = Alive(alive_guard);
                run(backend, &thread_shared, &config)
            })
            .expect("spawning the inference thread");
        Self {
            shared,
            capacity,
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

    /// Queues one input; the receiver yields its answer. Dropping the receiver withdraws it.
    pub fn submit(&self, input: B::Input) -> Result<Answer<B::Output>, NluError> {
        self.enqueue(input, Place::Back)
    }

    /// Queues one input ahead of everything waiting, as the oldest request: for work that
    /// continues a request already served (a turn's second read), whose caller has waited
    /// since that request arrived. It is in the next batch.
    pub fn submit_ahead(&self, input: B::Input) -> Result<Answer<B::Output>, NluError> {
        self.enqueue(input, Place::Front)
    }

    fn enqueue(&self, input: B::Input, place: Place) -> Result<Answer<B::Output>, NluError> {
        let (reply, answer) = oneshot::channel();
        let depth = {
            let mut state = self.shared.lock();
            if !state.open {
                return Err(NluError::Stopped);
            }
            if state.queue.len() >= self.capacity {
                return Err(NluError::Overloaded);
            }
            let job = Job { input, reply };
            match place {
                Place::Back => state.queue.push_back(job),
                Place::Front => state.queue.push_front(job),
            }
            state.queue.len()
        };
        self.shared.ready.notify_one();
        telemetry::set_queue_depth(depth);
        Ok(answer)
    }

    /// Requests waiting for the inference thread.
    pub fn depth(&self) -> usize {
        self.shared.lock().queue.len()
    }
}

impl<B: Backend> Drop for Batcher<B> {
    fn drop(&mut self) {
        self.shared.lock().open = false;
        self.shared.ready.notify_all();
    }
}

/// Closes the queue when the thread ends, however it ends: later requests get
/// [`NluError::Stopped`], queued ones are dropped (their callers see `Stopped` too).
struct CloseOnExit<'a, J>(&'a Shared<J>);

impl<J> Drop for CloseOnExit<'_, J> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.open = false;
        state.queue.clear();
    }
}

fn run<B: Backend>(
    mut backend: B,
    shared: &Shared<Job<B::Input, B::Output>>,
    config: &BatchConfig,
) {
    let _close = CloseOnExit(shared);
    let limits = config.limits();
    let max_wait = Duration::from_micros(config.max_wait_us);
    loop {
        let batch = {
            let state = shared.lock();
            let mut state = shared
                .ready
                .wait_while(state, |s| s.queue.is_empty() && s.open)
                .unwrap_or_else(PoisonError::into_inner);
            if state.queue.is_empty() {
                return; // closed and drained
            }
            if !max_wait.is_zero() && state.queue.len() < limits.max_rows {
                state = shared
                    .ready
                    .wait_timeout_while(state, max_wait, |s| {
                        s.queue.len() < limits.max_rows && s.open
                    })
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            let batch = next_batch(&mut state.queue, &limits);
            telemetry::set_queue_depth(state.queue.len());
            batch
        };
        if batch.dropped > 0 {
            tracing::debug!(
                dropped = batch.dropped,
                "dropped requests whose callers left"
            );
        }
        if !batch.jobs.is_empty() {
            score(&mut backend, batch);
        }
    }
}

fn score<B: Backend>(backend: &mut B, batch: Batch<Job<B::Input, B::Output>>) {
    let started = Instant::now();
    let inputs: Vec<&B::Input> = batch.jobs.iter().map(|job| &job.input).collect();
    let result = backend.infer(&inputs).and_then(|outputs| {
        if outputs.len() == inputs.len() {
            Ok(outputs)
        } else {
            Err(NluError::Inference(format!(
                "{} answers for a batch of {}",
                outputs.len(),
                inputs.len()
            )))
        }
    });
    let finished = Instant::now();
    telemetry::record_batch(batch.jobs.len(), finished - started);
    let run = Run {
        started,
        finished,
        rows: batch.jobs.len(),
    };
    match result {
        Ok(outputs) => {
            for (job, output) in batch.jobs.into_iter().zip(outputs) {
                let _ = job.reply.send(Ok(Ran { output, run }));
            }
        }
        Err(error) => {
            tracing::error!(%error, size = batch.jobs.len(), "batch inference failed");
            for job in batch.jobs {
                let _ = job.reply.send(Err(error.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// An utterance of the fake model: an id and a length.
    struct Utterance {
        id: usize,
        tokens: usize,
    }

    impl Tokens for Utterance {
        fn tokens(&self) -> usize {
            self.tokens
        }
    }

    /// Answers each utterance with its id and reports every batch it is given. Its first run
    /// blocks until the test opens the gate, so the test can queue behind it.
    struct Fake {
        batches: mpsc::Sender<Vec<usize>>,
        gate: Option<mpsc::Receiver<()>>,
        fail: bool,
    }

    impl Backend for Fake {
        type Input = Utterance;
        type Output = usize;
        fn infer(&mut self, batch: &[&Utterance]) -> Result<Vec<usize>, NluError> {
            let ids: Vec<usize> = batch.iter().map(|u| u.id).collect();
            self.batches.send(ids.clone()).unwrap();
            if let Some(gate) = self.gate.take() {
                gate.recv().unwrap();
            }
            if self.fail {
                return Err(NluError::Inference("broken".into()));
            }
            Ok(ids)
        }
    }

    struct Harness {
        batcher: Batcher<Fake>,
        batches: mpsc::Receiver<Vec<usize>>,
        gate: mpsc::Sender<()>,
    }

    impl Harness {
        fn new(config: BatchConfig, fail: bool) -> Self {
            let (batches_tx, batches) = mpsc::channel();
            let (gate, gate_rx) = mpsc::channel();
            let fake = Fake {
                batches: batches_tx,
                gate: Some(gate_rx),
                fail,
            };
            Self {
                batcher: Batcher::spawn(fake, config),
                batches,
                gate,
            }
        }

        /// Queues utterance 0 and waits until the fake is inside its (blocked) first run.
        fn block(&self) -> Answer<usize> {
            let answer = self.say(0, 8);
            assert_eq!(self.batches.recv().unwrap(), [0]);
            answer
        }

        fn say(&self, id: usize, tokens: usize) -> Answer<usize> {
            self.batcher.submit(Utterance { id, tokens }).unwrap()
        }

        fn release(&self) {
            self.gate.send(()).unwrap();
        }
    }

    /// What the caller receives; panics if it was an error.
    fn answer(answer: Answer<usize>) -> usize {
        answer.blocking_recv().unwrap().unwrap().output
    }

    fn config() -> BatchConfig {
        BatchConfig {
            max_batch: 4,
            max_batch_tokens: 4096,
            run_overhead_tokens: 16,
            max_wait_us: 0,
            queue_capacity: 64,
        }
    }

    #[test]
    fn groups_queued_utterances_of_similar_length() {
        let h = Harness::new(config(), false);
        let first = h.block();
        let answers: Vec<_> = [(1, 8), (2, 90), (3, 9), (4, 95), (5, 8), (6, 92)]
            .into_iter()
            .map(|(id, tokens)| (id, h.say(id, tokens)))
            .collect();
        h.release();
        assert_eq!(answer(first), 0);
        for (id, reply) in answers {
            assert_eq!(answer(reply), id, "answer to {id}");
        }
        assert_eq!(h.batches.recv().unwrap(), [1, 3, 5]);
        assert_eq!(h.batches.recv().unwrap(), [2, 4, 6]);
    }

    #[test]
    fn keeps_to_the_token_budget_and_carries_the_rest_over() {
        let h = Harness::new(
            BatchConfig {
                max_batch: 32,
                max_batch_tokens: 40,
                ..config()
            },
            false,
        );
        let first = h.block();
        let answers: Vec<_> = (1..=6).map(|id| (id, h.say(id, 10))).collect();
        assert_eq!(h.batcher.depth(), 6);
        h.release();
        answer(first);
        for (id, reply) in answers {
            assert_eq!(answer(reply), id);
        }
        assert_eq!(h.batches.recv().unwrap(), [1, 2, 3, 4]);
        assert_eq!(h.batches.recv().unwrap(), [5, 6]);
        assert_eq!(h.batcher.depth(), 0);
    }

    #[test]
    fn the_oldest_request_is_in_the_next_batch() {
        let h = Harness::new(config(), false);
        let first = h.block();
        // A long turn queued first, then more short ones than fit one batch.
        let long = h.say(1, 120);
        let short: Vec<_> = (2..=9).map(|id| h.say(id, 8)).collect();
        h.release();
        answer(first);
        assert_eq!(answer(long), 1);
        assert_eq!(h.batches.recv().unwrap(), [1]);
        for (id, reply) in (2..=9).zip(short) {
            assert_eq!(answer(reply), id);
        }
    }

    #[test]
    fn a_request_submitted_ahead_is_in_the_next_batch() {
        let h = Harness::new(config(), false);
        let first = h.block();
        // More same-length requests than one batch holds, then one ahead of them.
        let waiting: Vec<_> = (1..=6).map(|id| (id, h.say(id, 8))).collect();
        let ahead = h
            .batcher
            .submit_ahead(Utterance { id: 7, tokens: 8 })
            .unwrap();
        h.release();
        answer(first);
        assert_eq!(answer(ahead), 7);
        for (id, reply) in waiting {
            assert_eq!(answer(reply), id);
        }
        assert_eq!(h.batches.recv().unwrap(), [7, 1, 2, 3]);
        assert_eq!(h.batches.recv().unwrap(), [4, 5, 6]);
    }

    #[test]
    fn refuses_requests_when_the_queue_is_full() {
        let h = Harness::new(
            BatchConfig {
                queue_capacity: 2,
                ..config()
            },
            false,
        );
        let first = h.block();
        let a = h.say(1, 8);
        let b = h.say(2, 8);
        assert!(matches!(
            h.batcher.submit(Utterance { id: 3, tokens: 8 }),
            Err(NluError::Overloaded)
        ));
        h.release();
        answer(first);
        assert_eq!(answer(a), 1);
        assert_eq!(answer(b), 2);
        // Room again once the queue has drained.
        assert_eq!(answer(h.say(4, 8)), 4);
    }

    #[test]
    fn requests_whose_caller_left_never_reach_the_model() {
        let h = Harness::new(config(), false);
        let first = h.block();
        let kept = h.say(1, 8);
        drop(h.say(2, 8));
        let also_kept = h.say(3, 8);
        h.release();
        answer(first);
        assert_eq!(answer(kept), 1);
        assert_eq!(answer(also_kept), 3);
        assert_eq!(h.batches.recv().unwrap(), [1, 3]);
        assert_eq!(h.batcher.depth(), 0);
    }

    #[test]
    fn a_failed_run_fails_every_request_in_it() {
        let h = Harness::new(config(), true);
        let first = h.block();
        let other = h.say(1, 8);
        h.release();
        assert!(matches!(
            first.blocking_recv().unwrap(),
            Err(NluError::Inference(_))
        ));
        assert!(matches!(
            other.blocking_recv().unwrap(),
            Err(NluError::Inference(_))
        ));
    }

    #[test]
    fn a_dead_inference_thread_answers_stopped() {
        struct Panics;
        impl Backend for Panics {
            type Input = Utterance;
            type Output = usize;
            fn infer(&mut self, _: &[&Utterance]) -> Result<Vec<usize>, NluError> {
                panic!("the model crashed");
            }
        }
        let batcher = Batcher::spawn(Panics, config());
        let answer = batcher.submit(Utterance { id: 0, tokens: 8 }).unwrap();
        // The caller sees the reply dropped (`Nlu::score` maps it to Stopped) ...
        assert!(answer.blocking_recv().is_err());
        // ... and once the thread is gone, new requests are refused.
        let mut refused = None;
        for _ in 0..1000 {
            match batcher.submit(Utterance { id: 1, tokens: 8 }) {
                Err(error) => {
                    refused = Some(error);
                    break;
                }
                Ok(answer) => assert!(answer.blocking_recv().is_err()),
            }
        }
        assert!(matches!(refused, Some(NluError::Stopped)));
    }
}
