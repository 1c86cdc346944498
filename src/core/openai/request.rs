//! Building the JSON body of a Chat Completions request.

use serde::Serialize;

use crate::core::message::Role;

/// One message as the API receives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WireMessage {
    pub role: Role,
    pub content: String,
}

/// How much a reasoning model thinks before it answers (`reasoning_effort`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    /// gpt-5 family only.
    Minimal,
    Low,
    Medium,
    High,
}

impl ReasoningEffort {
    /// Every effort, least first.
    pub const ALL: [ReasoningEffort; 4] = [
        ReasoningEffort::Minimal,
        ReasoningEffort::Low,
        ReasoningEffort::Medium,
        ReasoningEffort::High,
    ];

    /// The effort's name in a request.
    pub fn name(self) -> &'static str {
        match self {
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
        }
    }

    /// The effort with this name; `None` for anything else (the model decides).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The least effort `model` surely accepts, for small chores such as a summary:
    /// `minimal` for gpt-5, gpt-5-mini and gpt-5-nano (and their dated snapshots), the
    /// only models documented to take it; `low` for every other reasoning model (the
    /// o-series, later gpt-5 versions); `None` for a model that does not reason (it
    /// would reject the field).
    pub fn least_for(model: &str) -> Option<Self> {
        if !is_reasoning_model(model) {
            return None;
        }
        let m = model.trim().to_ascii_lowercase();
        let bare = m.rsplit('/').next().unwrap_or(&m);
        let takes_minimal = ["gpt-5", "gpt-5-mini", "gpt-5-nano"]
            .iter()
            .any(|family| bare == *family || bare.starts_with(&format!("{family}-20")));
        Some(if takes_minimal {
            ReasoningEffort::Minimal
        } else {
            ReasoningEffort::Low
        })
    }
}

/// A request field some servers refuse; once refused, it is left out (or replaced) on
/// that endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    StreamOptions,
    MaxCompletionTokens,
    MaxTokens,
    Temperature,
    ReasoningEffort,
}

impl Field {
    /// The field's name in a request body.
    pub fn name(self) -> &'static str {
        match self {
            Field::StreamOptions => "stream_options",
            Field::MaxCompletionTokens => "max_completion_tokens",
            Field::MaxTokens => "max_tokens",
            Field::Temperature => "temperature",
            Field::ReasoningEffort => "reasoning_effort",
        }
    }
}

/// Which optional fields a request carries, decided per model and server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Ask for usage at the end of a stream.
    pub stream_options: bool,
    /// Name the output limit `max_completion_tokens` (else `max_tokens`).
    pub max_completion_tokens: bool,
    pub temperature: bool,
    pub reasoning_effort: bool,
}

impl Shape {
    /// OpenAI's rules for `model`: a reasoning model takes `max_completion_tokens` and a
    /// reasoning effort, and refuses a custom temperature.
    pub fn for_model(model: &str) -> Self {
        let reasoning = is_reasoning_model(model);
        Shape {
            stream_options: true,
            max_completion_tokens: reasoning,
            temperature: !reasoning,
            reasoning_effort: reasoning,
        }
    }
}

/// The options of a request that do not come from the messages.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestOptions {
    pub model: String,
    pub temperature: f32,
    /// `None` leaves the reply length to the model. For a reasoning model this limit
    /// covers its hidden reasoning too.
    pub max_output_tokens: Option<u32>,
    pub stream: bool,
    /// Sent to reasoning models only; `None` leaves it to the model.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Which optional fields are sent.
    pub shape: Shape,
}

#[derive(Debug, Serialize)]
struct StreamOptions {
    include_usage: bool,
}

/// A Chat Completions request body.
#[derive(Debug, Serialize)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<WireMessage>,
    pub stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
}

/// Whether a model is a reasoning model (o-series, gpt-5 family): these take
/// `max_completion_tokens` instead of `max_tokens` and reject a custom temperature.
pub fn is_reasoning_model(model: &str) -> bool {
    let m = model.trim().to_ascii_lowercase();
    let m = m.rsplit('/').next().unwrap_or(&m);
    m.starts_with("gpt-5")
        || (m.starts_with('o') && m[1..].starts_with(|c: char| c.is_ascii_digit()))
}

impl ChatRequest {
    /// A request for `messages`, shaped for the model in `options`.
    pub fn new(options: &RequestOptions, messages: Vec<WireMessage>) -> Self {
        let shape = options.shape;
        let completion = shape.max_completion_tokens;
        ChatRequest {
            model: options.model.trim().to_string(),
            messages,
            stream: options.stream,
            stream_options: (options.stream && shape.stream_options).then_some(StreamOptions {
                include_usage: true,
            }),
            temperature: shape.temperature.then_some(options.temperature),
            max_tokens: options.max_output_tokens.filter(|_| !completion),
            max_completion_tokens: options.max_output_tokens.filter(|_| completion),
            reasoning_effort: options.reasoning_effort.filter(|_| shape.reasoning_effort),
        }
    }

