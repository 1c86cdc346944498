//! The system prompt, with presets to start from.

use leptos::prelude::*;

use crate::core::settings::{SettingsForm, PRESETS};

/// A preset picker and the system prompt text it fills in.
#[component]
pub fn PromptField(
    /// The settings form being edited.
    form: RwSignal<SettingsForm>,
    /// Put before every element id, so that two dialogs can show the field at once.
    #[prop(optional)]
    prefix: &'static str,
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
            <label for=format!("{prefix}preset")>"Preset"</label>
            <select id=format!("{prefix}preset") prop:value=selected on:change=on_change>
                <option value="">"Custom"</option>
                {PRESETS
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| view! { <option value=i.to_string()>{*name}</option> })
                    .collect_view()}
            </select>
            <label for=format!("{prefix}system-prompt")>"System prompt"</label>
            <textarea id=format!("{prefix}system-prompt") rows="5"
                prop:value=move || form.with(|f| f.system_prompt.clone())
                on:input=move |ev| form.update(|f| f.system_prompt = event_target_value(&ev))></textarea>
        </div>
    }
}
