//! The model picker: the common models, or any model id typed in.

use leptos::prelude::*;

use super::settings_dialog::field_error;
use crate::core::settings::{FieldError, SettingsForm, MODELS};

const CUSTOM: &str = "__custom";

/// A select of [`MODELS`] plus "Custom…", which reveals a text field for any model id.
#[component]
pub fn ModelField(
    /// The settings form being edited.
    form: RwSignal<SettingsForm>,
    /// The problems found by the last Save.
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let custom_chosen = RwSignal::new(false);
    let is_custom =
        move || custom_chosen.get() || form.with(|f| !MODELS.contains(&f.model.as_str()));
    let selected = move || {
        if is_custom() {
            CUSTOM.to_string()
        } else {
            form.with(|f| f.model.clone())
        }
    };
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        custom_chosen.set(value == CUSTOM);
        if value != CUSTOM {
            form.update(|f| f.model = value);
        }
    };
    view! {
        <div class="field">
            <label for="model">"Model"</label>
            <select id="model" prop:value=selected on:change=on_change aria-describedby="model-error">
                {MODELS.iter().map(|m| view! { <option value=*m>{*m}</option> }).collect_view()}
                <option value=CUSTOM>"Custom…"</option>
            </select>
            <Show when=is_custom>
                <input type="text" aria-label="Custom model" placeholder="Model id, such as gpt-4.1-mini" spellcheck="false"
                    prop:value=move || form.with(|f| f.model.clone())
                    on:input=move |ev| form.update(|f| f.model = event_target_value(&ev)) />
            </Show>
            <Show when=move || form.with(|f| f.is_custom_model())>
                <div class="row">
                    <label for="encoding">"Encoding"</label>
                    <select id="encoding" prop:value=move || form.with(|f| f.encoding.clone())
                        on:change=move |ev| form.update(|f| f.encoding = event_target_value(&ev))>
                        <option value="o200k_base">"o200k_base (gpt-4o and later)"</option>
                        <option value="cl100k_base">"cl100k_base (gpt-4, gpt-3.5)"</option>
                    </select>
                    <label for="context-window">"Context window"</label>
                    <input id="context-window" type="text" inputmode="numeric"
                        prop:value=move || form.with(|f| f.context_window.clone())
                        on:input=move |ev| form.update(|f| f.context_window = event_target_value(&ev)) />
                </div>
                <div class="row">
                    <label for="input-price">"Input price"</label>
                    <input id="input-price" type="text" inputmode="decimal" placeholder="$ per 1M tokens"
                        prop:value=move || form.with(|f| f.input_price.clone())
                        on:input=move |ev| form.update(|f| f.input_price = event_target_value(&ev)) />
                    <label for="output-price">"Output price"</label>
                    <input id="output-price" type="text" inputmode="decimal" placeholder="$ per 1M tokens"
                        prop:value=move || form.with(|f| f.output_price.clone())
                        on:input=move |ev| form.update(|f| f.output_price = event_target_value(&ev)) />
                </div>
                <p class="field-error">
                    {field_error(errors, "Context window")} " " {field_error(errors, "Input price")} " " {field_error(errors, "Output price")}
                </p>
            </Show>
            <p id="model-error" class="field-error">{field_error(errors, "Model")}</p>
        </div>
    }
}
