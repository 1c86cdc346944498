//! The user's settings, their defaults, and validation of the settings form.

use serde::{Deserialize, Serialize};

use super::memory::{Budget, MemoryStrategy};
use super::models::{self, ModelInfo};
use super::openai::request::ReasoningEffort;
use super::servers::learned::Endpoint;
use super::text::decimal;

mod endpoint;
mod form;
mod model_choice;

pub use endpoint::endpoint_of;
pub use form::{FieldError, SettingsForm};
pub use model_choice::{model_groups, ModelGroup, CUSTOM_MODEL, SERVER_MODELS, YOUR_MODELS};

/// Tokens kept free for the reply when "Max output tokens" is empty.
pub const DEFAULT_REPLY_RESERVE: u32 = 1_024;

/// How long a reply may send nothing before it counts as stalled.
pub const DEFAULT_STALL_TIMEOUT_SECS: u32 = 60;

/// The context budget a new user starts with.
pub const DEFAULT_CONTEXT_BUDGET: u32 = 16_000;

/// OpenAI's own endpoint; any OpenAI-compatible base URL works in its place.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// System prompt presets: a name for the picker and the prompt itself.
pub const PRESETS: &[(&str, &str)] = &[
    ("Helpful assistant", "You are a helpful assistant."),
    ("Concise Python tutor", "You are a concise Python tutor."),
    (
        "Senior Python code reviewer",
        "You are a senior Python developer reviewing code. Follow these rules:\n\
         1. Point out bugs and edge cases first, then style.\n\
         2. Suggest concrete fixes with short code examples.\n\
         3. Prefer idiomatic, readable Python (PEP 8, type hints where they help).\n\
         4. Keep each review under 200 words unless asked for more.",
    ),
    (
        "Beginner data-science tutor",
        "You are a patient data-science tutor for beginners. Follow these rules:\n\
         1. Explain every concept in plain language before any formula.\n\
         2. Use small pandas or NumPy examples the learner can run.\n\
         3. Ask one short question at the end to check understanding.\n\
         4. Never assume prior statistics knowledge; define each term you use.",
    ),
];

/// Everything the user configures, except the API key (kept apart so it is stored
/// only when the user asks for it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub base_url: String,
    pub model: String,
    pub temperature: f32,
    pub max_output_tokens: Option<u32>,
    pub system_prompt: String,
    /// Whether the API key is kept in localStorage.
    pub remember_key: bool,
    pub memory: MemoryStrategy,
    /// The most prompt tokens a request may use (the model's window may lower it).
    pub context_budget: u32,
    /// The user's own catalog entries, for models Mnemo does not know.
    pub custom_models: Vec<ModelInfo>,
    /// A reply that sends no bytes for this long has stalled.
    pub stall_timeout_secs: u32,
    /// The preset's id ([`super::servers::SERVERS`]); empty in settings saved before
    /// presets, which then follow the base URL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub server: String,
    /// How much a reasoning model thinks; `None` leaves it to the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// What is known about each endpoint used: its model list and what it refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: DEFAULT_BASE_URL.into(),
            model: models::DEFAULT_MODEL.into(),
            temperature: 0.7,
            max_output_tokens: None,
            system_prompt: PRESETS[0].1.into(),
            remember_key: false,
            memory: MemoryStrategy::default(),
            context_budget: DEFAULT_CONTEXT_BUDGET,
            custom_models: Vec::new(),
            stall_timeout_secs: DEFAULT_STALL_TIMEOUT_SECS,
            server: String::new(),
            reasoning_effort: None,
            endpoints: Vec::new(),
        }
    }
}

impl Settings {
    /// Whether the base URL is OpenAI's own, which always needs a key.
    pub fn uses_openai(&self) -> bool {
        self.base_url.trim().trim_end_matches('/') == DEFAULT_BASE_URL
    }

    /// Whether the app cannot send yet and should open the settings by itself: a
    /// service that always needs a key (OpenAI, OpenRouter, …) at its own address, with
    /// no key (a proxy or a local server may need none).
    pub fn needs_setup(&self, api_key: &str) -> bool {
        let server = self.server();
        server.key == super::servers::KeyNeed::Required
            && super::servers::detect(&self.base_url).id == server.id
            && api_key.trim().is_empty()
    }

    /// The limits the next request must fit.
    pub fn budget(&self) -> Budget {
        Budget {
            context_budget: self.context_budget,
            model_window: self.model_info().context_window,
            reply_reserve: self.max_output_tokens.unwrap_or(DEFAULT_REPLY_RESERVE),
        }
    }
}

/// What one conversation uses instead of the defaults; `None` follows the default, so a
/// later change of the defaults reaches every field the conversation did not set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// `Some(0)` lets the model decide, whatever the default says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_budget: Option<u32>,
}

