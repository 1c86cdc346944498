//! One message of a conversation: who said it, what, and how it ended.

use serde::{Deserialize, Serialize};

use super::openai::error::ApiError;

/// Stable identifier of a message, unique within its conversation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub String);

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who wrote a message, in the API's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    /// The role's name on the wire and in `data-role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// How a message ended up. Stored as `{"state": "complete"}`, `{"state": "cutoff",
/// "reason": …}`, `{"state": "failed", "error": …}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase", try_from = "StoredStatus")]
pub enum MessageStatus {
    /// Written by the user, or a reply that finished normally.
    Complete,
    /// A reply still arriving.
    Streaming,
    /// A reply the user stopped; the partial text is kept.
    Stopped,
    /// The model ended the reply before it was complete (`finish_reason` `length` or
    /// `content_filter`); the text is kept and can be continued.
    #[serde(rename = "cutoff")]
    CutOff { reason: CutOffReason },
    /// The request for this message (a user message) or the reply itself failed.
    /// Any partial text is kept.
    Failed { error: ApiError },
}

super::names::by_name!(Role, ["system" => Role::System, "user" => Role::User, "assistant" => Role::Assistant]);

/// A status as stored, read as one flat record: serde's reader for internally tagged
/// enums buffers every value in a generic form first, and would bring that machinery into
/// the app for this one type.
#[derive(Deserialize)]
struct StoredStatus {
    state: String,
    #[serde(default)]
    reason: Option<CutOffReason>,
    #[serde(default)]
    error: Option<ApiError>,
}

impl TryFrom<StoredStatus> for MessageStatus {
    type Error = String;

    fn try_from(stored: StoredStatus) -> Result<Self, String> {
        let missing =
            |field: &str| format!("missing field `{field}` for state \"{}\"", stored.state);
        Ok(match stored.state.as_str() {
            "complete" => MessageStatus::Complete,
            "streaming" => MessageStatus::Streaming,
            "stopped" => MessageStatus::Stopped,
            "cutoff" => MessageStatus::CutOff {
                reason: stored.reason.ok_or_else(|| missing("reason"))?,
            },
            "failed" => MessageStatus::Failed {
                error: stored.error.ok_or_else(|| missing("error"))?,
            },
            other => return Err(format!("unknown state \"{other}\"")),
        })
    }
}

/// Why the model cut a reply off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CutOffReason {
    /// It reached the output limit (`finish_reason: "length"`).
    Length,
    /// The provider's content filter stopped it (`finish_reason: "content_filter"`).
    ContentFilter,
}

super::names::by_name!(CutOffReason, [
    "length" => CutOffReason::Length,
    "content_filter" => CutOffReason::ContentFilter,
]);

impl CutOffReason {
    /// The cut-off a `finish_reason` means, if any.
    pub fn from_finish_reason(reason: &str) -> Option<Self> {
        match reason {
            "length" => Some(CutOffReason::Length),
            "content_filter" => Some(CutOffReason::ContentFilter),
            _ => None,
        }
    }

    /// The sign shown under the reply.
    pub fn note(self) -> &'static str {
        match self {
            CutOffReason::Length => "Cut off: reached the output limit",
            CutOffReason::ContentFilter => "Stopped by the content filter",
        }
    }
}

impl MessageStatus {
    /// The status's name in `data-status`.
    pub fn as_str(&self) -> &'static str {
        match self {
            MessageStatus::Complete => "complete",
            MessageStatus::Streaming => "streaming",
            MessageStatus::Stopped => "stopped",
            MessageStatus::CutOff { .. } => "cutoff",
            MessageStatus::Failed { .. } => "failed",
        }
    }
}

/// What the user can do about a message that did not end well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// Send the message again, or regenerate the reply.
    Retry,
    /// Ask the model to go on from the partial reply.
    Continue,
    /// Put a failed message back into the composer.
    Edit,
}

