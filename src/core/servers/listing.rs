//! A server's own model list (`GET {base}/models`), in the shapes servers send it.

use serde::{Deserialize, Serialize};

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

/// The models in a `/models` response body.
///
/// # Errors
/// A short message when the body is not a model list.
pub fn parse_models(body: &str) -> Result<Vec<ServerModel>, String> {
    let _ = body;
    Err("not yet".into())
}

impl ServerModel {
    /// Whether the server gave a window or a price for it.
    pub fn has_facts(&self) -> bool {
        self.context_length.is_some()
            || self.input_per_million.is_some()
            || self.output_per_million.is_some()
    }

    /// What Mnemo needs to know about it, from what the server said.
    pub fn info(&self) -> crate::core::models::ModelInfo {
        crate::core::models::ModelInfo {
            id: self.id.clone(),
            context_window: self
                .context_length
                .unwrap_or(crate::core::models::DEFAULT_CONTEXT_WINDOW),
            encoding: crate::core::tokens::Encoding::O200kBase,
            input_per_million: self.input_per_million,
            output_per_million: self.output_per_million,
        }
    }
}
