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
    /// Put before every element id, so that two dialogs can show the field at once.
    #[prop(optional)]
    prefix: &'static str,
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
            <label for=format!("{prefix}model")>"Model"</label>
            <select id=format!("{prefix}model") prop:value=selected on:change=on_change aria-describedby=format!("{prefix}model-error")>
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
                    <label for=format!("{prefix}encoding")>"Encoding"</label>
                    <select id=format!("{prefix}encoding") prop:value=move || form.with(|f| f.encoding.clone())
                        on:change=move |ev| form.update(|f| f.encoding = event_target_value(&ev))>
                        <option value="o200k_base">"o200k_base (gpt-4o and later)"</option>
                        <option value="cl100k_base">"cl100k_base (gpt-4, gpt-3.5)"</option>
                    </select>
                    <label for=format!("{prefix}context-window")>"Context window"</label>
                    <input id=format!("{prefix}context-window") type="text" inputmode="numeric"
                        prop:value=move || form.with(|f| f.context_window.clone())
                        on:input=move |ev| form.update(|f| f.context_window = event_target_value(&ev)) />
                </div>
                <div class="row">
                    <label for=format!("{prefix}input-price")>"Input price"</label>
                    <input id=format!("{prefix}input-price") type="text" inputmode="decimal" placeholder="$ per 1M tokens"
                        prop:value=move || form.with(|f| f.input_price.clone())
                        on:input=move |ev| form.update(|f| f.input_price = event_target_value(&ev)) />
                    <label for=format!("{prefix}output-price")>"Output price"</label>
                    <input id=format!("{prefix}output-price") type="text" inputmode="decimal" placeholder="$ per 1M tokens"
                        prop:value=move || form.with(|f| f.output_price.clone())
                        on:input=move |ev| form.update(|f| f.output_price = event_target_value(&ev)) />
                </div>
                <p class="field-error">
                    {field_error(errors, "Context window")} " " {field_error(errors, "Input price")} " " {field_error(errors, "Output price")}
                </p>
            </Show>
            <p id=format!("{prefix}model-error") class="field-error">{field_error(errors, "Model")}</p>
        </div>
    }
}
