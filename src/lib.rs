//! rapport: streaming sentiment and escalation signals for chatbot conversations.
//!
//! The pipeline, one module per stage: [`api`] (gRPC) → [`nlu`] (tokenize, batch, infer) →
//! [`conversation`] (pure state machine) → [`policy`] (decide) → [`signals`] (fan-out, sinks).
//! [`pipeline`] wires the stages for one turn; [`store`] is the shared conversation map;
//! [`eval`] measures escalation quality on labelled dialogues. [`auth`] decides who may call,
//! [`quota`] how much each tenant may do. [`admin`] serves `/metrics` and the supervisor page;
//! [`trace`] exports a span per turn over OTLP. [`cluster`] shares signals and conversation
//! checkpoints between replicas through Redis.

pub mod admin;
pub mod api;
pub mod auth;
pub mod cluster;
pub mod config;
pub mod conversation;
pub mod eval;
pub mod nlu;
pub mod pipeline;
pub mod policy;
pub mod proto;
pub mod quota;
pub mod signals;
pub mod store;
pub mod telemetry;
pub mod trace;

#[cfg(test)]
mod fuzz;
