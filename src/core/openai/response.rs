//! Reading a non-streamed Chat Completions response (used for summary calls).

use serde::Deserialize;

use super::error::{ApiError, ErrorEnvelope};
use crate::core::message::Usage;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
}

/// What a non-streamed reply said.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Completion {
    pub text: String,
    pub usage: Option<Usage>,
    /// Why the model stopped (`stop`, `length`, …), when the endpoint said.
    pub finish_reason: Option<String>,
}

/// The reply text, usage and finish reason of a completion.
///
/// # Errors
/// An [`ApiError`] for an error object, or a body that is not a completion.
pub fn parse_completion(body: &str) -> Result<Completion, ApiError> {
    if let Ok(envelope) = serde_json::from_str::<ErrorEnvelope>(body) {
        return Err(ApiError::from_stream(envelope.error));
    }
    let parsed: Body = serde_json::from_str(body).map_err(|e| {
        ApiError::network(format!(
            "The endpoint sent a reply Mnemo could not read ({e})."
        ))
    })?;
    let (text, finish_reason) = parsed
        .choices
        .into_iter()
        .next()
        .map(|c| (c.message.content.unwrap_or_default(), c.finish_reason))
        .unwrap_or_default();
    Ok(Completion {
        text,
        usage: parsed.usage,
        finish_reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_usage() {
        let body = r#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"The user's name is Priya."},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":7,"total_tokens":57}}"#;
        let reply = parse_completion(body).unwrap();
        assert_eq!(reply.text, "The user's name is Priya.");
        assert_eq!(reply.usage.unwrap().total_tokens, 57);
        assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn an_error_object_or_garbage_is_an_error() {
        assert!(parse_completion(r#"{"error":{"message":"no"}}"#).is_err());
        assert!(parse_completion("<html>").is_err());
        assert_eq!(parse_completion(r#"{"choices":[]}"#).unwrap().text, "");
    }

    #[test]
    fn an_empty_reply_cut_off_by_reasoning_says_so() {
        let body = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"length"}],"usage":{"prompt_tokens":80,"completion_tokens":250,"total_tokens":330,"completion_tokens_details":{"reasoning_tokens":250}}}"#;
        let reply = parse_completion(body).unwrap();
        assert_eq!(reply.text, "");
        assert_eq!(reply.finish_reason.as_deref(), Some("length"));
        assert_eq!(reply.usage.unwrap().reasoning_tokens, 250);
    }
}
