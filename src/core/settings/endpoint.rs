//! The settings' server: its preset, what was learned about its endpoint, the request
//! shape that follows, and the model facts its own list gave.

use super::Settings;
use crate::core::models::{self, ModelInfo};
use crate::core::openai::request::RequestOptions;
use crate::core::servers::learned::Endpoint;
use crate::core::servers::{self, Server};

impl Settings {
    /// The preset in use: the one chosen, or for settings saved before presets, the one
    /// the base URL belongs to.
    pub fn server(&self) -> &'static Server {
        servers::find(&self.server).unwrap_or_else(|| servers::detect(&self.base_url))
    }

    /// What is known about the base URL's endpoint (nothing yet: an empty record).
    pub fn endpoint(&self) -> Endpoint {
        endpoint_of(&self.endpoints, &self.base_url)
    }

    /// The options of a chat request with these settings.
    pub fn request_options(&self, stream: bool) -> RequestOptions {
        RequestOptions {
            model: self.model.clone(),
            temperature: self.temperature,
            max_output_tokens: self.max_output_tokens,
            stream,
            reasoning_effort: self.reasoning_effort,
            shape: self.endpoint().shape(self.server(), &self.model),
        }
    }

    /// What is known about the selected model: the user's own entry, then what the
    /// server's list said of it, then the catalog. (Called on every count: it looks the
    /// model up in place, copying nothing but the answer.)
    pub fn model_info(&self) -> ModelInfo {
        let model = self.model.trim();
        let key = servers::normalize(&self.base_url);
        let listed = || {
            self.endpoints
                .iter()
                .find(|e| e.base_url == key)?
                .models
                .iter()
                .find(|m| m.id == model && has_facts(m))
        };
        match self.custom_models.iter().find(|m| m.id == model) {
            Some(own) => own.clone(),
            None => match listed() {
                Some(m) => with_window(m),
                None => models::resolve(model, &[]),
            },
        }
    }

    /// Every model whose facts are known besides the catalog: the user's own, then those
    /// the endpoint's list described (for the cost of past replies).
    pub fn known_models(&self) -> Vec<ModelInfo> {
        known_models(&self.custom_models, &self.endpoint())
    }

    /// Whether token counts for the selected model are exact: only for OpenAI's models,
    /// whose tokenizers Mnemo has; any other is counted with o200k and marked "≈".
    pub fn exact_tokens(&self) -> bool {
        !self.custom_models.iter().any(|m| m.id == self.model.trim())
            && models::lookup(&self.model, &[]).is_some()
    }
}

/// The record of `base_url` among `endpoints`, or an empty one.
pub fn endpoint_of(endpoints: &[Endpoint], base_url: &str) -> Endpoint {
    let key = servers::normalize(base_url);
    endpoints
        .iter()
        .find(|e| e.base_url == key)
        .cloned()
        .unwrap_or_else(|| Endpoint::new(&key))
}

/// The user's entries, then the server-listed models whose facts the server gave.
pub fn known_models(custom: &[ModelInfo], endpoint: &Endpoint) -> Vec<ModelInfo> {
    let mut known = custom.to_vec();
    known.extend(
        endpoint
            .models
            .iter()
            .filter(|m| has_facts(m) && !custom.iter().any(|c| c.id == m.id))
            .map(with_window),
    );
    known
}

/// Whether a server-listed model came with its window or a price.
pub fn has_facts(model: &ModelInfo) -> bool {
    model.context_window > 0
        || model.input_per_million.is_some()
        || model.output_per_million.is_some()
}

/// A server-listed model with the default window when the server gave none.
fn with_window(model: &ModelInfo) -> ModelInfo {
    ModelInfo {
        context_window: match model.context_window {
            0 => models::DEFAULT_CONTEXT_WINDOW,
            n => n,
        },
        ..model.clone()
    }
}
