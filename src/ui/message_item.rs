//! One message in the transcript.

use leptos::prelude::*;

use super::message_actions::MessageActions;
use super::message_body::MessageBody;
use super::message_editor::MessageEditor;
use crate::core::message::{MessageId, Role};
use crate::state::ChatState;

/// A message with its role, text, what the next request does with it, how it ended, and
/// its actions.
#[component]
pub fn MessageItem(
    /// The message to show.
    id: MessageId,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let Some(message) = state
        .conversation
        .with_untracked(|c| c.messages.iter().find(|m| m.id == id).cloned())
    else {
        return ().into_any();
    };
    let who = match message.role {
        Role::User => "You",
        Role::Assistant => "Mnemo",
        Role::System => "System",
    };
    // How it ended, in words: stopped, cut off (and why), not sent, interrupted.
    let note = message.note();
    // What the next request does with this message: sent, dropped, in the summary…
    // One lookup by id per plan, shared by the badge and the attribute.
    let fate = {
        let id = id.clone();
        Memo::new(move |_| {
            state
                .plan
                .with(|p| p.plan.fate_of(&id).map(|f| f.label()).unwrap_or("not sent"))
        })
    };
    let editing = {
        let id = id.clone();
        move || state.editing.with(|e| e.as_ref() == Some(&id))
    };
    let body = message.clone();
    let editor_id = id.clone();
    view! {
        <li
            class="message"
            data-role=message.role.as_str()
            data-status=message.status.as_str()
            data-context=fate
            data-id=id.0.clone()
        >
            <div class="who">{who} <span class="fate">{fate}</span></div>
            <Show when=editing.clone() fallback=move || view! { <MessageBody message=body.clone() /> }>
                <MessageEditor id=editor_id.clone() />
            </Show>
            {note.map(|n| view! { <div class="note">{n}</div> })}
            <MessageActions message=message.clone() />
        </li>
    }
    .into_any()
}
