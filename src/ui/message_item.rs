//! One message in the transcript.

use leptos::prelude::*;

use crate::core::message::{MessageId, MessageStatus, Role};
use crate::state::ChatState;

/// A message with its role, text and how it ended; a failed last message offers Retry.
#[component]
pub fn MessageItem(
    /// The message's position in the conversation.
    index: usize,
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
    let streaming = message.status == MessageStatus::Streaming;
    let text = {
        let id = id.clone();
        move || {
            if streaming {
                state.stream_revision.track();
            }
            state.conversation.with_untracked(|c| {
                c.messages
                    .iter()
                    .find(|m| m.id == id)
                    .map(|m| m.content.clone())
                    .unwrap_or_default()
            })
        }
    };
    let who = match message.role {
        Role::User => "You",
        Role::Assistant => "Mnemo",
        Role::System => "System",
    };
    let note = match &message.status {
        MessageStatus::Stopped => Some("Stopped".to_string()),
        MessageStatus::Failed { error } if message.role == Role::User => {
            Some(format!("Not sent: {}", error.hint()))
        }
        MessageStatus::Failed { error } => {
            Some(format!("Interrupted: {} {}", error.message, error.hint()))
        }
        _ => None,
    };
    // Only the newest message offers recovery: acting on an older one would reorder the
    // conversation.
    let is_last = {
        let id = id.clone();
        move || {
            state
                .conversation
                .with(|c| c.messages.last().map(|m| &m.id) == Some(&id))
        }
    };
    let cut_off = matches!(
        message.status,
        MessageStatus::Stopped | MessageStatus::Failed { .. }
    );
    let actions = cut_off.then(|| {
        let (retry_id, other_id) = (id.clone(), id.clone());
        let (label, other): (&str, fn(&ChatState, MessageId)) = if message.role == Role::User {
            ("Edit", ChatState::edit_failed)
        } else {
            ("Continue", ChatState::continue_reply)
        };
        view! {
            <Show when=is_last.clone()>
                <div class="message-actions">
                    <button type="button" on:click={
                        let id = retry_id.clone();
                        move |_| state.retry(id.clone())
                    }>"Retry"</button>
                    <button type="button" on:click={
                        let id = other_id.clone();
                        move |_| other(&state, id.clone())
                    }>{label}</button>
                </div>
            </Show>
        }
    });
    // What the next request does with this message: sent, dropped, in the summary…
    let fate = move || {
        state.plan.with(|p| {
            p.plan
                .entries
                .get(index)
                .map(|e| e.fate.label())
                .unwrap_or("not sent")
        })
    };
    let pinned = message.pinned;
    let pin = {
        let id = id.clone();
        move |_| state.toggle_pin(&id)
    };
    view! {
        <li
            class="message"
            data-role=message.role.as_str()
            data-status=message.status.as_str()
            data-context=fate
            data-id=id.0.clone()
        >
            <div class="who">
                {who}
                <span class="fate">{fate}</span>
                <button type="button" class="pin" aria-pressed=pinned.to_string() on:click=pin>
                    {if pinned { "Unpin" } else { "Pin" }}
                </button>
            </div>
            <div class="content">{text}</div>
            {note.map(|n| view! { <div class="note">{n}</div> })}
            {actions}
        </li>
    }
    .into_any()
}