    /// The optional fields this request carries, for finding which one a server refused.
    pub fn fields(&self) -> Vec<Field> {
        [
            (self.stream_options.is_some(), Field::StreamOptions),
            (
                self.max_completion_tokens.is_some(),
                Field::MaxCompletionTokens,
            ),
            (self.max_tokens.is_some(), Field::MaxTokens),
            (self.temperature.is_some(), Field::Temperature),
            (self.reasoning_effort.is_some(), Field::ReasoningEffort),
        ]
        .into_iter()
        .filter_map(|(sent, field)| sent.then_some(field))
        .collect()
    }

    /// The JSON text to send.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a request is plain data and always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn options(model: &str, max: Option<u32>) -> RequestOptions {
        RequestOptions {
            model: model.into(),
            temperature: 0.7,
            max_output_tokens: max,
            stream: true,
            reasoning_effort: None,
            shape: Shape::for_model(model),
        }
    }

    fn body(options: &RequestOptions) -> Value {
        let messages = vec![WireMessage {
            role: Role::User,
            content: "hi".into(),
        }];
        serde_json::from_str(&ChatRequest::new(options, messages).to_json()).unwrap()
    }

    #[test]
    fn a_chat_model_gets_temperature_and_max_tokens() {
        let b = body(&options("gpt-4o-mini", Some(256)));
        assert_eq!(
            b,
            json!({
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": true,
                "stream_options": {"include_usage": true},
                "temperature": 0.7,
                "max_tokens": 256
            })
        );
    }

    #[test]
    fn empty_max_output_tokens_is_not_sent() {
        let b = body(&options("gpt-4o", None));
        assert!(b.get("max_tokens").is_none());
        assert!(b.get("max_completion_tokens").is_none());
    }

    #[test]
    fn reasoning_models_get_max_completion_tokens_and_no_temperature() {
        for model in [
            "o1",
            "o3-mini",
            "o4-mini",
            "gpt-5",
            "gpt-5-nano",
            "openai/gpt-5-mini",
        ] {
            let b = body(&options(model, Some(100)));
            assert!(b.get("temperature").is_none(), "{model}");
            assert!(b.get("max_tokens").is_none(), "{model}");
            assert_eq!(b["max_completion_tokens"], 100, "{model}");
        }
        for model in ["gpt-4o", "gpt-4.1-mini", "omni-custom", "gpt-3.5-turbo"] {
            assert!(!is_reasoning_model(model), "{model}");
        }
    }

    #[test]
    fn reasoning_effort_goes_to_reasoning_models_only() {
        let mut o = options("gpt-4o", None);
        o.reasoning_effort = Some(ReasoningEffort::Low);
        assert!(body(&o).get("reasoning_effort").is_none());
        o = options("o4-mini", None);
        o.reasoning_effort = Some(ReasoningEffort::Low);
        assert_eq!(body(&o)["reasoning_effort"], "low");
        for model in [
            "gpt-5",
            "gpt-5-nano",
            "openai/gpt-5-mini",
            "gpt-5-mini-2025-08-07",
        ] {
            assert_eq!(
                ReasoningEffort::least_for(model),
                Some(ReasoningEffort::Minimal),
                "{model}"
            );
        }
        for model in ["gpt-5.1", "gpt-5-codex", "o1", "openai/o3", "o4-mini"] {
            assert_eq!(
                ReasoningEffort::least_for(model),
                Some(ReasoningEffort::Low),
                "{model}"
            );
        }
        assert_eq!(ReasoningEffort::least_for("gpt-4.1"), None);
    }

    #[test]
    fn a_non_streamed_request_has_no_stream_options() {
        let mut o = options("gpt-4o", None);
        o.stream = false;
        let b = body(&o);
        assert_eq!(b["stream"], false);
        assert!(b.get("stream_options").is_none());
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn a_shape_leaves_out_what_a_server_refused_and_lists_what_is_sent() {
        let mut options = RequestOptions {
            model: "o4-mini".into(),
            temperature: 0.7,
            max_output_tokens: Some(100),
            stream: true,
            reasoning_effort: Some(ReasoningEffort::High),
            shape: Shape::for_model("o4-mini"),
        };
        let request = ChatRequest::new(&options, Vec::new());
        assert_eq!(
            request.fields(),
            [
                Field::StreamOptions,
                Field::MaxCompletionTokens,
                Field::ReasoningEffort
            ]
        );
        options.shape.stream_options = false;
        options.shape.max_completion_tokens = false;
        let request = ChatRequest::new(&options, Vec::new());
        assert_eq!(request.fields(), [Field::MaxTokens, Field::ReasoningEffort]);
        let json = request.to_json();
        assert!(
            !json.contains("stream_options") && json.contains("\"max_tokens\":100"),
            "{json}"
        );
    }
}