impl Overrides {
    /// Whether the conversation follows the defaults in everything.
    pub fn is_empty(&self) -> bool {
        *self == Overrides::default()
    }

    /// What is set, in words, for a tooltip or a summary line (empty when nothing is).
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.system_prompt.is_some() {
            out.push("its own system prompt".to_string());
        }
        if let Some(model) = &self.model {
            out.push(format!("model {model}"));
        }
        if let Some(t) = self.temperature {
            out.push(format!("temperature {}", decimal(f64::from(t))));
        }
        match self.max_output_tokens {
            Some(0) => out.push("no output limit".to_string()),
            Some(n) => out.push(format!("at most {n} output tokens")),
            None => {}
        }
        if let Some(memory) = self.memory {
            out.push(memory.label().to_string());
        }
        if let Some(budget) = self.context_budget {
            out.push(format!("a budget of {budget} tokens"));
        }
        out
    }
}

impl Settings {
    /// These settings with a conversation's own values in place of the defaults.
    pub fn with_overrides(&self, overrides: &Overrides) -> Settings {
        let mut settings = self.clone();
        if let Some(prompt) = &overrides.system_prompt {
            settings.system_prompt = prompt.clone();
        }
        if let Some(model) = &overrides.model {
            settings.model = model.clone();
        }
        if let Some(t) = overrides.temperature {
            settings.temperature = t;
        }
        if let Some(n) = overrides.max_output_tokens {
            settings.max_output_tokens = (n > 0).then_some(n);
        }
        if let Some(memory) = overrides.memory {
            settings.memory = memory;
        }
        if let Some(budget) = overrides.context_budget {
            settings.context_budget = budget;
        }
        settings
    }
}

/// The dialog of one conversation's settings: the settings form filled with what the
/// conversation uses now, and which groups of fields are its own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverridesForm {
    pub form: SettingsForm,
    pub own_prompt: bool,
    pub own_model: bool,
    /// Temperature and max output tokens.
    pub own_sampling: bool,
    /// Memory strategy and context budget.
    pub own_memory: bool,
}

impl OverridesForm {
    /// The form for a conversation with `overrides` under `defaults`.
    pub fn new(defaults: &Settings, overrides: &Overrides) -> Self {
        OverridesForm {
            form: SettingsForm::from_settings(&defaults.with_overrides(overrides), ""),
            own_prompt: overrides.system_prompt.is_some(),
            own_model: overrides.model.is_some(),
            own_sampling: overrides.temperature.is_some() || overrides.max_output_tokens.is_some(),
            own_memory: overrides.memory.is_some() || overrides.context_budget.is_some(),
        }
    }

    /// The form with every group that is not the conversation's own, and every field the
    /// dialog does not show, taken from `defaults`: what the conversation would use.
    pub fn resolved_form(&self, defaults: &Settings) -> SettingsForm {
        let mut form = SettingsForm::from_settings(defaults, "unused");
        let own = &self.form;
        if self.own_prompt {
            form.system_prompt.clone_from(&own.system_prompt);
        }
        if self.own_model {
            form.model.clone_from(&own.model);
            form.encoding.clone_from(&own.encoding);
            form.context_window.clone_from(&own.context_window);
            form.input_price.clone_from(&own.input_price);
            form.output_price.clone_from(&own.output_price);
        }
        if self.own_sampling {
            form.temperature.clone_from(&own.temperature);
            form.max_output_tokens.clone_from(&own.max_output_tokens);
        }
        if self.own_memory {
            form.memory.clone_from(&own.memory);
            form.context_budget.clone_from(&own.context_budget);
        }
        form
    }

    /// Checks the fields of the groups that are the conversation's own and returns its
    /// overrides, with the catalog entries to keep (a custom model's entry is kept with
    /// the defaults, like one added there).
    ///
    /// # Errors
    /// One [`FieldError`] per invalid field, in form order: only the conversation's own
    /// fields can be invalid, as the rest are the defaults'.
    pub fn validate(
        &self,
        defaults: &Settings,
    ) -> Result<(Overrides, Vec<ModelInfo>), Vec<FieldError>> {
        let (settings, _) = self.resolved_form(defaults).validate()?;
        let overrides = Overrides {
            system_prompt: self.own_prompt.then(|| settings.system_prompt.clone()),
            model: self.own_model.then(|| settings.model.clone()),
            temperature: self.own_sampling.then_some(settings.temperature),
            max_output_tokens: self
                .own_sampling
                .then_some(settings.max_output_tokens.unwrap_or(0)),
            memory: self.own_memory.then_some(settings.memory),
            context_budget: self.own_memory.then_some(settings.context_budget),
        };
        Ok((overrides, settings.custom_models))
    }
}

#[cfg(test)]
mod tests;
