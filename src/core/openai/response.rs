//! Reading a non-streamed Chat Completions response (used for summary calls).

use serde::Deserialize;

use super::error::{ApiError, ErrorEnvelope};
use crate::core::message::Usage;

#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
}

/// The reply text and usage of a completion.
///
/// # Errors
/// An [`ApiError`] for an error object, or a body that is not a completion.
pub fn parse_completion(body: &str) -> Result<(String, Option<Usage>), ApiError> {
    if let Ok(envelope) = serde_json::from_str::<ErrorEnvelope>(body) {
        return Err(ApiError::from_stream(envelope.error));
    }
    let completion: Completion = serde_json::from_str(body).map_err(|e| {
        ApiError::network(format!(
            "The endpoint sent a reply Mnemo could not read ({e})."
        ))
    })?;
    let text = completion
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message.content)
        .unwrap_or_default();
    Ok((text, completion.usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_usage() {
        let body = r#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"The user's name is Priya."},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":7,"total_tokens":57}}"#;
        let (text, usage) = parse_completion(body).unwrap();
        assert_eq!(text, "The user's name is Priya.");
        assert_eq!(usage.unwrap().total_tokens, 57);
    }

    #[test]
    fn an_error_object_or_garbage_is_an_error() {
        assert!(parse_completion(r#"{"error":{"message":"no"}}"#).is_err());
        assert!(parse_completion("<html>").is_err());
        assert_eq!(parse_completion(r#"{"choices":[]}"#).unwrap().0, "");
    }
}
