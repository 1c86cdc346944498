//! The model picker: which models it offers, in which groups, and what the form becomes
//! when one is chosen.

use super::SettingsForm;
use crate::core::models::{self, Family, ModelInfo};
use crate::core::tokens::Encoding;

/// The picker's value for "Custom…": any model id, typed in.
pub const CUSTOM_MODEL: &str = "__custom";

/// The label of the picker's group of the user's own models.
pub const YOUR_MODELS: &str = "Your models";

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
    /// The picker's value for this form: the model, when the picker offers it and it
    /// was not typed in; [`CUSTOM_MODEL`] otherwise.
    pub fn model_choice(&self) -> String {
        let offered = model_groups(&self.custom_models)
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
            let info = models::resolve(choice, &self.custom_models);
            self.show_model_facts(&info);
        }
    }
}
