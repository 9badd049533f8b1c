//! Conversation stage: a pure state machine per conversation.
//!
//! Given a turn and (for customer turns) its model scores, it updates smoothed frustration,
//! trend, streaks, repetition, waiting time and a small redacted history, and reports the
//! facts of that turn. No I/O, no clock, no model: time arrives inside the turn.

mod cues;
mod features;
mod language;
mod reading;
mod redact;
mod repetition;
mod seen;
mod snapshot;
mod state;
mod turn;

pub use cues::{Cue, CueKind, CueSource, combine, detect_cues, intent_cue};
pub use features::{Risk, RiskDriver, RiskFeatures};
pub use language::{Language, identify};
pub use reading::{CustomerReading, Reading};
pub use redact::{luhn, redact};
pub use snapshot::Snapshot;
pub use state::footprint;
pub use state::{ConversationState, StateConfig, TimelinePoint, Trend, TurnFacts};
pub use turn::{Channel, RecordedTurn, Speaker, TurnInput};