/// Token usage the API reported for the request that produced a reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "UsageRecord")]
pub struct Usage {
    pub prompt_tokens: u32,
    /// Reply tokens, the hidden reasoning included (it is billed as output).
    pub completion_tokens: u32,
    pub total_tokens: u32,
    /// Of the reply tokens, those a reasoning model spent thinking before it answered.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reasoning_tokens: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Usage as it is read: stored by Mnemo (`reasoning_tokens`, absent before it was kept)
/// or sent by the API (`completion_tokens_details.reasoning_tokens`).
#[derive(Deserialize)]
struct UsageRecord {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
    #[serde(default)]
    total_tokens: u32,
    #[serde(default)]
    reasoning_tokens: Option<u32>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u32>,
}

impl From<UsageRecord> for Usage {
    fn from(r: UsageRecord) -> Self {
        let details = r.completion_tokens_details.and_then(|d| d.reasoning_tokens);
        Usage {
            prompt_tokens: r.prompt_tokens,
            completion_tokens: r.completion_tokens,
            total_tokens: r.total_tokens,
            reasoning_tokens: r.reasoning_tokens.or(details).unwrap_or(0),
        }
    }
}

impl Usage {
    /// Adds another request's usage to this total.
    pub fn add(&mut self, other: &Usage) {
        self.prompt_tokens = self.prompt_tokens.saturating_add(other.prompt_tokens);
        self.completion_tokens = self
            .completion_tokens
            .saturating_add(other.completion_tokens);
        self.total_tokens = self.total_tokens.saturating_add(other.total_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(other.reasoning_tokens);
    }
}

/// A message in a conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    /// The message this one follows; `None` for the first message of a conversation.
    /// Edits and regenerations add siblings: messages with the same parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<MessageId>,
    pub role: Role,
    pub content: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: f64,
    pub status: MessageStatus,
    /// The model that wrote a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// For a reply: the prompt tokens Mnemo counted for the request that produced it
    /// (compare with `usage.prompt_tokens`, the API's own figure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_tokens: Option<u32>,
    /// Pinned messages are always sent, whatever the memory strategy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// A reply's reasoning, as the server streamed it: shown apart, counted, never sent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reasoning: String,
}

impl Message {
    /// A message the user wrote.
    pub fn user(id: MessageId, content: impl Into<String>, created_at: f64) -> Self {
        Message {
            id,
            parent: None,
            role: Role::User,
            content: content.into(),
            created_at,
            status: MessageStatus::Complete,
            model: None,
            usage: None,
            sent_tokens: None,
            pinned: false,
            reasoning: String::new(),
        }
    }

    /// An empty reply that is about to stream in.
    pub fn pending_reply(id: MessageId, model: impl Into<String>, created_at: f64) -> Self {
        Message {
            id,
            parent: None,
            role: Role::Assistant,
            content: String::new(),
            created_at,
            status: MessageStatus::Streaming,
            model: Some(model.into()),
            usage: None,
            sent_tokens: None,
            pinned: false,
            reasoning: String::new(),
        }
    }

    /// How the message ended, in words, when that needs saying.
    pub fn note(&self) -> Option<String> {
        match &self.status {
            MessageStatus::Stopped => Some("Stopped".to_string()),
            MessageStatus::CutOff { reason } => Some(reason.note().to_string()),
            MessageStatus::Failed { error } if self.role == Role::User => {
                Some(format!("Not sent: {}", error.hint()))
            }
            MessageStatus::Failed { error } => {
                Some(format!("Interrupted: {} {}", error.message, error.hint()))
            }
            MessageStatus::Complete | MessageStatus::Streaming => None,
        }
    }

