//! One turn through the stages, the one path of the server, `rapport replay` and `rapport eval`
//! ([`Pipeline::turn`]): check → score (NLU) → read (redaction, language, cues, repetition) →
//! apply under the conversation's lock (state update and policy decision, nothing else) →
//! signals after the lock is released (handoff, hub, sinks). It knows nothing of gRPC: refusals
//! are domain errors ([`PipelineError`]) that the API maps to status codes.
//!
//! Scoring is async and may run for many turns at once; applying must happen in each
//! conversation's turn order, which the caller guarantees through `in_order`.

mod error;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use error::PipelineError;

use crate::cluster::Cluster;
use crate::config::Config;
use crate::conversation::{
    Cue, Language, Reading, Snapshot, Speaker, StateConfig, TurnFacts, TurnInput, combine,
    identify, redact,
};
use crate::nlu::{Nlu, NluError, NluTimes, Scores};
use crate::policy::{Decision, PolicyBook, RiskModel, evaluate};
use crate::quota::Quotas;
use crate::signals::{AuditFile, LogSink, Signal, SignalHub, Sink, signal::Origin};
use crate::store::{Conversation, ConversationKey, Store};
use crate::telemetry;
use crate::trace::{Tracer, TurnTrace};

const MAX_ID_BYTES: usize = 128;

/// Whether a turn is new to its conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    Fresh,
    /// A resend of a turn already applied: answered as such, changes nothing.
    Duplicate,
}

/// What a turn did.
#[derive(Debug, Clone)]
pub enum TurnOutcome {
    /// A customer turn was scored; the signals it fired, if any.
    Assessed {
        facts: Box<TurnFacts>,
        signals: Vec<Arc<Signal>>,
    },
    /// A bot or agent turn was recorded.
    Recorded,
    /// The turn id was seen before; nothing changed.
    Duplicate,
}

/// What the update under the conversation's lock decided; signals are made from it after.
enum Applied {
    Duplicate,
    Recorded,
    Assessed {
        facts: Box<TurnFacts>,
        decisions: Vec<Decision>,
        /// Taken only when a rule fired.
        snapshot: Option<Snapshot>,
    },
}

pub struct Pipeline {
    nlu: Arc<Nlu>,
    store: Store,
    policies: PolicyBook,
    state_config: StateConfig,
    hub: Arc<SignalHub>,
    audit: Option<AuditFile>,
    model_version: Arc<str>,
    risk: RiskModel,
    quotas: Quotas,
    cluster: Option<Arc<Cluster>>,
    tracer: Tracer,
}

impl Pipeline {
    /// Builds the pipeline around a loaded model. With an audit file, needs a tokio runtime.
    pub fn new(nlu: Arc<Nlu>, config: &Config) -> Result<Self, String> {
        let sinks: Vec<Box<dyn Sink>> = vec![Box::new(LogSink)];
        let hub = Arc::new(SignalHub::new(config.signals.replay_capacity, sinks));
        // First: in cluster mode the audit file's feed comes from the cluster.
        let cluster = Cluster::start(
            &config.cluster,
            &hub,
            config.signals.replay_capacity,
            config.store.idle_ttl_secs,
        )?;
        let audit = config
            .signals
            .audit_file
            .as_deref()
            .map(|path| AuditFile::spawn(&hub, path, config.signals.audit_buffer))
            .transpose()?;
        let risk_path = config.nlu.model_dir.join("risk.json");
        let risk = std::fs::read_to_string(&risk_path)
            .map_err(|e| e.to_string())
            .and_then(|text| RiskModel::from_json(&text))
            .map_err(|e| format!("{}: {e}", risk_path.display()))?;
        let quotas = config.quota_book()?;
        let tracer = Tracer::from_config(&config.tracing)?;
        Ok(Self {
            tracer,
            risk,
            model_version: nlu.spec().model_version().into(),
            nlu,
            store: Store::new(
                config.store.capacity,
                Duration::from_secs(config.store.idle_ttl_secs),
            )
            .with_max_bytes(config.store.max_bytes)
            .with_quota(quotas.conversations()),
            quotas,
            policies: config.policy_book()?,
            state_config: config.conversation.clone(),
            hub,
            audit,
            cluster,
        })
    }

