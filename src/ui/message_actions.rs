//! The actions under a message: copy, edit, regenerate, delete, pin, details, and the
//! ways to recover a message that did not go through.

use leptos::prelude::*;

use super::help_dialog::focus_composer;
use super::versions::{focus_in_message, Versions};
use crate::core::message::{Message, MessageStatus, Recovery, Role};
use crate::core::models::ModelInfo;
use crate::core::stats::{format_count, message_cost};
use crate::core::text::fixed;
use crate::platform::clipboard::copy;
use crate::state::ChatState;

/// Buttons for one message. Recovery (Retry, Continue, Edit of a failed message) and
/// Regenerate are offered on the newest message only: acting on an older one would
/// reorder the conversation.
#[component]
pub fn MessageActions(
    /// The message as it was when the row was created.
    message: Message,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let id = StoredValue::new(message.id.clone());
    let content = StoredValue::new(message.content.clone());
    let is_last = move || {
        state
            .conversation
            .with(|c| c.messages.last().map(|m| &m.id) == Some(&id.get_value()))
    };
    let idle = move || state.streaming.with(Option::is_none);
    // Retry and Edit for a failed user message; Retry and Continue for a reply that
    // stopped, was cut off or failed.
    let recovery = message.recovery();
    let recoverable = !recovery.is_empty();
    let failed_user = recovery.contains(&Recovery::Edit);
    let user = message.role == Role::User;
    let assistant = message.role == Role::Assistant;
    let complete_reply = assistant && message.status == MessageStatus::Complete;
    let show_details = RwSignal::new(false);
    let details = StoredValue::new(message.clone());
    let pinned = message.pinned;
    let copy_label = RwSignal::new("Copy");
    let on_copy = move |_| {
        leptos::task::spawn_local(async move {
            copy_label.set(match copy(&content.get_value()).await {
                Ok(()) => "Copied",
                Err(_) => "Copy failed — select the text to copy it",
            });
        });
    };
    if message.status == MessageStatus::Streaming {
        return ().into_any();
    }
    // Deleting a message that others follow asks whether they go too.
    let asking = RwSignal::new(None::<usize>);
    // An action that replaces or removes this row leaves the keyboard in the message box.
    let then_compose = move |act: &dyn Fn()| {
        act();
        focus_composer();
    };
    // The choice takes the place of Delete: the keyboard goes to it, and back.
    let ask = move |n: Option<usize>| {
        asking.set(n);
        let at = if n.is_some() {
            ".delete-choice button"
        } else {
            "button.delete"
        };
        focus_in_message(id.get_value().0, vec![at.to_string()]);
    };
    let on_delete = move |_| match state.messages_below(&id.get_value()) {
        0 => then_compose(&|| state.delete_message(&id.get_value(), false)),
        n => ask(Some(n)),
    };
    let retry = move |_| then_compose(&|| state.retry(id.get_value()));
    view! {
        <div class="message-actions">
            <Versions id=message.id.clone() />
            <Show when=move || recoverable && is_last() && idle()>
                <span class="recovery">
                <button type="button" on:click=retry>"Retry"</button>
                {if failed_user {
                    view! { <button type="button" on:click=move |_| state.edit_failed(id.get_value())>"Edit"</button> }.into_any()
                } else {
                    view! { <button type="button" on:click=move |_| state.continue_reply(id.get_value())>"Continue"</button> }.into_any()
                }}
                </span>
            </Show>
            <button type="button" class="quiet" on:click=on_copy>{move || copy_label.get()}</button>
            <Show when=move || user && !failed_user && idle()>
                <button type="button" class="quiet" on:click=move |_| state.start_edit(id.get_value())>"Edit"</button>
            </Show>
            <Show when=move || complete_reply && is_last() && idle()>
                <button type="button" class="quiet" on:click=retry>"Regenerate"</button>
            </Show>
            <button type="button" class="quiet pin" aria-pressed=pinned.to_string() on:click=move |_| state.toggle_pin(&id.get_value())>
                {if pinned { "Unpin" } else { "Pin" }}
            </button>
            <button type="button" class="quiet" title="Start a new chat with the conversation up to here"
                on:click=move |_| then_compose(&|| state.fork_at(&id.get_value()))>"Fork"</button>
            <Show when=move || asking.get().is_none() fallback=move || view! {
                <span class="delete-choice" role="group" aria-label="Delete which messages"
                    on:keydown=move |ev| if ev.key() == "Escape" { ev.stop_propagation(); ask(None) }>
                    <button type="button" on:click=move |_| { asking.set(None); then_compose(&|| state.delete_message(&id.get_value(), false)) }>
                        "Delete this message only"
                    </button>
                    <button type="button" class="danger" on:click=move |_| { asking.set(None); then_compose(&|| state.delete_message(&id.get_value(), true)) }>
                        {move || match asking.get().unwrap_or(0) {
                            1 => "Delete it and the message below".to_string(),
                            n => format!("Delete it and the {n} messages below"),
                        }}
                    </button>
                    <button type="button" on:click=move |_| ask(None)>"Cancel"</button>
                </span>
            }>
                <button type="button" class="quiet delete" on:click=on_delete>"Delete"</button>
            </Show>
            <button type="button" class="quiet" aria-expanded=move || show_details.get().to_string()
                on:click=move |_| show_details.update(|s| *s = !*s)>"Details"</button>
            <Show when=move || show_details.get()>
                <span class="details">
                    {format!("{} tokens · ", format_count(state.count_of(&content.get_value()).0))}
                    {move || details.with_value(|m| state.effective.with(|s| details_text(m, &s.known_models())))}
                </span>
            </Show>
        </div>
    }
    .into_any()
}

/// Model, usage (reasoning included), cost and time of a message, as one line. The cost
/// uses the model's prices as the rest of the app finds them, custom models included.
fn details_text(m: &Message, custom: &[ModelInfo]) -> String {
    let mut parts = Vec::new();
    if let Some(model) = &m.model {
        parts.push(model.clone());
    }
    if let Some(u) = &m.usage {
        let mut line = format!(
            "API: {} in, {} out",
            format_count(u.prompt_tokens),
            format_count(u.completion_tokens)
        );
        if u.reasoning_tokens > 0 {
            line.push_str(&format!(
                " ({} reasoning)",
                format_count(u.reasoning_tokens)
            ));
        }
        parts.push(line);
    } else if m.role == Role::Assistant && m.status == MessageStatus::Complete {
        parts.push("the server reported no usage: counts are estimates".to_string());
    }
    if let Some(cost) = message_cost(m, custom) {
        parts.push(format!("${}", fixed(cost, 5)));
    }
    if let Some(sent) = m.sent_tokens {
        parts.push(format!("sent {} tokens", format_count(sent)));
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(m.created_at));
    parts.push(String::from(
        date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED),
    ));
    parts.join(" · ")
}
