//! A server's own model list (`GET {base}/models`), in the shapes servers send it.

use serde::Deserialize;
use serde_json::Value;

use crate::core::models::{ModelInfo, DEFAULT_CONTEXT_WINDOW};
use crate::core::openai::error::ErrorEnvelope;
use crate::core::text::parse_decimal;
use crate::core::tokens::Encoding;

/// A model a server lists, with the facts it gave about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerModel {
    pub id: String,
    /// Tokens the model accepts, when the server said.
    pub context_length: Option<u32>,
    /// US dollars per million prompt tokens, when the server said.
    pub input_per_million: Option<f64>,
    /// US dollars per million reply tokens, when the server said.
    pub output_per_million: Option<f64>,
}

/// Where each server puts a model's window, in the order they are read (the first
/// positive one is the window): OpenRouter,
/// OpenRouter's best provider, Groq, vLLM, LM Studio and Mistral, Gemini's own API.
const WINDOW_FIELDS: [&[&str]; 6] = [
    &["context_length"],
    &["top_provider", "context_length"],
    &["context_window"],
    &["max_model_len"],
    &["max_context_length"],
    &["inputTokenLimit"],
];

/// The models in a `/models` response body: `{"data": [...]}` (OpenAI and most servers),
/// `{"models": [...]}` (Gemini's own API, llama.cpp) or a bare list, in the server's
/// order, each id once.
///
/// # Errors
/// A short message when the body is not a model list.
pub fn parse_models(body: &str) -> Result<Vec<ServerModel>, String> {
    let unreadable = |why: &str| format!("The server's model list could not be read: {why}");
    let value: Value =
        serde_json::from_str(body).map_err(|_| unreadable("the answer is not JSON."))?;
    let items = match &value {
        Value::Array(items) => Some(items),
        _ => ["data", "models"]
            .iter()
            .find_map(|key| value.get(key)?.as_array()),
    };
    let Some(items) = items else {
        // An error sent with a success status.
        let said = ErrorEnvelope::deserialize(&value)
            .ok()
            .and_then(|e| e.error.message)
            .filter(|m| !m.trim().is_empty());
        return Err(unreadable(
            said.as_deref().unwrap_or("it holds no list of models."),
        ));
    };
    let mut models: Vec<ServerModel> = Vec::new();
    for model in items.iter().filter_map(read_model) {
        if models.iter().all(|m| m.id != model.id) {
            models.push(model);
        }
    }
    Ok(models)
}

fn read_model(item: &Value) -> Option<ServerModel> {
    let id = match item {
        Value::String(id) => id.as_str(),
        _ => ["id", "name", "model"]
            .iter()
            .find_map(|key| item.get(key)?.as_str())?,
    };
    let id = id.trim();
    // Gemini names its models `models/gemini-2.0-flash`, and takes the bare name.
    let id = id.strip_prefix("models/").unwrap_or(id);
    if id.is_empty() {
        return None;
    }
    let price = |key: &str| {
        let per_token = item.get("pricing")?.get(key)?.as_str()?;
        per_million(per_token)
    };
    Some(ServerModel {
        id: id.to_string(),
        context_length: WINDOW_FIELDS.iter().find_map(|path| {
            let n = path.iter().try_fold(item, |v, key| v.get(key))?.as_u64()?;
            (n > 0).then(|| u32::try_from(n).unwrap_or(u32::MAX))
        }),
        input_per_million: price("prompt"),
        output_per_million: price("completion"),
    })
}

/// A price per token as OpenRouter writes it ("0.000003") made a price per million
/// tokens (3.0). The decimal point moves in the text, so that no rounding creeps in;
/// a negative price (OpenRouter's "-1" for a router whose price varies) is no price.
fn per_million(per_token: &str) -> Option<f64> {
    let text = per_token.trim();
    parse_decimal(text).filter(|price| *price >= 0.0)?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let fraction = format!("{fraction:0<6}");
    let (moved, rest) = fraction.split_at(6);
    parse_decimal(&format!("{whole}{moved}.{rest}"))
}

impl ServerModel {
    /// The model as an endpoint keeps it: a window of 0 when the server gave none.
    pub fn stored(&self) -> ModelInfo {
        ModelInfo {
            context_window: self.context_length.unwrap_or(0),
            ..self.info()
        }
    }

    /// What Mnemo needs to know about the model: the facts the server gave, and the
    /// window and encoding assumed for any model when it gave none.
    pub fn info(&self) -> ModelInfo {
        ModelInfo {
            id: self.id.clone(),
            context_window: self.context_length.unwrap_or(DEFAULT_CONTEXT_WINDOW),
            encoding: Encoding::O200kBase,
            input_per_million: self.input_per_million,
            output_per_million: self.output_per_million,
        }
    }

    /// Whether the server gave its window or a price.
    pub fn has_facts(&self) -> bool {
        self.context_length.is_some()
            || self.input_per_million.is_some()
            || self.output_per_million.is_some()
    }
}

#[cfg(test)]
mod tests;
