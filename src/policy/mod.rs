//! Policy stage: decides from a conversation's state and its newest customer turn whether to
//! escalate to a person or switch channel, and explains why. Pure: no I/O, no clock, no model
//! (the escalation-risk model is a handful of weights, evaluated here).

mod config;
mod decision;
mod explain;
mod risk;
mod rules;

pub use config::{PolicyBook, PolicyConfig};
pub use decision::{Decision, PolicyMemory, Priority, Reason, SignalKind};
pub use risk::{RiskModel, RiskTerm};
pub use rules::evaluate;

#[cfg(test)]
mod tests;
