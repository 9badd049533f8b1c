//! rapport: streaming sentiment and escalation signals for chatbot conversations.
//!
//! The pipeline, one module per stage: [`api`] (gRPC) → [`nlu`] (tokenize, batch, infer) →
//! [`conversation`] (pure state machine) → [`policy`] (decide) → [`signals`] (fan-out, sinks).
//! [`pipeline`] wires the stages for one turn; [`store`] is the shared conversation map;
//! [`cluster`] shares signals and conversation checkpoints between replicas through Redis.

pub mod api;
pub mod cluster;
pub mod config;
pub mod conversation;
pub mod nlu;
pub mod pipeline;
pub mod policy;
pub mod proto;
pub mod signals;
pub mod store;
pub mod telemetry;
