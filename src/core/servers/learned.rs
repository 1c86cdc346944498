//! What a server turned out to reject, learned from its refusals and remembered per
//! endpoint, and the facts kept with it (its model list, how its token counts compare).

use serde::{Deserialize, Serialize};

use super::Server;
use crate::core::models::ModelInfo;
use crate::core::openai::error::ApiError;
use crate::core::openai::request::{Field, Shape};

/// What Mnemo learned about one endpoint (a base URL). Kept plain (strings, and the
/// model facts the settings already store) so that it costs the app little to read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Endpoint {
    /// The base URL, normalized ([`super::normalize`]).
    pub base_url: String,
    /// What the server refused: a field's name for every model (`stream_options`), or a
    /// field's name and a model (`temperature o3`) for one; never sent to it again.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
    /// A complete stream came without usage: its counts are Mnemo's estimates.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_stream_usage: bool,
    /// The server's own model list, as last fetched; a window of 0 when it gave none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<ModelInfo>,
}

/// Whether `field` refused by a server concerns every model, or only the one asked.
fn per_model(field: Field) -> bool {
    matches!(field, Field::Temperature | Field::ReasoningEffort)
}

/// How a refusal of `field` for `model` is kept.
fn refusal(field: Field, model: &str) -> String {
    if per_model(field) {
        format!("{} {}", field.name(), model.trim())
    } else {
        field.name().to_string()
    }
}

impl Endpoint {
    /// A new record for `base_url`.
    pub fn new(base_url: &str) -> Self {
        Endpoint {
            base_url: super::normalize(base_url),
            ..Endpoint::default()
        }
    }

    /// The fields a request for `model` carries here: OpenAI's rules for the model,
    /// then the server's known quirks, then what it refused.
    pub fn shape(&self, server: &Server, model: &str) -> Shape {
        let mut shape = Shape::for_model(model);
        let refused = |field: Field| self.refused.contains(&refusal(field, model));
        shape.stream_options &= server.quirks.stream_options && !refused(Field::StreamOptions);
        shape.max_completion_tokens &= server.quirks.max_completion_tokens;
        if refused(Field::MaxTokens) {
            shape.max_completion_tokens = true;
        }
        if refused(Field::MaxCompletionTokens) {
            shape.max_completion_tokens = false;
        }
        shape.temperature &= !refused(Field::Temperature);
        shape.reasoning_effort &= !refused(Field::ReasoningEffort);
        shape
    }

    /// Remembers that the server refused `field` for `model`. Returns false when it
    /// was already known (asking again without it cannot help).
    pub fn learn(&mut self, field: Field, model: &str) -> bool {
        let entry = refusal(field, model);
        if self.refused.contains(&entry) {
            return false;
        }
        // The two names of the output limit: the last one refused is left out.
        let other = match field {
            Field::MaxTokens => Some(Field::MaxCompletionTokens),
            Field::MaxCompletionTokens => Some(Field::MaxTokens),
            _ => None,
        };
        if let Some(other) = other {
            self.refused.retain(|r| r != other.name());
        }
        self.refused.push(entry);
        true
    }

    /// What is learned, in the user's words, for Settings.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .refused
            .iter()
            .map(|r| match r.split_once(' ') {
                Some((field, model)) => format!("{model} refuses {field}: left out."),
                None => format!("Refuses {r}: left out."),
            })
            .collect();
        if self.no_stream_usage {
            lines.push("Reports no usage in streams: token counts are Mnemo's estimates.".into());
        }
        lines
    }
}

/// The field of `sent` that a refusal names, if it is one (see
/// [`ApiError::rejects_field`]).
pub fn refused_field(error: &ApiError, sent: &[Field]) -> Option<Field> {
    sent.iter().copied().find(|f| error.rejects_field(f.name()))
}

