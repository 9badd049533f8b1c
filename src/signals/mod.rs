//! Signals stage: turns policy decisions into explainable signals with a handoff package,
//! numbers them, keeps a bounded replay log, and fans them out to live subscribers and sinks.

mod audit;
mod feed;
mod handoff;
mod hub;
mod receipt;
pub mod signal;
mod sinks;
pub mod webhook;

pub use audit::AuditFile;
pub use feed::{SinkEvent, SinkFeed};
pub use handoff::{Handoff, build_handoff};
pub use hub::{HubEvent, MadeBy, SignalFilter, SignalHub, SignalLog, Subscription};
pub use receipt::Receipt;
pub use signal::{Evidence, Signal};
pub use sinks::{LogSink, Sink};
