//! Memory settings: the strategy and the context budget.

use leptos::prelude::*;

use super::settings_dialog::field_error;
use crate::core::memory::MemoryStrategy;
use crate::core::meter::budget_meaning;
use crate::core::settings::{FieldError, SettingsForm};

/// A select of the memory strategies and the context budget in tokens.
#[component]
pub fn MemoryField(
    /// The settings form being edited.
    form: RwSignal<SettingsForm>,
    /// Put before every element id, so that two dialogs can show the field at once.
    #[prop(optional)]
    prefix: &'static str,
    /// The problems found by the last Save.
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    view! {
        <div class="field inline">
            <label for=format!("{prefix}memory")>"Memory"</label>
            <select id=format!("{prefix}memory") prop:value=move || form.with(|f| f.memory.clone())
                on:change=move |ev| form.update(|f| f.memory = event_target_value(&ev))>
                {MemoryStrategy::ALL.iter().map(|s| view! { <option value=s.key()>{s.label()}</option> }).collect_view()}
            </select>
            <label for=format!("{prefix}context-budget")>"Context budget"</label>
            <input id=format!("{prefix}context-budget") type="text" inputmode="numeric" aria-describedby=format!("{prefix}context-budget-help {prefix}context-budget-error")
                prop:value=move || form.with(|f| f.context_budget.clone())
                on:input=move |ev| form.update(|f| f.context_budget = event_target_value(&ev)) />
            <p id=format!("{prefix}context-budget-help") class="help">
                "Most tokens a request may send. "
                {move || form.with(|f| MemoryStrategy::from_key(&f.memory).map(budget_meaning))}
                {move || form.with(|f| f.memory == MemoryStrategy::Summary.key()).then_some(" Summarising costs one extra call.")}
            </p>
            <p id=format!("{prefix}context-budget-error") class="field-error">{field_error(errors, "Context budget")}</p>
        </div>
    }
}
