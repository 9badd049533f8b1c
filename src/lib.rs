//! rapport: streaming sentiment and escalation signals for chatbot conversations.
//!
//! The pipeline, one module per stage: [`api`] (gRPC) → [`nlu`] (tokenize, batch, infer) →
//! [`conversation`] (pure state machine) → [`policy`] (decide) → [`signals`] (fan-out, sinks).
//! [`pipeline`] wires the stages for one turn; [`store`] is the shared conversation map.

pub mod conversation;
pub mod nlu;
pub mod policy;
pub mod proto;
pub mod telemetry;
