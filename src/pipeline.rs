//! One turn through the stages: check → score (NLU) → update state → decide (policy) →
//! publish (signals). Shared by the gRPC API and `rapport replay`; it knows nothing of gRPC.
//!
//! Scoring is async and may run for many turns at once; applying is synchronous and must
//! happen in each conversation's turn order, which the caller guarantees.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::cluster::Cluster;
use crate::config::Config;
use crate::conversation::{
    Cue, Language, Speaker, StateConfig, TurnFacts, TurnInput, combine, identify, redact,
};
use crate::nlu::{Nlu, NluError, NluTimes, Scores};
use crate::policy::{PolicyBook, RiskModel, evaluate};
use crate::quota::Quotas;
use crate::signals::{JsonlSink, LogSink, Signal, SignalHub, Sink, signal::Origin};
use crate::store::{Conversation, ConversationKey, Store, StoreFull};
use crate::telemetry;
use crate::trace::{Tracer, TurnTrace};

const MAX_ID_BYTES: usize = 128;

/// Why a request was refused. Each maps to one gRPC status code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PipelineError {
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    ResourceExhausted(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    PermissionDenied(String),
}

impl From<NluError> for PipelineError {
    fn from(error: NluError) -> Self {
        match error {
            NluError::TooLong { .. } => Self::InvalidArgument(error.to_string()),
            NluError::Overloaded => Self::ResourceExhausted(error.to_string()),
            NluError::Stopped => Self::Unavailable(error.to_string()),
            _ => Self::Internal(error.to_string()),
        }
    }
}

impl From<StoreFull> for PipelineError {
    fn from(error: StoreFull) -> Self {
        Self::ResourceExhausted(error.to_string())
    }
}

/// What a turn did.
#[derive(Debug, Clone)]
pub enum TurnOutcome {
    /// A customer turn was scored; the signals it fired, if any.
    Assessed {
        facts: TurnFacts,
        signals: Vec<Arc<Signal>>,
    },
    /// A bot or agent turn was recorded.
    Recorded,
    /// The turn id was seen before; nothing changed.
    Duplicate,
}

pub struct Pipeline {
    nlu: Arc<Nlu>,
    store: Store,
    policies: PolicyBook,
    state_config: StateConfig,
    hub: Arc<SignalHub>,
    model_version: Arc<str>,
    risk: RiskModel,
    quotas: Quotas,
    cluster: Option<Arc<Cluster>>,
    tracer: Tracer,
}

