//! The settings of the open conversation: a system prompt, model, sampling and memory of
//! its own, each group either the conversation's or the defaults.

use leptos::ev::SubmitEvent;
use leptos::html::Dialog;
use leptos::prelude::*;

use super::memory_field::MemoryField;
use super::model_field::ModelField;
use super::prompt_field::PromptField;
use super::sampling_field::SamplingField;
use crate::core::settings::{FieldError, Overrides, OverridesForm, SettingsForm};
use crate::state::ChatState;

/// Element ids in this dialog start with this, apart from the defaults' dialog.
const PREFIX: &str = "chat-";

/// Which groups of fields are the conversation's own.
#[derive(Clone, Copy)]
struct Own {
    prompt: RwSignal<bool>,
    model: RwSignal<bool>,
    sampling: RwSignal<bool>,
    memory: RwSignal<bool>,
}

/// The dialog's fields and ticks as one form.
fn filled(form: RwSignal<SettingsForm>, own: Own) -> OverridesForm {
    OverridesForm {
        form: form.get_untracked(),
        own_prompt: own.prompt.get_untracked(),
        own_model: own.model.get_untracked(),
        own_sampling: own.sampling.get_untracked(),
        own_memory: own.memory.get_untracked(),
    }
}

/// A modal dialog over the open conversation's own settings; Save applies them to it
/// alone, "Use the defaults" drops them all.
#[component]
pub fn ChatSettingsDialog(
    /// Whether the dialog is open.
    open: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let dialog = NodeRef::<Dialog>::new();
    let form = RwSignal::new(SettingsForm::default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let own = Own {
        prompt: RwSignal::new(false),
        model: RwSignal::new(false),
        sampling: RwSignal::new(false),
        memory: RwSignal::new(false),
    };
    let fill = move |overrides: &Overrides| {
        let filled = state
            .settings
            .with_untracked(|d| OverridesForm::new(d, overrides));
        form.set(filled.form);
        own.prompt.set(filled.own_prompt);
        own.model.set(filled.own_model);
        own.sampling.set(filled.own_sampling);
        own.memory.set(filled.own_memory);
    };
    Effect::new(move |_| {
        let is_open = open.get();
        let Some(d) = dialog.get() else { return };
        if is_open && !d.open() {
            fill(&state.conversation.with_untracked(|c| c.overrides.clone()));
            errors.set(Vec::new());
            let _ = d.show_modal();
        } else if !is_open && d.open() {
            d.close();
        }
    });
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        match state
            .settings
            .with_untracked(|d| filled(form, own).validate(d))
        {
            Ok((overrides, custom_models)) => {
                state.apply_overrides(overrides, custom_models);
                open.set(false);
            }
            Err(found) => errors.set(found),
        }
    };
    let use_defaults = move |_| {
        let custom = state.settings.with_untracked(|s| s.custom_models.clone());
        state.apply_overrides(Overrides::default(), custom);
        open.set(false);
    };
    // Unticking a group shows the defaults again.
    let toggle = move |flag: RwSignal<bool>, checked: bool| {
        flag.set(checked);
        if !checked {
            let resolved = state
                .settings
                .with_untracked(|d| filled(form, own).resolved_form(d));
            form.set(resolved);
        }
    };
    let group = move |flag: RwSignal<bool>, label: &'static str| {
        view! {
            <label class="check own">
                <input type="checkbox" prop:checked=move || flag.get()
                    on:change=move |ev| toggle(flag, event_target_checked(&ev)) />
                {label}
            </label>
        }
    };
    view! {
        <dialog node_ref=dialog class="settings" aria-labelledby="chat-settings-title" on:close=move |_| open.set(false)
            on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { super::focus_trap::trap_tab(&d, &ev) }>
            <Show when=move || open.get()>
                <form on:submit=save novalidate>
                    <h2 id="chat-settings-title">"Chat settings"</h2>
                    <p class="help">"For this chat only. What is not ticked follows the defaults in Settings."</p>
                    {group(own.prompt, "Own system prompt")}
                    <fieldset prop:disabled=move || !own.prompt.get()>
                        <PromptField form=form prefix=PREFIX />
                    </fieldset>
                    {group(own.model, "Own model")}
                    <fieldset prop:disabled=move || !own.model.get()>
                        <ModelField form=form errors=errors prefix=PREFIX />
                    </fieldset>
                    {group(own.sampling, "Own temperature and output limit")}
                    <fieldset prop:disabled=move || !own.sampling.get()>
                        <SamplingField form=form errors=errors prefix=PREFIX />
                    </fieldset>
                    {group(own.memory, "Own memory and budget")}
                    <fieldset prop:disabled=move || !own.memory.get()>
                        <MemoryField form=form errors=errors prefix=PREFIX />
                    </fieldset>
                    <div class="actions">
                        <button type="button" on:click=use_defaults>"Use the defaults"</button>
                        <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        <button type="submit" class="primary">"Save"</button>
                    </div>
                </form>
            </Show>
        </dialog>
    }
}
