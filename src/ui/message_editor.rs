//! Editing a user message in place before resending it.

use leptos::prelude::*;

use super::help_dialog::focus_composer;
use crate::core::message::MessageId;
use crate::state::ChatState;

/// A text box with the message's text, "Save & resend" and "Cancel".
#[component]
pub fn MessageEditor(
    /// The user message being edited.
    id: MessageId,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let original = state.conversation.with_untracked(|c| {
        c.messages
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.content.clone())
            .unwrap_or_default()
    });
    let text = RwSignal::new(original);
    let id = StoredValue::new(id);
    let input = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    // Sent, the editor closes and the keyboard goes to the message box; refused (empty
    // text, a reply still arriving), it stays in the editor.
    let resend = move || {
        state.resend_edited(&id.get_value(), text.get_untracked());
        if state.editing.with_untracked(Option::is_none) {
            focus_composer();
        }
    };
    view! {
        <div class="editor">
            <textarea aria-label="Edit message" aria-describedby="edit-help" rows="4" dir="auto" node_ref=input
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        state.editing.set(None);
                    } else if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        resend();
                    }
                }></textarea>
            <p id="edit-help" class="help">"Ctrl+Enter (⌘+Enter) saves and resends; Esc cancels."</p>
            <div class="message-actions">
                <button type="button" class="primary" on:click=move |_| resend()>
                    "Save & resend"
                </button>
                <button type="button" on:click=move |_| state.editing.set(None)>"Cancel"</button>
            </div>
        </div>
    }
}
