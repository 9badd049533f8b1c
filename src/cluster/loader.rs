//! Takes a conversation over from its checkpoint: before the first turn of a conversation this
//! replica does not hold, `GET` its checkpoint (bounded by `load_timeout_ms`) and put it in the
//! store, so the turn continues the conversation another replica started: frustration
//! history, latch, cooldown and seen turn ids included. No checkpoint, Redis down or slow, or a
//! checkpoint this build cannot read: the conversation starts fresh here (logged, counted).

use std::time::Duration;

use metrics::counter;
use redis::aio::ConnectionManager;

use super::codec::{self, Checkpoint};
use super::health::{CHECKPOINTS_LOADED, RedisHealth};

pub async fn load(
    mut connection: ConnectionManager,
    key: &str,
    timeout: Duration,
    health: &RedisHealth,
) -> Option<Checkpoint> {
    if !health.is_up() {
        return None;
    }
    let command = redis::cmd("GET").arg(key).to_owned();
    let bytes = match tokio::time::timeout(
        timeout,
        command.query_async::<Option<Vec<u8>>>(&mut connection),
    )
    .await
    {
        Ok(Ok(bytes)) => bytes?,
        Ok(Err(error)) => {
            health.failed("load_checkpoint", &error);
            return None;
        }
        Err(elapsed) => {
            health.failed("load_checkpoint", &elapsed);
            return None;
        }
    };
    match codec::decode(&bytes) {
        Ok(checkpoint) => {
            counter!(CHECKPOINTS_LOADED).increment(1);
            Some(checkpoint)
        }
        Err(error) => {
            counter!(super::health::REDIS_ERRORS, "operation" => "decode_checkpoint").increment(1);
            tracing::warn!(%error, "checkpoint not usable: the conversation starts fresh on this replica");
            None
        }
    }
}
