//! The user's settings, their defaults, and validation of the settings form.

use serde::{Deserialize, Serialize};

use super::memory::{Budget, MemoryStrategy};
use super::models::{self, ModelInfo};
use super::tokens::Encoding;

/// Tokens kept free for the reply when "Max output tokens" is empty.
pub const DEFAULT_REPLY_RESERVE: u32 = 1_024;

/// How long a reply may send nothing before it counts as stalled.
pub const DEFAULT_STALL_TIMEOUT_SECS: u32 = 60;

/// The context budget a new user starts with.
pub const DEFAULT_CONTEXT_BUDGET: u32 = 16_000;

/// OpenAI's own endpoint; any OpenAI-compatible base URL works in its place.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// Models offered in the settings dialog; any other id can be typed in.
pub const MODELS: &[&str] = &["gpt-4o-mini", "gpt-4o", "gpt-4.1"];

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: DEFAULT_BASE_URL.into(),
            model: MODELS[0].into(),
            temperature: 0.7,
            max_output_tokens: None,
            system_prompt: PRESETS[0].1.into(),
            remember_key: false,
            memory: MemoryStrategy::default(),
            context_budget: DEFAULT_CONTEXT_BUDGET,
            custom_models: Vec::new(),
            stall_timeout_secs: DEFAULT_STALL_TIMEOUT_SECS,
        }
    }
}

impl Settings {
    /// Whether the base URL is OpenAI's own, which always needs a key.
    pub fn uses_openai(&self) -> bool {
        self.base_url.trim().trim_end_matches('/') == DEFAULT_BASE_URL
    }

    /// Whether the app cannot send yet and should open the settings by itself:
    /// OpenAI's endpoint with no key (a proxy may need none).
    pub fn needs_setup(&self, api_key: &str) -> bool {
        self.uses_openai() && api_key.trim().is_empty()
    }

    /// What is known about the selected model.
    pub fn model_info(&self) -> ModelInfo {
        models::resolve(&self.model, &self.custom_models)
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
            out.push(format!("temperature {t}"));
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

/// The settings dialog's fields as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsForm {
    pub api_key: String,
    pub remember_key: bool,
    pub base_url: String,
    pub model: String,
    pub temperature: String,
    pub max_output_tokens: String,
    pub system_prompt: String,
    /// A [`MemoryStrategy::key`].
    pub memory: String,
    pub context_budget: String,
    /// For a model outside the catalog: its encoding's name and its context window.
    pub encoding: String,
    pub context_window: String,
    /// For a model outside the catalog: US dollars per million prompt and reply tokens.
    pub input_price: String,
    pub output_price: String,
    pub stall_timeout: String,
    /// The custom entries, carried through unchanged except for the selected model.
    pub custom_models: Vec<ModelInfo>,
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
        let info = settings.model_info();
        SettingsForm {
            api_key: api_key.to_string(),
            remember_key: settings.remember_key,
            base_url: settings.base_url.clone(),
            model: settings.model.clone(),
            temperature: settings.temperature.to_string(),
            max_output_tokens: settings
                .max_output_tokens
                .map(|n| n.to_string())
                .unwrap_or_default(),
            system_prompt: settings.system_prompt.clone(),
            memory: settings.memory.key().to_string(),
            context_budget: settings.context_budget.to_string(),
            encoding: info.encoding.name().to_string(),
            context_window: info.context_window.to_string(),
            input_price: info.input_per_million.to_string(),
            output_price: info.output_per_million.to_string(),
            stall_timeout: settings.stall_timeout_secs.to_string(),
            custom_models: settings.custom_models.clone(),
        }
    }