    /// One turn, the whole way: check, score (a customer turn, read after `context`, else the
    /// conversation's stored last reply), then — once `in_order` is ready, which the caller
    /// uses to keep each conversation's turns in order — apply, decide and publish. Records
    /// the turn's metrics. `in_order` is awaited on every path, refusals included.
    pub async fn turn(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
        context: Option<Arc<str>>,
        in_order: impl Future<Output = ()>,
        mut trace: Option<&mut TurnTrace>,
    ) -> Result<TurnOutcome, PipelineError> {
        let started = Instant::now();
        let early = match self.check(key, turn).await {
            Ok(Checked::Fresh) => None,
            Ok(Checked::Duplicate) => Some(Ok(TurnOutcome::Duplicate)),
            Err(error) => Some(Err(error)),
        };
        if let Some(result) = early {
            in_order.await;
            let outcome = if result.is_ok() {
                "duplicate"
            } else {
                "refused"
            };
            telemetry::turn("any", outcome);
            return result;
        }
        let read = self.read(key, turn, context, trace.as_deref_mut()).await;
        in_order.await;
        let result =
            read.and_then(|(reading, scores)| self.apply(key, turn, reading, scores, trace));
        if matches!(result, Ok(TurnOutcome::Assessed { .. })) {
            telemetry::turn_latency(started.elapsed());
        }
        telemetry::turn(speaker_label(turn.speaker), outcome_label(&result));
        result
    }

    /// [`Self::turn`] with nothing else in flight (`replay`, `eval`).
    pub async fn process(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
    ) -> Result<TurnOutcome, PipelineError> {
        self.turn(key, turn, None, std::future::ready(()), None)
            .await
    }

    /// Checks a turn before it is scored. In cluster mode, first takes over the conversation's
    /// checkpoint if it is not held here.
    pub async fn check(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
    ) -> Result<Checked, PipelineError> {
        check_id("tenant_id", &key.tenant_id)?;
        check_id("conversation_id", &key.conversation_id)?;
        check_id("turn_id", &turn.turn_id)?;
        if turn.speaker == Speaker::Customer && turn.text.trim().is_empty() {
            return Err(PipelineError::EmptyText);
        }
        if turn.text.len() > self.nlu.max_text_bytes() {
            return Err(NluError::TooLong {
                limit: self.nlu.max_text_bytes(),
            }
            .into());
        }
        if let Some(cluster) = &self.cluster {
            cluster.take_over(&self.store, key).await;
        }
        let (seen, turns) = self
            .store
            .read(key, |c| (c.state.has_seen(&turn.turn_id), c.state.turns()))
            .unwrap_or((false, 0));
        if seen {
            return Ok(Checked::Duplicate);
        }
        self.check_room(turns)?;
        Ok(Checked::Fresh)
    }

    /// A conversation holds at most `max_turns` turns (this bounds its resend detection).
    fn check_room(&self, turns: usize) -> Result<(), PipelineError> {
        if turns >= self.state_config.max_turns {
            return Err(PipelineError::ConversationFull {
                max_turns: self.state_config.max_turns,
            });
        }
        Ok(())
    }

    /// Model scores of one utterance, read after `context` (the bot's previous turn) if any.
    pub async fn score(&self, text: &str, context: Option<&str>) -> Result<Scores, PipelineError> {
        Ok(self.nlu.score(text, context).await?)
    }

    /// [`Pipeline::score`], and when its NLU stages ran (for tracing).
    pub async fn score_timed(
        &self,
        text: &str,
        context: Option<&str>,
    ) -> Result<(Scores, NluTimes), PipelineError> {
        Ok(self.nlu.score_timed(text, context).await?)
    }

    /// The newest bot or agent turn of a conversation (redacted): the context of its next
    /// customer turn when the caller has not seen a fresher one.
    pub fn last_reply(&self, key: &ConversationKey) -> Option<Arc<str>> {
        self.store
            .read(key, |c| c.state.last_reply.clone())
            .flatten()
    }

    /// Scores a customer turn and reads what its text says; no lock is held.
    async fn read(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
        context: Option<Arc<str>>,
        trace: Option<&mut TurnTrace>,
    ) -> Result<(Reading, Option<Scores>), PipelineError> {
        if turn.speaker != Speaker::Customer {
            return Ok((Reading::reply(turn), None));
        }
        let context = context.or_else(|| self.last_reply(key));
        let scores = match trace {
            Some(trace) => {
                let (scores, times) = self.score_timed(&turn.text, context.as_deref()).await?;
                nlu_stages(trace, &times);
                scores
            }
            None => self.score(&turn.text, context.as_deref()).await?,
        };
        Ok((Reading::customer(turn, &scores), Some(scores)))
    }

