//! The system prompt, with presets to start from.

use leptos::prelude::*;

use crate::core::settings::{SettingsForm, PRESETS};

/// A preset picker and the system prompt text it fills in.
#[component]
pub fn PromptField(
    /// The settings form being edited.
    form: RwSignal<SettingsForm>,
) -> impl IntoView {
    let selected = move || {
        form.with(|f| {
            PRESETS
                .iter()
                .position(|(_, prompt)| *prompt == f.system_prompt)
                .map(|i| i.to_string())
                .unwrap_or_default()
        })
    };
    let on_change = move |ev| {
        if let Some((_, prompt)) = event_target_value(&ev)
            .parse::<usize>()
            .ok()
            .and_then(|i| PRESETS.get(i))
        {
            form.update(|f| f.system_prompt = (*prompt).to_string());
        }
    };
    view! {
        <div class="field">
            <label for="preset">"Preset"</label>
            <select id="preset" prop:value=selected on:change=on_change>
                <option value="">"Custom"</option>
                {PRESETS
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| view! { <option value=i.to_string()>{*name}</option> })
                    .collect_view()}
            </select>
            <label for="system-prompt">"System prompt"</label>
            <textarea id="system-prompt" rows="5"
                prop:value=move || form.with(|f| f.system_prompt.clone())
                on:input=move |ev| form.update(|f| f.system_prompt = event_target_value(&ev))></textarea>
        </div>
    }
}
