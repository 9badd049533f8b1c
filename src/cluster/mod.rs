//! Cluster mode: several replicas behind one Redis. Off unless `[cluster] redis_url` is set.
//!
//! - Signals go to one Redis stream before subscribers see them ([`signal_log`]); every
//!   replica follows the stream into its local hub ([`signal_tail`]), so a subscriber on any
//!   replica gets every replica's signals, numbered by the stream ([`sequence`]).
//! - The audit file and webhooks get the stream's signals through a consumer group, each
//!   signal by one replica, and by another if that one dies before its sinks finished
//!   ([`sink_group`]).
//! - Each applied turn checkpoints its conversation ([`codec`]) through a writer task that
//!   never blocks the turn ([`checkpoint`]); a replica that gets a turn of a conversation it
//!   does not hold loads the checkpoint first ([`loader`]).
//! - Redis down or slow degrades, never fails, a turn ([`health`]).

pub mod checkpoint;
pub mod codec;
pub mod config;
pub mod health;
pub mod loader;
pub mod sequence;
pub mod signal_log;
pub mod signal_tail;
pub mod sink_group;

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

pub use config::ClusterConfig;

use crate::signals::SignalHub;
use crate::store::{Conversation, ConversationKey, Store};

pub struct Cluster {
    config: Arc<ClusterConfig>,
    connection: ConnectionManager,
    health: Arc<RedisHealth>,
    checkpoints: checkpoint::CheckpointWriter,
    /// For the sinks' consumer group: a connection of its own (it blocks).
    sink_reader: ConnectionManager,
    replica: Arc<str>,
}

use health::RedisHealth;

impl Cluster {
    /// Connects (lazily: Redis may come up later) and starts the signal and checkpoint tasks
    /// (the sinks' consumer group waits for [`Self::start_sinks`]);
    /// `None` when `redis_url` is not set (like every key, also settable as
    /// `RAPPORT_CLUSTER__REDIS_URL` or `--redis-url`). Needs a Tokio runtime.
    pub fn start(
        config: &ClusterConfig,
        hub: &Arc<SignalHub>,
        replay_capacity: usize,
        idle_ttl_secs: u64,
    ) -> Result<Option<Arc<Self>>, String> {
        let Some(url) = config.redis_url.clone().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return Err("[cluster] needs the server's async runtime".into());
        }
        let config = Arc::new(config.clone());
        let health = Arc::new(RedisHealth::new());
        let timeout = Duration::from_millis(config.command_timeout_ms);
        let connect = |response_timeout: Duration| {
            let client = redis::Client::open(url.as_str())
                .map_err(|e| format!("[cluster] redis_url: {e}"))?;
            let settings = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(response_timeout))
                .set_number_of_retries(1)
                .set_max_delay(Duration::from_millis(500));
            ConnectionManager::new_lazy_with_config(client, settings)
                .map_err(|e| format!("[cluster] redis: {e}"))
        };
        let connection = connect(timeout)?;
        let tail = connect(timeout + Duration::from_millis(2_000))?;
        let sink_reader = connect(timeout + Duration::from_millis(2_000))?;
        // Drawn per process: a restarted replica does not take its old signals for new ones.
        let replica: Arc<str> = format!("{:016x}", rand::random::<u64>()).into();
        hub.hand_out_to_sinks();
        hub.set_log(signal_log::SignalAppender::spawn(
            connection.clone(),
            config.clone(),
            health.clone(),
            replica.clone(),
        ));
        signal_tail::spawn(
            hub,
            tail,
            config.clone(),
            health.clone(),
            replay_capacity,
            replica.clone(),
        );
        let checkpoints = checkpoint::CheckpointWriter::spawn(
            connection.clone(),
            config.clone(),
            health.clone(),
            idle_ttl_secs,
        );
        tracing::info!(stream = %config.stream_key(), %replica, "cluster mode: signals and conversation checkpoints in redis");
        Ok(Some(Arc::new(Self {
            config,
            connection,
            health,
            checkpoints,
            sink_reader,
            replica,
        })))
    }

    /// Once every sink (audit file, webhooks) has its feed from the hub: joins the sinks'
    /// consumer group and hands them the stream's signals. A replica without sinks stays out
    /// of the group (it would acknowledge signals nobody delivered).
    pub async fn start_sinks(&self, hub: &Arc<SignalHub>) {
        let sinks = hub.handed_out_sinks();
        if sinks == 0 {
            tracing::info!("no audit file or webhooks: not joining the sinks' consumer group");
            return;
        }
        sink_group::start(
            hub,
            self.sink_reader.clone(),
            self.connection.clone(),
            &self.config,
            self.health.clone(),
            self.replica.clone(),
        )
        .await;
        tracing::info!(group = sink_group::GROUP, consumer = %self.replica, sinks, "sinks fed by the consumer group");
    }

    /// Queues a checkpoint of the conversation as it is now.
    pub fn checkpoint(&self, key: &ConversationKey, conversation: &Conversation) {
        let bytes = codec::encode(&conversation.state, &conversation.policy);
        self.checkpoints.save(self.key(key), bytes);
    }

    /// Why the replica is degraded, while it is: Redis does not answer.
    pub fn degraded(&self) -> Option<&'static str> {
        (!self.health.is_up())
            .then_some("redis unavailable: answering from memory, signals and checkpoints buffered")
    }

    /// The conversation ended: its checkpoint goes too.
    pub fn forget(&self, key: &ConversationKey) {
        self.checkpoints.forget(self.key(key));
    }

    /// Before a turn: if the store does not hold the conversation, load its checkpoint into it.
    pub async fn take_over(&self, store: &Store, key: &ConversationKey) {
        if store.read(key, |_| ()).is_some() {
            return;
        }
        let timeout = Duration::from_millis(self.config.load_timeout_ms);
        let loaded = loader::load(
            self.connection.clone(),
            &self.key(key),
            timeout,
            &self.health,
        )
        .await;
        if let Some(checkpoint) = loaded {
            store.restore(key, checkpoint.state, checkpoint.policy);
        }
    }

    fn key(&self, key: &ConversationKey) -> String {
        self.config
            .checkpoint_key(&key.tenant_id, &key.conversation_id)
    }
}
