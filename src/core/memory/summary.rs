//! The summary call of Summary memory: its budget, its request, and whether its reply
//! may replace the summary.

use crate::core::message::{Message, Role};
use crate::core::openai::request::{ReasoningEffort, RequestOptions, Shape, WireMessage};

/// The most tokens a summary may have: a quarter of the limit, at most 500.
pub fn summary_budget(limit: u32) -> u32 {
    (limit / 4).clamp(50, 500)
}

/// Tokens a reasoning model may spend thinking before it writes a summary, on top of the
/// summary's own budget: its hidden reasoning counts against the same output limit, and
/// with no room for it the reply comes back empty. Quadrupled for the one retry.
pub const SUMMARY_REASONING_ALLOWANCE: u32 = 2_000;

/// The options of summary call number `attempt` (0, then 1 for the retry with more
/// room) for `model`, whose summary may have `max_tokens`. A reasoning model is asked
/// for the least effort it accepts and given room to reason first.
pub fn summary_options(model: &str, max_tokens: u32, attempt: u32) -> RequestOptions {
    let reasoning_effort = ReasoningEffort::least_for(model);
    let room = match (reasoning_effort, attempt) {
        (Some(_), 0) => max_tokens.saturating_add(SUMMARY_REASONING_ALLOWANCE),
        (Some(_), _) => max_tokens.saturating_add(SUMMARY_REASONING_ALLOWANCE * 4),
        (None, 0) => max_tokens,
        (None, _) => max_tokens.saturating_mul(2),
    };
    RequestOptions {
        model: model.to_string(),
        temperature: 0.2,
        max_output_tokens: Some(room),
        stream: false,
        reasoning_effort,
        shape: Shape::for_model(model),
    }
}

/// What to do with the reply to summary call number `attempt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryVerdict {
    /// Replace the summary with this text.
    Accept(String),
    /// The reply was empty or cut off: ask once more with more room.
    TryAgainWithMoreRoom,
    /// Keep the previous summary, and say why.
    Reject(SummaryRejected),
}

/// Judges a summary reply: its text, why the model stopped, its token count. An empty
/// or cut-off reply never replaces the summary; the first is retried with more room.
pub fn judge_summary(
    text: &str,
    finish_reason: Option<&str>,
    tokens: u32,
    max_tokens: u32,
    attempt: u32,
) -> SummaryVerdict {
    let cut_off = finish_reason == Some("length");
    let empty = text.trim().is_empty();
    match (cut_off || empty, attempt) {
        (true, 0) => SummaryVerdict::TryAgainWithMoreRoom,
        (true, _) if empty => SummaryVerdict::Reject(SummaryRejected::Empty),
        (true, _) => SummaryVerdict::Reject(SummaryRejected::CutOff),
        (false, _) => match accept_summary(text, tokens, max_tokens) {
            Ok(text) => SummaryVerdict::Accept(text),
            Err(rejected) => SummaryVerdict::Reject(rejected),
        },
    }
}

/// The instructions for a summary call.
pub const SUMMARY_PROMPT: &str = "You maintain the running summary of a conversation between a user and an assistant. \
Update the previous summary with the new messages. Keep every durable fact: the user's name and other personal details, \
preferences, decisions made, and open questions or tasks. Drop small talk and details that no longer matter. \
Write short plain sentences in the third person (for example \"The user's name is Sam.\"). \
Answer with the updated summary only.";

/// The messages of a summary call: the instructions, then the previous summary and the
/// newly dropped messages as one user message.
pub fn summary_request(
    previous: Option<&str>,
    dropped: &[&Message],
    max_tokens: u32,
) -> Vec<WireMessage> {
    let mut text = String::new();
    if let Some(previous) = previous.filter(|p| !p.trim().is_empty()) {
        text.push_str("Previous summary:\n");
        text.push_str(previous.trim());
        text.push_str("\n\n");
    }
    text.push_str("New messages:\n");
    for m in dropped {
        text.push_str(&format!("[{}] {}\n", m.role.as_str(), m.content.trim()));
    }
    vec![
        WireMessage {
            role: Role::System,
            content: format!("{SUMMARY_PROMPT} Stay under {max_tokens} tokens."),
        },
        WireMessage {
            role: Role::User,
            content: text,
        },
    ]
}

/// Why a summary reply was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryRejected {
    Empty,
    /// The model ran out of output room before the summary was complete.
    CutOff,
    TooLong {
        tokens: u32,
        max: u32,
    },
}

impl std::fmt::Display for SummaryRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SummaryRejected::Empty => f.write_str("the model returned an empty summary"),
            SummaryRejected::CutOff => {
                f.write_str("the model ran out of room before the summary was complete")
            }
            SummaryRejected::TooLong { tokens, max } => write!(
                f,
                "the summary was {tokens} tokens, over its budget of {max}"
            ),
        }
    }
}

/// Checks a summary reply before it replaces the previous summary.
///
/// # Errors
/// [`SummaryRejected`] for an empty reply or one longer than `max_tokens`.
pub fn accept_summary(text: &str, tokens: u32, max_tokens: u32) -> Result<String, SummaryRejected> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SummaryRejected::Empty);
    }
    if tokens > max_tokens {
        return Err(SummaryRejected::TooLong {
            tokens,
            max: max_tokens,
        });
    }
    Ok(text.to_string())
}
