//! `rapport eval`: measures escalation quality on human-labelled dialogues.
//!
//! [`dialogue`] reads the labelled JSON lines and splits them by id; [`replay`] drives each
//! dialogue through the pipeline (in process, or a running server over gRPC); [`readout`] is
//! the one place that says which facts are the turn score, the risk and the features;
//! [`report`] compares the escalations with the labels using the pure maths of [`metrics`];
//! [`features`] writes the per-turn CSV and [`plot`] the SVG charts.
//!
//! `rapport eval-intents` measures the explicit requests instead: [`intents`].

pub mod dialogue;
pub mod features;
pub mod intents;
pub mod metrics;
pub mod plot;
pub mod readout;
pub mod replay;
pub mod report;

pub use dialogue::{Dialogue, Split, SplitFilter, Target};
pub use replay::Replayed;
pub use report::Report;