    /// The ways to recover this message, in the order they are offered: a failed user
    /// message can be sent again or edited; a reply that stopped, was cut off or failed
    /// can be regenerated or continued.
    pub fn recovery(&self) -> &'static [Recovery] {
        match (&self.status, self.role) {
            (MessageStatus::Failed { .. }, Role::User) => &[Recovery::Retry, Recovery::Edit],
            (
                MessageStatus::Stopped
                | MessageStatus::CutOff { .. }
                | MessageStatus::Failed { .. },
                Role::Assistant,
            ) => &[Recovery::Retry, Recovery::Continue],
            _ => &[],
        }
    }

    /// Whether this message belongs in what is sent to the model: failed user messages
    /// and empty replies do not.
    pub fn is_context(&self) -> bool {
        match (&self.status, self.role) {
            (MessageStatus::Streaming, _) => false,
            (MessageStatus::Failed { .. }, Role::User) => false,
            _ => !self.content.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_status_still_reads_and_cutoff_round_trips() {
        for (json, status) in [
            (r#"{"state":"complete"}"#, MessageStatus::Complete),
            (r#"{"state":"streaming"}"#, MessageStatus::Streaming),
            (r#"{"state":"stopped"}"#, MessageStatus::Stopped),
            (
                r#"{"state":"cutoff","reason":"length"}"#,
                MessageStatus::CutOff {
                    reason: CutOffReason::Length,
                },
            ),
            (
                r#"{"state":"cutoff","reason":"content_filter"}"#,
                MessageStatus::CutOff {
                    reason: CutOffReason::ContentFilter,
                },
            ),
        ] {
            let read: MessageStatus = serde_json::from_str(json).unwrap();
            assert_eq!(read, status);
            assert_eq!(serde_json::to_string(&status).unwrap(), json);
        }
        let failed: MessageStatus = serde_json::from_str(
            r#"{"state":"failed","error":{"kind":"network","message":"offline"}}"#,
        )
        .unwrap();
        assert_eq!(failed.as_str(), "failed");
    }

    #[test]
    fn a_cut_off_reply_says_why_offers_continue_and_is_sent_as_context() {
        let mut m = Message::pending_reply(MessageId("a".into()), "m", 1.0);
        m.content = "Half an answ".into();
        m.status = MessageStatus::CutOff {
            reason: CutOffReason::Length,
        };
        assert_eq!(m.status.as_str(), "cutoff");
        assert_eq!(
            m.note().as_deref(),
            Some("Cut off: reached the output limit")
        );
        assert_eq!(m.recovery(), [Recovery::Retry, Recovery::Continue]);
        assert!(m.is_context());
        m.status = MessageStatus::CutOff {
            reason: CutOffReason::ContentFilter,
        };
        assert_eq!(m.note().as_deref(), Some("Stopped by the content filter"));
        let user = Message::user(MessageId("u".into()), "hi", 1.0);
        assert_eq!(user.recovery(), []);
        assert_eq!(user.note(), None);
    }

    #[test]
    fn statuses_are_read_as_they_were_always_written_and_bad_ones_say_why() {
        let read = |text: &str| serde_json::from_str::<MessageStatus>(text);
        for status in [
            MessageStatus::Complete,
            MessageStatus::Streaming,
            MessageStatus::Stopped,
            MessageStatus::CutOff {
                reason: CutOffReason::ContentFilter,
            },
            MessageStatus::Failed {
                error: ApiError::network("offline"),
            },
        ] {
            let text = serde_json::to_string(&status).unwrap();
            assert_eq!(read(&text).unwrap(), status, "{text}");
        }
        assert_eq!(
            read(r#"{"state":"cutoff","reason":"length"}"#).unwrap(),
            MessageStatus::CutOff {
                reason: CutOffReason::Length
            }
        );
        let error = |text: &str| read(text).unwrap_err().to_string();
        assert!(error(r#"{"state":"lost"}"#).contains(r#"unknown state "lost""#));
        assert!(error(r#"{"state":"cutoff"}"#).contains("missing field `reason`"));
        assert!(error(r#"{"state":"failed"}"#).contains("missing field `error`"));
        assert!(error(r#"{"reason":"length"}"#).contains("missing field `state`"));
    }
}