    /// Whether the model typed in is one Mnemo does not know (so its encoding and
    /// window are the user's to set).
    pub fn is_custom_model(&self) -> bool {
        models::lookup(&self.model, &[]).is_none()
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
        }
        let model = self.model.trim().to_string();
        if model.is_empty() || model.contains(char::is_whitespace) {
            errors.push(FieldError {
                field: "Model",
                message: "Enter a model id without spaces, such as gpt-4o-mini.".into(),
            });
        }
        let temperature = match self.temperature.trim().parse::<f32>() {
            Ok(t) if (0.0..=2.0).contains(&t) => t,
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
            let window = match self
                .context_window
                .trim()
                .replace([',', '_', ' '], "")
                .parse::<u32>()
            {
                Ok(n) if n >= 256 => n,
                _ => {
                    errors.push(FieldError {
                        field: "Context window",
                        message: "Enter the model's context window in tokens (for example 128000)."
                            .into(),
                    });
                    128_000
                }
            };
            let mut price = |text: &str, field: &'static str| match text.trim() {
                "" => 0.0,
                text => match text.trim_start_matches('$').parse::<f64>() {
                    Ok(p) if p.is_finite() && p >= 0.0 => p,
                    _ => {
                        errors.push(FieldError {
                            field,
                            message: "Enter a price in US dollars per million tokens (for example 0.15), or leave it empty.".into(),
                        });
                        0.0
                    }
                },
            };
            let input_per_million = price(&self.input_price, "Input price");
            let output_per_million = price(&self.output_price, "Output price");
            let entry = ModelInfo {
                id: model.clone(),
                context_window: window,
                encoding: Encoding::from_name(&self.encoding).unwrap_or(Encoding::O200kBase),
                input_per_million,
                output_per_million,
            };
            custom_models.retain(|m| m.id != model);
            custom_models.push(entry);
        }
        let api_key = self.api_key.trim().to_string();
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
        };
        if errors.is_empty() && settings.needs_setup(&api_key) {
            errors.push(FieldError {
                field: "API key",
                message: "Paste your OpenAI API key (it starts with sk-), or set the Base URL of a proxy that needs none.".into(),
            });
        }
        if errors.is_empty() {
            Ok((settings, api_key))
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm::from_settings(&Settings::default(), "sk-test")
    }

    #[test]
    fn defaults_round_trip_through_the_form() {
        let (settings, key) = form().validate().unwrap();
        assert_eq!(settings, Settings::default());
        assert_eq!(key, "sk-test");
    }

    #[test]
    fn openai_without_a_key_needs_setup_but_a_proxy_does_not() {
        let mut f = form();
        f.api_key = " ".into();
        assert_eq!(f.validate().unwrap_err()[0].field, "API key");
        f.base_url = "http://127.0.0.1:8787/v1/".into();
        let (settings, key) = f.validate().unwrap();
        assert_eq!(settings.base_url, "http://127.0.0.1:8787/v1");
        assert_eq!(key, "");
        assert!(!settings.needs_setup(&key));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = SettingsForm {
            api_key: "k".into(),
            base_url: "ftp://x".into(),
            model: "gpt 4".into(),
            temperature: "3".into(),
            max_output_tokens: "-5".into(),
            ..form()
        };
        let fields: Vec<_> = f.validate().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["Base URL", "Model", "Temperature", "Max output tokens"]
        );
    }

    #[test]
    fn empty_max_output_tokens_means_none() {
        let mut f = form();
        f.max_output_tokens = "  ".into();
        assert_eq!(f.validate().unwrap().0.max_output_tokens, None);
        f.max_output_tokens = "512".into();
        assert_eq!(f.validate().unwrap().0.max_output_tokens, Some(512));
    }

    #[test]
    fn memory_and_budget_are_read_from_the_form() {
        let mut f = form();
        f.memory = "summary".into();
        f.context_budget = "1,000".into();
        let (s, _) = f.validate().unwrap();
        assert_eq!(s.memory, MemoryStrategy::Summary);
        assert_eq!(s.context_budget, 1_000);
        f.context_budget = "lots".into();
        assert_eq!(f.validate().unwrap_err()[0].field, "Context budget");
    }

    #[test]
    fn an_unknown_model_gets_a_custom_entry_with_the_chosen_encoding() {
        let mut f = form();
        f.model = "my-proxy-model".into();
        assert!(f.is_custom_model());
        f.encoding = "cl100k_base".into();
        f.context_window = "32000".into();
        let (s, _) = f.validate().unwrap();
        let info = s.model_info();
        assert_eq!(
            (info.encoding, info.context_window),
            (Encoding::Cl100kBase, 32_000)
        );
        assert_eq!(s.budget().limit(), DEFAULT_CONTEXT_BUDGET);
        // Editing it again replaces the entry instead of adding another.
        let mut again = SettingsForm::from_settings(&s, "k");
        again.context_window = "8000".into();
        let (s, _) = again.validate().unwrap();
        assert_eq!(s.custom_models.len(), 1);
        assert_eq!(s.budget().limit(), 8_000 - DEFAULT_REPLY_RESERVE);
    }

    #[test]
    fn presets_have_names_and_prompts() {
        assert_eq!(PRESETS.len(), 4);
        assert!(PRESETS.iter().all(|(n, p)| !n.is_empty() && !p.is_empty()));
        assert_eq!(
            Settings::default().system_prompt,
            "You are a helpful assistant."
        );
    }

    fn summary_defaults() -> Settings {
        Settings {
            model: "gpt-4o".into(),
            memory: MemoryStrategy::SlidingWindow,
            ..Settings::default()
        }
    }

    #[test]
    fn a_conversation_without_overrides_uses_the_defaults() {
        let defaults = summary_defaults();
        assert_eq!(defaults.with_overrides(&Overrides::default()), defaults);
        let (overrides, _) = OverridesForm::new(&defaults, &Overrides::default())
            .validate(&defaults)
            .unwrap();
        assert!(overrides.is_empty());
    }

    #[test]
    fn own_groups_become_overrides_and_the_rest_follows_the_defaults() {
        let defaults = summary_defaults();
        let mut form = OverridesForm::new(&defaults, &Overrides::default());
        form.own_model = true;
        form.form.model = "gpt-4.1".into();
        form.own_memory = true;
        form.form.memory = "summary".into();
        form.form.context_budget = "2,000".into();
        // Not own: ignored even though changed.
        form.form.temperature = "1.5".into();
        let (overrides, _) = form.validate(&defaults).unwrap();
        assert_eq!(overrides.model.as_deref(), Some("gpt-4.1"));
        assert_eq!(overrides.memory, Some(MemoryStrategy::Summary));
        assert_eq!(overrides.context_budget, Some(2_000));
        assert_eq!(overrides.temperature, None);
        assert_eq!(overrides.system_prompt, None);
        let effective = defaults.with_overrides(&overrides);
        assert_eq!(effective.model, "gpt-4.1");
        assert_eq!(effective.temperature, defaults.temperature);
        assert_eq!(effective.budget().context_budget, 2_000);
        // The form opens again as it was saved.
        let again = OverridesForm::new(&defaults, &overrides);
        assert!(again.own_model && again.own_memory && !again.own_sampling && !again.own_prompt);
        assert_eq!(again.form.model, "gpt-4.1");
    }

    #[test]
    fn only_own_fields_can_be_wrong() {
        let defaults = summary_defaults();
        let mut form = OverridesForm::new(&defaults, &Overrides::default());
        form.form.temperature = "hot".into();
        assert!(
            form.validate(&defaults).is_ok(),
            "not own: the default applies"
        );
        form.own_sampling = true;
        let errors = form.validate(&defaults).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "Temperature");
    }

    #[test]
    fn an_own_output_limit_can_say_model_default() {
        let defaults = Settings {
            max_output_tokens: Some(500),
            ..Settings::default()
        };
        let mut form = OverridesForm::new(&defaults, &Overrides::default());
        form.own_sampling = true;
        form.form.max_output_tokens = String::new();
        let (overrides, _) = form.validate(&defaults).unwrap();
        assert_eq!(overrides.max_output_tokens, Some(0));
        assert_eq!(defaults.with_overrides(&overrides).max_output_tokens, None);
        assert_eq!(
            overrides.describe(),
            vec!["temperature 0.7".to_string(), "no output limit".to_string()]
        );
    }

    #[test]
    fn a_custom_model_of_a_conversation_adds_its_catalog_entry() {
        let defaults = Settings::default();
        let mut form = OverridesForm::new(&defaults, &Overrides::default());
        form.own_model = true;
        form.form.model = "my-local-llama".into();
        form.form.encoding = "cl100k_base".into();
        form.form.context_window = "8192".into();
        let (overrides, custom) = form.validate(&defaults).unwrap();
        assert_eq!(overrides.model.as_deref(), Some("my-local-llama"));
        assert!(custom
            .iter()
            .any(|m| m.id == "my-local-llama" && m.context_window == 8192));
    }

    #[test]
    fn overrides_serialise_only_what_is_set() {
        let overrides = Overrides {
            model: Some("gpt-4.1".into()),
            ..Overrides::default()
        };
        assert_eq!(
            serde_json::to_string(&overrides).unwrap(),
            r#"{"model":"gpt-4.1"}"#
        );
        let back: Overrides = serde_json::from_str(r#"{"model":"gpt-4.1"}"#).unwrap();
        assert_eq!(back, overrides);
    }
}
