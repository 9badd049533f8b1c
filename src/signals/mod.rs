//! Signals stage: turns policy decisions into explainable signals with a handoff package,
//! numbers them, keeps a bounded replay log, and fans them out to live subscribers and sinks.

mod audit;
mod handoff;
mod hub;
pub mod signal;
mod sinks;
pub mod webhook;

pub use audit::AuditFile;
pub use handoff::{Handoff, build_handoff};
pub use hub::{HubEvent, MadeBy, SignalFilter, SignalHub, SignalLog, Subscription};
pub use signal::{Evidence, Signal};
pub use sinks::{LogSink, Sink};
