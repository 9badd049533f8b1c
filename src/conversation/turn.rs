//! A conversation turn as the state machine sees it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Customer,
    Bot,
    Agent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Chat,
    Sms,
    Email,
    Voice,
    Video,
    Social,
    MessagingApp,
    /// An agent calls the customer back.
    Callback,
}

impl Channel {
    /// Channels where the customer types rather than talks.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::Chat | Self::Sms | Self::Email | Self::Social | Self::MessagingApp
        )
    }

    /// Channels carried by a live audio or video line.
    pub fn is_live_line(self) -> bool {
        matches!(self, Self::Voice | Self::Video | Self::Callback)
    }
}

/// One incoming turn. `text` is the raw utterance: it is scored, then only its redacted form
/// is kept.
#[derive(Debug, Clone)]
pub struct TurnInput {
    pub turn_id: String,
    pub speaker: Speaker,
    pub text: String,
    pub channel: Channel,
    /// Client timestamp (or the server's clock when absent), milliseconds since the epoch.
    pub at_ms: u64,
    pub intent_confidence: Option<f32>,
    pub fallback: bool,
    pub available_channels: Vec<Channel>,
    /// The client's BCP-47 language tag, if it sent one.
    pub language: Option<String>,
}

/// A turn as kept in the conversation's recent history: personal data already redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedTurn {
    pub turn_id: String,
    pub speaker: Speaker,
    pub text: String,
    pub channel: Channel,
    pub at_ms: u64,
    pub bot_fallback: bool,
}
