//! The settings dialog's form: its fields as typed, and their validation into
//! [`Settings`].

use super::{Settings, DEFAULT_CONTEXT_BUDGET, DEFAULT_STALL_TIMEOUT_SECS};
use crate::core::memory::MemoryStrategy;
use crate::core::models::{self, ModelInfo};
use crate::core::openai::request::{is_reasoning_model, ReasoningEffort};
use crate::core::servers::{self, learned::Endpoint};
use crate::core::text::{decimal, parse_decimal};
use crate::core::tokens::Encoding;

/// The settings dialog's fields as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsForm {
    pub api_key: String,
    pub remember_key: bool,
    pub base_url: String,
    pub model: String,
    /// "Custom…" was chosen: the model id is typed in, even one the picker offers.
    pub model_typed: bool,
    pub temperature: String,
    pub max_output_tokens: String,
    pub system_prompt: String,
    /// A [`MemoryStrategy::key`].
    pub memory: String,
    pub context_budget: String,
    /// For a model outside the catalog: its encoding's name and its context window
    /// (empty: [`models::DEFAULT_CONTEXT_WINDOW`]).
    pub encoding: String,
    pub context_window: String,
    /// For a model outside the catalog: US dollars per million prompt and reply tokens
    /// (empty: not known, so its cost is not either).
    pub input_price: String,
    pub output_price: String,
    pub stall_timeout: String,
    /// The custom entries, carried through unchanged except for the selected model.
    pub custom_models: Vec<ModelInfo>,
    /// The preset's id.
    pub server: String,
    /// A [`ReasoningEffort`]'s name, or empty to leave it to the model.
    pub reasoning_effort: String,
    /// What is known about each endpoint, carried through.
    pub endpoints: Vec<Endpoint>,
}

/// A field of the form that does not hold a valid value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's label, as the user sees it.
    pub field: &'static str,
    pub message: String,
}

impl SettingsForm {
    /// The form filled from the current settings and key.
    pub fn from_settings(settings: &Settings, api_key: &str) -> Self {
        let mut form = SettingsForm {
            api_key: api_key.to_string(),
            remember_key: settings.remember_key,
            base_url: settings.base_url.clone(),
            model: settings.model.clone(),
            model_typed: false,
            temperature: decimal(f64::from(settings.temperature)),
            max_output_tokens: settings
                .max_output_tokens
                .map(|n| n.to_string())
                .unwrap_or_default(),
            system_prompt: settings.system_prompt.clone(),
            memory: settings.memory.key().to_string(),
            context_budget: settings.context_budget.to_string(),
            encoding: String::new(),
            context_window: String::new(),
            input_price: String::new(),
            output_price: String::new(),
            stall_timeout: settings.stall_timeout_secs.to_string(),
            custom_models: settings.custom_models.clone(),
            server: settings.server().id.to_string(),
            reasoning_effort: settings
                .reasoning_effort
                .map(|e| e.name().to_string())
                .unwrap_or_default(),
            endpoints: settings.endpoints.clone(),
        };
        form.show_model_facts(&settings.model_info());
        form
    }

    /// Fills the custom model fields with what is known about a model.
    pub(super) fn show_model_facts(&mut self, info: &ModelInfo) {
        let price = |p: Option<f64>| p.map(decimal).unwrap_or_default();
        self.encoding = info.encoding.name().to_string();
        self.context_window = info.context_window.to_string();
        self.input_price = price(info.input_per_million);
        self.output_price = price(info.output_per_million);
    }

    /// Whether the model typed in is one Mnemo does not know (so its encoding and
    /// window are the user's to set).
    pub fn is_custom_model(&self) -> bool {
        models::lookup(&self.model, &[]).is_none()
            && !super::endpoint::endpoint_of(&self.endpoints, &self.base_url)
                .models
                .iter()
                .any(|m| m.id == self.model.trim() && super::endpoint::has_facts(m))
    }

    /// Chooses a preset: it fills the Base URL (Custom keeps what is there).
    pub fn choose_server(&mut self, id: &str) {
        if let Some(server) = servers::find(id) {
            self.server = server.id.to_string();
            if !server.base_url.is_empty() {
                self.base_url = server.base_url.to_string();
            }
        }
    }

    /// A Base URL typed in: a preset's own URL selects that preset; any other URL
    /// leaves OpenAI for Custom and keeps any other preset (a local server on another
    /// port, a proxy in front of a service).
    pub fn type_base_url(&mut self, text: String) {
        let detected = servers::detect(&text);
        if detected.id != servers::CUSTOM {
            self.server = detected.id.to_string();
        } else if self.server == "openai" {
            self.server = servers::CUSTOM.to_string();
        }
        self.base_url = text;
    }

    /// Whether the reasoning effort field applies (the model reasons).
    pub fn offers_reasoning_effort(&self) -> bool {
        is_reasoning_model(&self.model)
    }