    /// Applies a checked and read turn to its conversation: under the conversation's lock
    /// only the state update and the policy's decision; the signals are made and published
    /// after it is released.
    fn apply(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
        reading: Reading,
        scores: Option<Scores>,
        mut trace: Option<&mut TurnTrace>,
    ) -> Result<TurnOutcome, PipelineError> {
        let applying = Instant::now();
        let reading = match scores {
            // Compared with the recent texts outside the lock; the update re-checks that
            // they are still the conversation's newest.
            Some(_) => {
                let window = self.store.read(key, |c| c.state.repetition_window());
                reading.compare(window.unwrap_or_default(), &self.state_config)
            }
            None => reading,
        };
        let policy = self.policies.for_tenant(&key.tenant_id);
        let applied = self.store.update(key, turn.channel, |conversation| {
            if conversation.state.has_seen(&turn.turn_id) {
                return Ok::<_, PipelineError>(Applied::Duplicate);
            }
            self.check_room(conversation.state.turns())?;
            let Some(scores) = scores else {
                conversation
                    .state
                    .apply_reply(turn, reading, &self.state_config);
                return Ok(Applied::Recorded);
            };
            let mut facts =
                conversation
                    .state
                    .apply_customer(turn, reading, scores, &self.state_config);
            facts.risk = self.risk.assess(&facts.features);
            facts.risk.operating_point = policy.escalation_point(facts.risk.operating_point);
            let decisions = evaluate(
                &mut conversation.policy,
                &conversation.state,
                &facts,
                policy,
                turn.at_ms,
            );
            let snapshot = (!decisions.is_empty()).then(|| conversation.state.snapshot());
            Ok(Applied::Assessed {
                facts: Box::new(facts),
                decisions,
                snapshot,
            })
        })??;
        let outcome = match applied {
            Applied::Duplicate => TurnOutcome::Duplicate,
            Applied::Recorded => {
                if let Some(trace) = trace.as_deref_mut() {
                    trace.stage("apply", applying, Instant::now());
                }
                TurnOutcome::Recorded
            }
            Applied::Assessed {
                facts,
                decisions,
                snapshot,
            } => {
                let publishing = Instant::now();
                if let Some(trace) = trace.as_deref_mut() {
                    trace.stage("apply", applying, publishing);
                }
                let signals = match snapshot {
                    Some(snapshot) => self.publish(key, &facts, decisions, &snapshot),
                    None => Vec::new(),
                };
                if let Some(trace) = trace {
                    trace.stage("publish", publishing, Instant::now());
                }
                TurnOutcome::Assessed { facts, signals }
            }
        };
        if let Some(cluster) = &self.cluster
            && !matches!(outcome, TurnOutcome::Duplicate)
        {
            // Copied under the lock (shared texts, a few rings), encoded after it.
            if let Some(conversation) = self.store.get(key) {
                cluster.checkpoint(key, &conversation);
            }
        }
        telemetry::set_active_conversations(self.store.len());
        Ok(outcome)
    }

    /// Makes the signals of a turn's decisions (with their handoff) and publishes them.
    fn publish(
        &self,
        key: &ConversationKey,
        facts: &TurnFacts,
        decisions: Vec<Decision>,
        snapshot: &Snapshot,
    ) -> Vec<Arc<Signal>> {
        let origin = Origin {
            tenant_id: &key.tenant_id,
            conversation_id: &key.conversation_id,
            model_version: &self.model_version,
            now_ms: now_ms(),
        };
        decisions
            .into_iter()
            .filter_map(|decision| {
                self.hub
                    .publish(Signal::new(decision, &origin, snapshot, facts))
            })
            .collect()
    }

    /// Scores a text outside any conversation; cues are found on its redacted form.
    pub async fn assess(
        &self,
        text: &str,
        language: Option<&str>,
    ) -> Result<(Scores, Vec<Cue>, Language), PipelineError> {
        self.assess_after(text, None, language).await
    }

    /// [`Pipeline::assess`] with the text read after `context` (a bot turn), as `Converse` reads
    /// a customer turn after the bot's reply.
    pub async fn assess_after(
        &self,
        text: &str,
        context: Option<&str>,
        language: Option<&str>,
    ) -> Result<(Scores, Vec<Cue>, Language), PipelineError> {
        if text.trim().is_empty() {
            return Err(PipelineError::EmptyText);
        }
        let scores = self.score(text, context).await?;
        let language = identify(text, language);
        let cues = combine(&redact(text), &scores.intents, language.intents_known);
        Ok((scores, cues, language))
    }

