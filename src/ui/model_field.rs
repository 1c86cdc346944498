//! The model picker: every model Mnemo knows and the user's own, or any model id typed in.

use leptos::prelude::*;

use leptos::task::spawn_local;

use super::settings_dialog::field_error;
use crate::core::servers::{self, learned};
use crate::core::settings::{FieldError, SettingsForm, CUSTOM_MODEL};
use crate::core::stats::format_count;
use crate::state::endpoint::fetch_models;
use crate::state::ChatState;

/// A select of the models by group (the catalog's families, then "Your models") plus
/// "Custom…", which reveals a text field for any model id; a model Mnemo does not know
/// also gets fields for its encoding, window and prices.
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
    // Plain closures, not memos: a memo of a new type costs the app shell more code than
    // working these out again on a keystroke costs time.
    let choice = move || form.with(SettingsForm::model_choice);
    // Each option says whether it is chosen, so the choice survives the options being
    // drawn again (a model saved in the other dialog joins "Your models").
    let option = move |value: String, label: String| {
        let chosen = value.clone();
        view! { <option value=value prop:selected=move || choice() == chosen>{label}</option> }
    };
    let query = RwSignal::new(String::new());
    let listed = move || form.with(|f| f.server_models().len());
    let (status, load) = model_loader(form);
    view! {
        <div class="field">
            <label for=format!("{prefix}model")>"Model"</label>
            <Show when=move || { listed() > 8 }>
                <input type="search" class="model-search" aria-label="Search models" placeholder="Search the server's models"
                    spellcheck="false" prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev)) />
            </Show>
            <select id=format!("{prefix}model") prop:value=choice
                on:change=move |ev| form.update(|f| f.choose_model(&event_target_value(&ev)))
                aria-describedby=format!("{prefix}model-error {prefix}model-status")>
                {move || form.with(|f| f.picker_groups(&query.get())).into_iter().map(|g| view! {
                    <optgroup label=g.label>
                        {g.models.into_iter().map(|m| option(m.clone(), m)).collect_view()}
                    </optgroup>
                }).collect_view()}
                {option(CUSTOM_MODEL.to_string(), "Custom…".to_string())}
            </select>
            <Show when=move || choice() == CUSTOM_MODEL>
                <input type="text" aria-label="Custom model" placeholder="Model id, such as llama-3.1-8b-instruct" spellcheck="false"
                    prop:value=move || form.with(|f| f.model.clone())
                    on:input=move |ev| form.update(|f| f.model = event_target_value(&ev)) />
            </Show>
            <Show when=move || form.with(SettingsForm::is_custom_model)>
                <CustomModelFacts form=form errors=errors />
            </Show>
            <div class="row model-list">
                <button type="button" on:click=move |_| load()>
                    {move || if listed() > 0 { "Refresh models" } else { "Load the server's models" }}
                </button>
                <p id=format!("{prefix}model-status") class="help" role="status">{move || status.get()}</p>
            </div>
            <p id=format!("{prefix}model-error") class="field-error">{field_error(errors, "Model")}</p>
        </div>
    }
}

/// What the last model list request said, and the action that asks the form's server
/// for its models (kept with its endpoint, in the form and in the stored settings).
fn model_loader(form: RwSignal<SettingsForm>) -> (RwSignal<String>, impl Fn() + Copy) {
    let state = expect_context::<ChatState>();
    let status = RwSignal::new(String::new());
    let load = move || {
        let (base, server, key) = form.with_untracked(|f| {
            (
                f.base_url.clone(),
                servers::find(&f.server).unwrap_or_else(|| servers::detect(&f.base_url)),
                f.api_key.clone(),
            )
        });
        status.set("Asking the server for its models…".into());
        spawn_local(async move {
            match fetch_models(&base, server, &key).await {
                Ok(list) => {
                    status.set(format!(
                        "{} models from the server.",
                        format_count(list.len() as u32)
                    ));
                    let keep = move |e: &mut learned::Endpoint| e.models = list;
                    let mut endpoints = form.with_untracked(|f| f.endpoints.clone());
                    learned::update(&mut endpoints, &base, keep.clone());
                    form.update(|f| f.endpoints = endpoints);
                    state.change_endpoint(&base, keep);
                }
                Err(why) => status.set(format!("The model list could not be loaded: {why}")),
            }
        });
    };
    (status, load)
}

/// The facts of a model Mnemo does not know: its encoding, context window and prices.
/// Empty prices mean "not known", and its cost is then shown as unknown.
#[component]
fn CustomModelFacts(
    /// The settings form being edited.
    form: RwSignal<SettingsForm>,
    /// The problems found by the last Save.
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let text = move |get: fn(&SettingsForm) -> &String| move || form.with(|f| get(f).clone());
    // Each label holds its control (fewer elements, no ids to keep apart), one under the
    // other: nothing to overflow a narrow dialog.
    view! {
        <div class="model-custom">
            <label class="field">"Encoding"
                <select prop:value=text(|f| &f.encoding)
                    on:change=move |ev| form.update(|f| f.encoding = event_target_value(&ev))>
                    <option value="o200k_base">"o200k_base (gpt-4o and later)"</option>
                    <option value="cl100k_base">"cl100k_base (gpt-4, gpt-3.5)"</option>
                </select>
            </label>
            <label class="field">"Context window (tokens)"
                <input type="text" inputmode="numeric" placeholder="128000" prop:value=text(|f| &f.context_window)
                    on:input=move |ev| form.update(|f| f.context_window = event_target_value(&ev)) />
            </label>
            <label class="field">"Input price ($ per 1M tokens)"
                <input type="text" inputmode="decimal" placeholder="unknown" prop:value=text(|f| &f.input_price)
                    on:input=move |ev| form.update(|f| f.input_price = event_target_value(&ev)) />
            </label>
            <label class="field">"Output price ($ per 1M tokens)"
                <input type="text" inputmode="decimal" placeholder="unknown" prop:value=text(|f| &f.output_price)
                    on:input=move |ev| form.update(|f| f.output_price = event_target_value(&ev)) />
            </label>
            <p class="field-error">
                {field_error(errors, "Context window")} " " {field_error(errors, "Input price")} " " {field_error(errors, "Output price")}
            </p>
        </div>
    }
}
