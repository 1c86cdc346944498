//! Sampling settings: temperature and the most tokens a reply may have.

use leptos::prelude::*;

use super::settings_dialog::field_error;
use crate::core::openai::request::ReasoningEffort;
use crate::core::settings::{FieldError, SettingsForm};

/// The temperature and max output tokens fields.
#[component]
pub fn SamplingField(
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
            <label for=format!("{prefix}temperature")>"Temperature"</label>
            <input id=format!("{prefix}temperature") type="number" min="0" max="2" step="0.1" aria-describedby=format!("{prefix}temperature-error")
                prop:value=move || form.with(|f| f.temperature.clone())
                on:input=move |ev| form.update(|f| f.temperature = event_target_value(&ev)) />
            <label for=format!("{prefix}max-tokens")>"Max output tokens"</label>
            <input id=format!("{prefix}max-tokens") type="text" inputmode="numeric" placeholder="Model default" aria-describedby=format!("{prefix}temperature-error")
                prop:value=move || form.with(|f| f.max_output_tokens.clone())
                on:input=move |ev| form.update(|f| f.max_output_tokens = event_target_value(&ev)) />
            <Show when=move || form.with(SettingsForm::offers_reasoning_effort)>
                <label for=format!("{prefix}reasoning-effort")>"Reasoning effort"</label>
                <select id=format!("{prefix}reasoning-effort")
                    on:change=move |ev| form.update(|f| f.reasoning_effort = event_target_value(&ev))>
                    <option value="" prop:selected=move || form.with(|f| f.reasoning_effort.is_empty())>"Model default"</option>
                    {ReasoningEffort::ALL.into_iter().map(|e| view! {
                        <option value=e.name() prop:selected=move || form.with(|f| f.reasoning_effort == e.name())>{e.name()}</option>
                    }).collect_view()}
                </select>
            </Show>
            <p id=format!("{prefix}temperature-error") class="field-error">
                {field_error(errors, "Temperature")} " " {field_error(errors, "Max output tokens")}
            </p>
        </div>
    }
}