impl Pipeline {
    /// Builds the pipeline around a loaded model.
    pub fn new(nlu: Arc<Nlu>, config: &Config) -> Result<Self, String> {
        let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(LogSink)];
        if let Some(path) = &config.signals.audit_file {
            sinks.push(Box::new(
                JsonlSink::open(path).map_err(|e| format!("{}: {e}", path.display()))?,
            ));
        }
        let hub = Arc::new(SignalHub::new(config.signals.replay_capacity, sinks));
        let cluster = Cluster::start(
            &config.cluster,
            &hub,
            config.signals.replay_capacity,
            config.store.idle_ttl_secs,
        )?;
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
            cluster,
        })
    }

    /// Checks a turn before it is scored. `Ok(true)`: a resend of a turn already applied.
    /// In cluster mode, first takes over the conversation's checkpoint if it is not held here.
    pub async fn check(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
    ) -> Result<bool, PipelineError> {
        check_id("tenant_id", &key.tenant_id)?;
        check_id("conversation_id", &key.conversation_id)?;
        check_id("turn_id", &turn.turn_id)?;
        if turn.speaker == Speaker::Customer && turn.text.trim().is_empty() {
            return Err(PipelineError::InvalidArgument("text is empty".into()));
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
        if !seen {
            self.check_room(turns)?;
        }
        Ok(seen)
    }

    /// A conversation holds at most `max_turns` turns (this bounds its resend detection).
    fn check_room(&self, turns: usize) -> Result<(), PipelineError> {
        if turns >= self.state_config.max_turns {
            return Err(PipelineError::ResourceExhausted(format!(
                "the conversation reached conversation.max_turns ({}); end it and start a new one",
                self.state_config.max_turns
            )));
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
    pub fn last_reply(&self, key: &ConversationKey) -> Option<String> {
        self.store
            .read(key, |c| c.state.last_reply.clone())
            .flatten()
    }

    /// Applies a checked turn (with its scores if a customer spoke) to its conversation,
    /// runs the policy and publishes what fired.
    pub fn apply(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
        scores: Option<Scores>,
    ) -> Result<TurnOutcome, PipelineError> {
        self.apply_traced(key, turn, scores, None)
    }

    /// [`Pipeline::apply`], recording its `apply` and `publish` stages in `trace`.
    pub fn apply_traced(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
        scores: Option<Scores>,
        mut trace: Option<&mut TurnTrace>,
    ) -> Result<TurnOutcome, PipelineError> {
        let applying = Instant::now();
        let policy = self.policies.for_tenant(&key.tenant_id);
        let outcome = self.store.update(key, turn.channel, |conversation| {
            if conversation.state.has_seen(&turn.turn_id) {
                return Ok::<_, PipelineError>(TurnOutcome::Duplicate);
            }
            self.check_room(conversation.state.turns())?;
            let Some(scores) = scores.filter(|_| turn.speaker == Speaker::Customer) else {
                conversation
                    .state
                    .apply_reply_turn(turn, &self.state_config);
                if let Some(trace) = trace.as_deref_mut() {
                    trace.stage("apply", applying, Instant::now());
                }
                return Ok(TurnOutcome::Recorded);
            };
            let mut facts =
                conversation
                    .state
                    .apply_customer_turn(turn, scores, &self.state_config);
            facts.risk = self.risk.assess(&facts.features);
            facts.risk.operating_point = policy.escalation_point(facts.risk.operating_point);
            let decisions = evaluate(
                &mut conversation.policy,
                &conversation.state,
                &facts,
                policy,
                turn.at_ms,
            );
            let origin = Origin {
                tenant_id: &key.tenant_id,
                conversation_id: &key.conversation_id,
                model_version: &self.model_version,
                now_ms: now_ms(),
            };
            let publishing = Instant::now();
            let signals: Vec<Arc<Signal>> = decisions
                .into_iter()
                .filter_map(|decision| {
                    self.hub
                        .publish(Signal::new(decision, &origin, &conversation.state, &facts))
                })
                .collect();
            if let Some(last) = signals.last() {
                conversation.last_signal = Some(last.clone());
            }
            if let Some(trace) = trace.as_deref_mut() {
                trace.stage("apply", applying, publishing);
                trace.stage("publish", publishing, Instant::now());
            }
            Ok(TurnOutcome::Assessed { facts, signals })
        })??;
        if let Some(cluster) = &self.cluster
            && !matches!(outcome, TurnOutcome::Duplicate)
        {
            self.store.read(key, |c| cluster.checkpoint(key, c));
        }
        telemetry::set_active_conversations(self.store.len());
        Ok(outcome)
    }

    /// Check, score and apply one turn, in one go.
    pub async fn process(
        &self,
        key: &ConversationKey,
        turn: &TurnInput,
    ) -> Result<TurnOutcome, PipelineError> {
        if self.check(key, turn).await? {
            return Ok(TurnOutcome::Duplicate);
        }
        let scores = match turn.speaker {
            Speaker::Customer => {
                let context = self.last_reply(key);
                Some(self.score(&turn.text, context.as_deref()).await?)
            }
            _ => None,
        };
        self.apply(key, turn, scores)
    }

    /// Scores a text outside any conversation; cues are found on its redacted form.
    pub async fn assess(
        &self,
        text: &str,
        language: Option<&str>,
    ) -> Result<(Scores, Vec<Cue>, Language), PipelineError> {
        if text.trim().is_empty() {
            return Err(PipelineError::InvalidArgument("text is empty".into()));
        }
        let scores = self.score(text, None).await?;
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
        self.store.get(key).ok_or_else(|| {
            PipelineError::NotFound("no such conversation (never seen, ended or expired)".into())
        })
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
        return Err(PipelineError::InvalidArgument(format!(
            "{name} is required"
        )));
    }
    if value.len() > MAX_ID_BYTES {
        return Err(PipelineError::InvalidArgument(format!(
            "{name} is longer than {MAX_ID_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The server's clock, in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