    /// Drops a conversation's state; whether it was held.
    pub fn end(&self, key: &ConversationKey) -> Result<bool, PipelineError> {
        check_id("tenant_id", &key.tenant_id)?;
        check_id("conversation_id", &key.conversation_id)?;
        let removed = self.store.remove(key);
        if let Some(cluster) = &self.cluster {
            cluster.forget(key);
        }
        telemetry::set_active_conversations(self.store.len());
        Ok(removed)
    }

    pub fn conversation(&self, key: &ConversationKey) -> Result<Conversation, PipelineError> {
        check_id("tenant_id", &key.tenant_id)?;
        check_id("conversation_id", &key.conversation_id)?;
        self.store
            .get(key)
            .ok_or(PipelineError::UnknownConversation)
    }

    /// A conversation's newest signal, as `GetConversation` shows it, while the hub's replay
    /// buffer holds it. In cluster mode that is the copy numbered by the stream, whichever
    /// replica made it: a signal made here shows once the stream has handed it back (one Redis
    /// round trip after its turn), and one made on another replica once this one has read it.
    pub fn last_signal(&self, key: &ConversationKey) -> Option<Arc<Signal>> {
        self.hub.newest_of(&key.tenant_id, &key.conversation_id)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Why the server works degraded (cluster mode, Redis unreachable), while it does.
    pub fn degraded(&self) -> Option<&'static str> {
        self.cluster.as_ref().and_then(|cluster| cluster.degraded())
    }

    pub fn hub(&self) -> &Arc<SignalHub> {
        &self.hub
    }

    /// The audit file, when `[signals] audit_file` is set.
    pub fn audit(&self) -> Option<&AuditFile> {
        self.audit.as_ref()
    }

    /// Waits until the audit file holds every signal published so far (nothing to wait for
    /// without one); for commands that exit after their last turn.
    pub async fn flush_audit(&self) {
        if let Some(audit) = &self.audit {
            audit.flush().await;
        }
    }

    /// Cluster mode: starts handing the stream's signals to the audit file and the webhooks;
    /// call once they are all started. Nothing to do alone.
    pub async fn start_sinks(&self) {
        if let Some(cluster) = &self.cluster {
            cluster.start_sinks(&self.hub).await;
        }
    }

    /// Per-tenant quotas (the conversation quota is enforced by the store itself).
    pub fn quotas(&self) -> &Quotas {
        &self.quotas
    }

    pub fn model_version(&self) -> &Arc<str> {
        &self.model_version
    }

    pub fn nlu(&self) -> &Nlu {
        &self.nlu
    }

    /// The OTLP span exporter (`[tracing]`), off unless configured.
    pub fn tracer(&self) -> &Tracer {
        &self.tracer
    }

    /// Drops idle conversations every `period` until the pipeline is dropped.
    pub fn spawn_expiry(self: &Arc<Self>, period: Duration) {
        let pipeline = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            loop {
                ticks.tick().await;
                let Some(pipeline) = pipeline.upgrade() else {
                    return;
                };
                let expired = pipeline.store.expire_idle();
                if expired > 0 {
                    tracing::debug!(expired, "idle conversations expired");
                }
                telemetry::set_active_conversations(pipeline.store.len());
            }
        });
    }
}

fn check_id(name: &str, value: &str) -> Result<(), PipelineError> {
    if value.trim().is_empty() {
        return Err(PipelineError::Invalid(format!("{name} is required")));
    }
    if value.len() > MAX_ID_BYTES {
        return Err(PipelineError::Invalid(format!(
            "{name} is longer than {MAX_ID_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The NLU stages of a scored turn: tokenize, wait in the queue, run the model.
fn nlu_stages(trace: &mut TurnTrace, times: &NluTimes) {
    use opentelemetry::KeyValue;
    trace.stage("tokenize", times.tokenize_start, times.queued);
    trace.stage("queue_wait", times.queued, times.run.started);
    trace.stage_with(
        "inference",
        times.run.started,
        times.run.finished,
        vec![KeyValue::new("rapport.batch_size", times.run.rows as i64)],
    );
}

pub(crate) fn speaker_label(speaker: Speaker) -> &'static str {
    match speaker {
        Speaker::Customer => "customer",
        Speaker::Bot => "bot",
        Speaker::Agent => "agent",
    }
}

pub(crate) fn outcome_label(result: &Result<TurnOutcome, PipelineError>) -> &'static str {
    match result {
        Ok(TurnOutcome::Assessed { .. }) => "assessed",
        Ok(TurnOutcome::Recorded) => "recorded",
        Ok(TurnOutcome::Duplicate) => "duplicate",
        Err(_) => "refused",
    }
}

/// The server's clock, in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
