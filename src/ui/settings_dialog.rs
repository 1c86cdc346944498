//! The settings dialog: key, endpoint, model, sampling and system prompt.

use leptos::ev::SubmitEvent;
use leptos::html::Dialog;
use leptos::prelude::*;

use super::memory_field::MemoryField;
use super::model_field::ModelField;
use super::prompt_field::PromptField;
use super::sampling_field::SamplingField;
use crate::core::servers::{self, SERVERS};
use crate::core::settings::{FieldError, SettingsForm};
use crate::state::endpoint::page_origin;
use crate::state::ChatState;

/// The message for `field`, if the last Save found it invalid.
pub fn field_error(
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy {
    move || {
        errors.with(|e| {
            e.iter()
                .find(|x| x.field == field)
                .map(|x| x.message.clone())
        })
    }
}

/// A modal dialog that edits a copy of the settings and applies it on Save.
#[component]
pub fn SettingsDialog() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let dialog = NodeRef::<Dialog>::new();
    let form = RwSignal::new(SettingsForm::default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let show_key = RwSignal::new(false);
    Effect::new(move |_| {
        let open = state.settings_open.get();
        let Some(d) = dialog.get() else { return };
        if open && !d.open() {
            form.set(SettingsForm::from_settings(
                &state.settings.get_untracked(),
                &state.api_key.get_untracked(),
            ));
            errors.set(Vec::new());
            let _ = d.show_modal();
        } else if !open && d.open() {
            d.close();
        }
    });
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        match form.get_untracked().validate() {
            Ok((settings, key)) => {
                state.apply_settings(settings, key);
                state.settings_open.set(false);
            }
            Err(found) => errors.set(found),
        }
    };
    let text = move |get: fn(&SettingsForm) -> &String| move || form.with(|f| get(f).clone());
    view! {
        <dialog node_ref=dialog class="settings" aria-labelledby="settings-title"
            on:close=move |_| { state.settings_open.set(false); state.settings_reason.set(None); }
            on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { super::focus_trap::trap_tab(&d, &ev) }>
            <form on:submit=save novalidate>
                <h2 id="settings-title">"Settings"</h2>
                {move || state.settings_reason.get().map(|why| view! { <p class="settings-reason" role="alert">{why}</p> })}
                <div class="field">
                    <label for="api-key">"API key"</label>
                    <div class="row">
                        <input id="api-key" type=move || if show_key.get() { "text" } else { "password" }
                            autocomplete="off" spellcheck="false" placeholder="sk-…"
                            aria-describedby="api-key-help api-key-error"
                            prop:value=text(|f| &f.api_key)
                            on:input=move |ev| form.update(|f| f.api_key = event_target_value(&ev)) />
                        <button type="button" aria-pressed=move || show_key.get().to_string() on:click=move |_| show_key.update(|s| *s = !*s)>
                            {move || if show_key.get() { "Hide key" } else { "Show key" }}
                        </button>
                    </div>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || form.with(|f| f.remember_key)
                            on:change=move |ev| form.update(|f| f.remember_key = event_target_checked(&ev)) />
                        "Remember on this device"
                    </label>
                    <p id="api-key-help" class="help">"Sent only to the Base URL. Unless remembered, it is forgotten when the page closes."</p>
                    <p id="api-key-error" class="field-error">{field_error(errors, "API key")}</p>
                </div>
                <div class="field">
                    <label for="server">"Server"</label>
                    <select id="server" aria-describedby="server-setup" prop:value=move || form.with(|f| f.server.clone())
                        on:change=move |ev| form.update(|f| f.choose_server(&event_target_value(&ev)))>
                        {SERVERS.iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
                    </select>
                    <p id="server-setup" class="help" data-testid="server-setup">
                        {move || form.with(|f| servers::find(&f.server).map(|s| s.setup_for(&page_origin())))}
                    </p>
                </div>
                <div class="field">
                    <label for="base-url">"Base URL"</label>
                    <input id="base-url" type="url" spellcheck="false" aria-describedby="base-url-help base-url-error"
                        prop:value=text(|f| &f.base_url)
                        on:input=move |ev| form.update(|f| f.type_base_url(event_target_value(&ev))) />
                    <p id="base-url-help" class="help">"Any OpenAI-compatible endpoint or proxy; a key is optional for a proxy."</p>
                    <p id="base-url-error" class="field-error">{field_error(errors, "Base URL")}</p>
                    <p class="help learned" data-testid="learned">
                        {move || form.with(|f| crate::core::settings::endpoint_of(&f.endpoints, &f.base_url).describe().join(" "))}
                    </p>
                </div>
                <ModelField form=form errors=errors />
                <SamplingField form=form errors=errors />
                <MemoryField form=form errors=errors />
                <div class="field inline">
                    <label for="stall-timeout">"Stall timeout"</label>
                    <input id="stall-timeout" type="text" inputmode="numeric" aria-describedby="stall-timeout-help"
                        prop:value=text(|f| &f.stall_timeout)
                        on:input=move |ev| form.update(|f| f.stall_timeout = event_target_value(&ev)) />
                    <p id="stall-timeout-help" class="help">"Seconds without any data before a reply counts as stalled."</p>
                    <p class="field-error">{field_error(errors, "Stall timeout")}</p>
                    <p class="help" data-testid="persistence">
                        {move || match state.persisted.get() {
                            Some(true) => "Persistent storage: granted — the browser will not clear Mnemo's data to free space.",
                            Some(false) => "Persistent storage: not granted — the browser may clear Mnemo's data when space runs low; export regularly.",
                            None => "Persistent storage: unknown in this browser.",
                        }}
                    </p>
                </div>
                <PromptField form=form />
                <div class="actions">
                    <button type="button" on:click=move |_| state.settings_open.set(false)>"Cancel"</button>
                    <button type="submit" class="primary">"Save"</button>
                </div>
            </form>
        </dialog>
    }
}