    /// Checks every field and returns the settings and key, or every problem found.
    ///
    /// # Errors
    /// One [`FieldError`] per field that is invalid, in form order.
    pub fn validate(&self) -> Result<(Settings, String), Vec<FieldError>> {
        let mut errors = Vec::new();
        let base_url = self.base_url.trim().trim_end_matches('/').to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://"))
            || base_url.len() <= "https://".len()
        {
            errors.push(FieldError {
                field: "Base URL",
                message: "Enter a URL starting with https:// (or http:// for a local proxy), such as https://api.openai.com/v1.".into(),
            });
        } else if let Some((root, endpoint)) = endpoint_path(&base_url) {
            errors.push(FieldError {
                field: "Base URL",
                message: format!("Base URL should end before \"{endpoint}\": use {root}"),
            });
        }
        let model = self.model.trim().to_string();
        if model.is_empty() || model.contains(char::is_whitespace) {
            errors.push(FieldError {
                field: "Model",
                message: "Enter a model id without spaces, such as gpt-4o-mini.".into(),
            });
        }
        let temperature = match parse_decimal(self.temperature.trim()) {
            Some(t) if (0.0..=2.0).contains(&t) => t as f32,
            _ => {
                errors.push(FieldError {
                    field: "Temperature",
                    message: "Enter a number from 0 to 2.".into(),
                });
                0.7
            }
        };
        let max_output_tokens = match self.max_output_tokens.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push(FieldError {
                        field: "Max output tokens",
                        message: "Enter a whole number above 0, or leave it empty to let the model decide.".into(),
                    });
                    None
                }
            },
        };
        let memory = MemoryStrategy::from_key(&self.memory).unwrap_or_default();
        let context_budget = match self
            .context_budget
            .trim()
            .replace([',', '_', ' '], "")
            .parse::<u32>()
        {
            Ok(n) if n >= 100 => n,
            _ => {
                errors.push(FieldError {
                    field: "Context budget",
                    message: "Enter a number of tokens, 100 or more (for example 16000).".into(),
                });
                DEFAULT_CONTEXT_BUDGET
            }
        };
        let stall_timeout_secs = match self.stall_timeout.trim().parse::<u32>() {
            Ok(n) if (1..=3600).contains(&n) => n,
            _ => {
                errors.push(FieldError {
                    field: "Stall timeout",
                    message: "Enter a number of seconds from 1 to 3600.".into(),
                });
                DEFAULT_STALL_TIMEOUT_SECS
            }
        };
        let mut custom_models = self.custom_models.clone();
        if self.is_custom_model() && !model.is_empty() {
            let entry = self.custom_entry(&model, &mut errors);
            custom_models.retain(|m| m.id != model);
            custom_models.push(entry);
        }
        let api_key = self.api_key.trim().to_string();
        // The base URL's own preset is not stored: it follows the URL.
        let server = servers::find(&self.server)
            .filter(|s| s.id != servers::detect(&base_url).id)
            .map(|s| s.id.to_string())
            .unwrap_or_default();
        let settings = Settings {
            base_url,
            model,
            temperature,
            max_output_tokens,
            system_prompt: self.system_prompt.clone(),
            remember_key: self.remember_key,
            memory,
            context_budget,
            custom_models,
            stall_timeout_secs,
            server,
            reasoning_effort: ReasoningEffort::from_name(&self.reasoning_effort),
            endpoints: self.endpoints.clone(),
        };
        if errors.is_empty() && settings.needs_setup(&api_key) {
            errors.push(FieldError {
                field: "API key",
                message: if settings.uses_openai() {
                    "Paste your OpenAI API key (it starts with sk-), or set the Base URL of a proxy that needs none.".into()
                } else {
                    format!("{} needs an API key: paste yours, or set the Base URL of a proxy that needs none.", settings.server().name)
                },
            });
        }
        if errors.is_empty() {
            Ok((settings, api_key))
        } else {
            Err(errors)
        }
    }

    /// The catalog entry of `model`, a model Mnemo does not know, from the custom model
    /// fields. An empty window is the default one; an empty price is not known.
    fn custom_entry(&self, model: &str, errors: &mut Vec<FieldError>) -> ModelInfo {
        let window = match self.context_window.trim().replace([',', '_', ' '], "") {
            text if text.is_empty() => models::DEFAULT_CONTEXT_WINDOW,
            text => match text.parse::<u32>() {
                Ok(n) if n >= 256 => n,
                _ => {
                    errors.push(FieldError {
                        field: "Context window",
                        message: "Enter the model's context window in tokens (for example 128000), or leave it empty for 128,000.".into(),
                    });
                    models::DEFAULT_CONTEXT_WINDOW
                }
            },
        };
        let mut price = |text: &str, field: &'static str| match text.trim() {
            "" => None,
            text => match parse_decimal(text.trim_start_matches('$')) {
                Some(p) if p >= 0.0 => Some(p),
                _ => {
                    errors.push(FieldError {
                        field,
                        message: "Enter a price in US dollars per million tokens (for example 0.15), or leave it empty.".into(),
                    });
                    None
                }
            },
        };
        let input_per_million = price(&self.input_price, "Input price");
        let output_per_million = price(&self.output_price, "Output price");
        ModelInfo {
            id: model.to_string(),
            context_window: window,
            encoding: Encoding::from_name(&self.encoding).unwrap_or(Encoding::O200kBase),
            input_per_million,
            output_per_million,
        }
    }
}

/// Paths of the API that people paste with the base URL: Mnemo adds
/// "/chat/completions" itself, so a base URL ending in one of them would post to
/// ".../chat/completions/chat/completions".
const ENDPOINT_PATHS: &[&str] = &["/chat/completions", "/completions", "/models"];

/// The base URL without the endpoint path it ends in, and that path, when it ends in one
/// (in any case).
fn endpoint_path(base_url: &str) -> Option<(&str, &'static str)> {
    ENDPOINT_PATHS.iter().find_map(|&path| {
        let root = base_url.len().checked_sub(path.len())?;
        let end = base_url.get(root..)?;
        end.eq_ignore_ascii_case(path)
            .then(|| (base_url[..root].trim_end_matches('/'), path))
    })
}
