//! The model picker: which models it offers, in which groups, and what the form becomes
//! when one is chosen.

use super::SettingsForm;
use crate::core::models::{self, Family, ModelInfo};
use crate::core::tokens::Encoding;

/// The picker's value for "Custom…": any model id, typed in.
pub const CUSTOM_MODEL: &str = "__custom";

/// The label of the picker's group of the user's own models.
pub const YOUR_MODELS: &str = "Your models";

/// The label of the picker's group of the models the server listed.
pub const SERVER_MODELS: &str = "From the server";

/// The presets whose servers offer OpenAI's own models under their names, so the
/// catalog is offered for them.
const CATALOG_SERVERS: &[&str] = &["openai", "azure", "litellm", "custom"];

/// One group of the picker (an `<optgroup>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelGroup {
    pub label: &'static str,
    pub models: Vec<String>,
}

/// What the picker offers: every catalog model, by family, then the models the user
/// described (`custom`, once each, in the order saved); "Custom…" comes after them.
pub fn model_groups(custom: &[ModelInfo]) -> Vec<ModelGroup> {
    let mut groups: Vec<ModelGroup> = Family::ALL
        .into_iter()
        .map(|family| ModelGroup {
            label: family.label(),
            models: models::family_models(family).map(String::from).collect(),
        })
        .collect();
    let mut yours: Vec<String> = Vec::new();
    for m in custom {
        let catalog = groups.iter().any(|g| g.models.contains(&m.id));
        if !catalog && !m.id.trim().is_empty() && !yours.contains(&m.id) {
            yours.push(m.id.clone());
        }
    }
    if !yours.is_empty() {
        groups.push(ModelGroup {
            label: YOUR_MODELS,
            models: yours,
        });
    }
    groups
}

impl SettingsForm {
    /// The ids the endpoint of this form's Base URL listed, when it was asked.
    pub fn server_models(&self) -> Vec<String> {
        super::endpoint::endpoint_of(&self.endpoints, &self.base_url)
            .models
            .into_iter()
            .map(|m| m.id)
            .collect()
    }

    /// What the picker offers for this form's server: the server's own list (those
    /// whose id or name holds `query`, accents and case aside, and always the chosen
    /// one), the catalog for servers that serve OpenAI's models, then the user's own.
    pub fn picker_groups(&self, query: &str) -> Vec<ModelGroup> {
        let query = crate::core::search::fold::fold(query.trim());
        let listed: Vec<String> = self
            .server_models()
            .into_iter()
            .filter(|id| {
                query.is_empty()
                    || *id == self.model
                    || crate::core::search::fold::fold(id).contains(&query)
            })
            .collect();
        let catalog = CATALOG_SERVERS.contains(&self.server.as_str()) || self.server.is_empty();
        let mut groups = model_groups(&self.custom_models);
        if !catalog {
            groups.retain(|g| g.label == YOUR_MODELS);
        }
        if let Some(yours) = groups.iter_mut().find(|g| g.label == YOUR_MODELS) {
            yours.models.retain(|m| !listed.contains(m));
        }
        groups.retain(|g| !g.models.is_empty());
        if !listed.is_empty() {
            groups.insert(
                0,
                ModelGroup {
                    label: SERVER_MODELS,
                    models: listed,
                },
            );
        }
        groups
    }

    /// The picker's value for this form: the model, when the picker offers it and it
    /// was not typed in; [`CUSTOM_MODEL`] otherwise.
    pub fn model_choice(&self) -> String {
        let offered = self
            .picker_groups("")
            .iter()
            .any(|g| g.models.contains(&self.model));
        if self.model_typed || !offered {
            CUSTOM_MODEL.to_string()
        } else {
            self.model.clone()
        }
    }

    /// Takes the picker's `choice`. A model brings what is known about it (the user's
    /// own entry for one of theirs); "Custom…" starts blank, so that a model nobody
    /// described never borrows the window or prices of the one chosen before.
    pub fn choose_model(&mut self, choice: &str) {
        if choice == CUSTOM_MODEL {
            self.model_typed = true;
            self.model.clear();
            self.encoding = Encoding::O200kBase.name().to_string();
            self.context_window.clear();
            self.input_price.clear();
            self.output_price.clear();
        } else {
            self.model_typed = false;
            self.model = choice.to_string();
            let endpoint = super::endpoint::endpoint_of(&self.endpoints, &self.base_url);
            let info = models::resolve(
                choice,
                &super::endpoint::known_models(&self.custom_models, &endpoint),
            );
            self.show_model_facts(&info);
        }
    }
}
