//! A server's own model list (`GET {base}/models`), in the shapes servers send it.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::core::models::{ModelInfo, DEFAULT_CONTEXT_WINDOW};
use crate::core::openai::error::ErrorEnvelope;
use crate::core::text::parse_decimal;
use crate::core::tokens::Encoding;

/// A model a server lists, with the facts it gave about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerModel {
    pub id: String,
    /// Tokens the model accepts, when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_length: Option<u32>,
    /// US dollars per million prompt tokens, when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_million: Option<f64>,
    /// US dollars per million reply tokens, when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_million: Option<f64>,
}

/// One entry of a model list, as any of the servers writes it. Its window is the first
/// positive one of: OpenRouter's, OpenRouter's best provider's, Groq's, vLLM's, LM
/// Studio's and Mistral's, Gemini's own API's. (Typed, not `serde_json::Value`: that
/// would add its code to the app.)
#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    model: Option<&'a RawValue>,
    #[serde(borrow, default)]
    context_length: Option<&'a RawValue>,
    #[serde(borrow, default)]
    top_provider: Option<&'a RawValue>,
    #[serde(borrow, default)]
    context_window: Option<&'a RawValue>,
    #[serde(borrow, default)]
    max_model_len: Option<&'a RawValue>,
    #[serde(borrow, default)]
    max_context_length: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "inputTokenLimit")]
    input_token_limit: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pricing: Option<&'a RawValue>,
}

/// A list under `data` or `models`.
#[derive(Deserialize)]
struct Listing<'a> {
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(borrow, default)]
    models: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Provider<'a> {
    #[serde(borrow, default)]
    context_length: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Pricing<'a> {
    #[serde(borrow, default)]
    prompt: Option<&'a RawValue>,
    #[serde(borrow, default)]
    completion: Option<&'a RawValue>,
}

/// The text of a JSON string.
fn text(raw: Option<&RawValue>) -> Option<String> {
    let raw = raw?.get().trim();
    raw.starts_with('"')
        .then(|| serde_json::from_str::<String>(raw).ok())
        .flatten()
}

/// A positive whole number of tokens.
fn tokens(raw: Option<&RawValue>) -> Option<u32> {
    let n = serde_json::from_str::<u64>(raw?.get()).ok()?;
    (n > 0).then(|| u32::try_from(n).unwrap_or(u32::MAX))
}

/// The items of a JSON array; `None` for any other value.
fn items(raw: Option<&RawValue>) -> Option<Vec<&RawValue>> {
    let raw = raw?;
    raw.get()
        .trim_start()
        .starts_with('[')
        .then(|| serde_json::from_str(raw.get()).ok())
        .flatten()
}

/// The models in a `/models` response body: `{"data": [...]}` (OpenAI and most servers),
/// `{"models": [...]}` (Gemini's own API, llama.cpp) or a bare list, in the server's
/// order, each id once.
///
/// # Errors
/// A short message when the body is not a model list.
pub fn parse_models(body: &str) -> Result<Vec<ServerModel>, String> {
    let unreadable = |why: &str| format!("The server's model list could not be read: {why}");
    let whole: &RawValue =
        serde_json::from_str(body).map_err(|_| unreadable("the answer is not JSON."))?;
    let listed = match items(Some(whole)) {
        Some(list) => Some(list),
        None => serde_json::from_str::<Listing>(whole.get())
            .ok()
            .and_then(|l| items(l.data).or_else(|| items(l.models))),
    };
    let Some(listed) = listed else {
        // An error sent with a success status.
        let said = serde_json::from_str::<ErrorEnvelope>(whole.get())
            .ok()
            .and_then(|e| e.error.message)
            .filter(|m| !m.trim().is_empty());
        return Err(unreadable(
            said.as_deref().unwrap_or("it holds no list of models."),
        ));
    };
    let mut models: Vec<ServerModel> = Vec::new();
    for model in listed.into_iter().filter_map(read_model) {
        if models.iter().all(|m| m.id != model.id) {
            models.push(model);
        }
    }
    Ok(models)
}

fn read_model(item: &RawValue) -> Option<ServerModel> {
    let (id, entry) = match text(Some(item)) {
        Some(id) => (id, None),
        None => {
            let entry: Entry = serde_json::from_str(item.get()).ok()?;
            let id = text(entry.id)
                .or_else(|| text(entry.name))
                .or_else(|| text(entry.model))?;
            (id, Some(entry))
        }
    };
    let id = id.trim();
    // Gemini names its models `models/gemini-2.0-flash`, and takes the bare name.
    let id = id.strip_prefix("models/").unwrap_or(id);
    if id.is_empty() {
        return None;
    }
    let (context_length, pricing) = match &entry {
        Some(e) => {
            let provider = e
                .top_provider
                .and_then(|p| serde_json::from_str::<Provider>(p.get()).ok())
                .and_then(|p| tokens(p.context_length));
            let window = tokens(e.context_length)
                .or(provider)
                .or_else(|| tokens(e.context_window))
                .or_else(|| tokens(e.max_model_len))
                .or_else(|| tokens(e.max_context_length))
                .or_else(|| tokens(e.input_token_limit));
            let pricing = e
                .pricing
                .and_then(|p| serde_json::from_str::<Pricing>(p.get()).ok());
            (window, pricing)
        }
        None => (None, None),
    };
    let price = |raw: Option<&RawValue>| per_million(&text(raw)?);
    Some(ServerModel {
        id: id.to_string(),
        context_length,
        input_per_million: pricing.as_ref().and_then(|p| price(p.prompt)),
        output_per_million: pricing.as_ref().and_then(|p| price(p.completion)),
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