/// The endpoints list with `base_url`'s record changed by `change` (added if new).
pub fn update(endpoints: &mut Vec<Endpoint>, base_url: &str, change: impl FnOnce(&mut Endpoint)) {
    let key = super::normalize(base_url);
    let at = match endpoints.iter().position(|e| e.base_url == key) {
        Some(at) => at,
        None => {
            endpoints.push(Endpoint::new(&key));
            endpoints.len() - 1
        }
    };
    change(&mut endpoints[at]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::servers::find;

    fn refusal(status: u16, message: &str) -> ApiError {
        let body = format!(r#"{{"error":{{"message":"{message}"}}}}"#);
        ApiError::from_http(status, &body, None, 0.0)
    }

    #[test]
    fn a_refusal_names_the_field_that_was_sent() {
        let sent = [Field::StreamOptions, Field::MaxTokens, Field::Temperature];
        let groq = refusal(
            400,
            "'stream_options' : property 'stream_options' is unsupported",
        );
        assert_eq!(refused_field(&groq, &sent), Some(Field::StreamOptions));
        let openai = refusal(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
        assert_eq!(refused_field(&openai, &sent), Some(Field::MaxTokens));
        let only_completion = [Field::MaxCompletionTokens];
        let vllm = refusal(400, "max_completion_tokens is not supported");
        assert_eq!(
            refused_field(&vllm, &only_completion),
            Some(Field::MaxCompletionTokens)
        );
        assert_eq!(
            refused_field(&vllm, &[Field::MaxTokens]),
            None,
            "not inside another name"
        );
        let server = refusal(500, "stream_options broke");
        assert_eq!(refused_field(&server, &sent), None);
        assert_eq!(refused_field(&refusal(400, "bad"), &sent), None);
    }

    #[test]
    fn what_is_refused_is_left_out_next_time() {
        let openai = find("openai").unwrap();
        let mut e = Endpoint::new("http://x/v1/");
        assert_eq!(e.base_url, "http://x/v1");
        assert!(e.shape(openai, "gpt-4o").stream_options);
        assert!(e.learn(Field::StreamOptions, "gpt-4o"));
        assert!(!e.learn(Field::StreamOptions, "gpt-4o"), "once");
        assert!(!e.shape(openai, "gpt-4o").stream_options);

        assert!(e.shape(openai, "o3").max_completion_tokens);
        e.learn(Field::MaxCompletionTokens, "o3");
        assert!(!e.shape(openai, "o3").max_completion_tokens);
        e.learn(Field::MaxTokens, "o3");
        assert!(
            e.shape(openai, "o3").max_completion_tokens,
            "the last refusal wins"
        );
        assert!(e.shape(openai, "gpt-4o").max_completion_tokens);

        e.learn(Field::Temperature, "odd-model");
        assert!(!e.shape(openai, "odd-model").temperature);
        assert!(e.shape(openai, "gpt-4o").temperature, "per model");
        assert_eq!(e.describe().len(), 3);
    }

    #[test]
    fn known_quirks_apply_before_anything_is_learned() {
        let e = Endpoint::default();
        assert!(
            !e.shape(find("mistral").unwrap(), "mistral-large")
                .stream_options
        );
        assert!(!e.shape(find("vllm").unwrap(), "o3").max_completion_tokens);
        assert!(
            e.shape(find("openrouter").unwrap(), "openai/o3")
                .max_completion_tokens
        );
    }

    #[test]
    fn endpoints_are_kept_by_normalized_url() {
        let mut list = Vec::new();
        update(&mut list, "http://a/v1/", |e| e.no_stream_usage = true);
        update(&mut list, " http://a/v1", |e| {
            e.learn(Field::StreamOptions, "m");
        });
        assert_eq!(list.len(), 1);
        assert!(list[0].no_stream_usage && list[0].refused == ["stream_options"]);
        let back: Vec<Endpoint> =
            serde_json::from_str(&serde_json::to_string(&list).unwrap()).unwrap();
        assert_eq!(back, list);
    }
}
