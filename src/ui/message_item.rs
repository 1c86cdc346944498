//! One message in the transcript.

use leptos::prelude::*;

use super::message_actions::MessageActions;
use super::message_body::MessageBody;
use super::message_editor::MessageEditor;
use super::thinking::thinking;
use crate::core::message::{Message, MessageId, MessageStatus, Role};
use crate::state::ChatState;

/// How a finished message ended, as its badge says it (a user message that went through
/// needs none).
fn status_label(message: &Message) -> Option<&'static str> {
    match (&message.status, message.role) {
        (MessageStatus::Complete, Role::Assistant) => Some("complete"),
        (MessageStatus::Complete | MessageStatus::Streaming, _) => None,
        (MessageStatus::Stopped, _) => Some("stopped"),
        (MessageStatus::CutOff { .. }, _) => Some("cut off"),
        (MessageStatus::Failed { .. }, _) => Some("failed"),
    }
}

/// What is happening to a message right now: a reply waiting for its first words,
/// streaming, or waiting to be asked again; the user message whose request is retried.
fn progress_label(
    state: ChatState,
    id: MessageId,
    role: Role,
    streaming: bool,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let id = StoredValue::new(id);
    move || {
        let retry = state.retrying.with(|r| r.as_ref().map(|r| r.seconds_left));
        if streaming {
            if let Some(s) = retry {
                return Some(format!("retrying in {s} s"));
            }
            state.stream_revision.track();
            let empty = state.conversation.with_untracked(|c| {
                c.messages
                    .iter()
                    .rev()
                    .find(|m| m.id == id.get_value())
                    .is_none_or(|m| m.content.is_empty())
            });
            return Some(
                if empty {
                    "waiting for the reply…"
                } else {
                    "streaming…"
                }
                .to_string(),
            );
        }
        // The user message just before the reply that is being asked for again.
        let seconds = retry?;
        let asked = state.conversation.with_untracked(|c| {
            role == Role::User
                && c.messages
                    .iter()
                    .rev()
                    .find(|m| m.role == Role::User)
                    .map(|m| &m.id)
                    == Some(&id.get_value())
        });
        asked.then(|| format!("retrying in {seconds} s"))
    }
}

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
    // What the next request does with this message: in context, pinned, in the summary…
    // One lookup by id per plan, shared by the badge and the attribute. A reply still
    // arriving has no place in the context yet.
    let fate = {
        let id = id.clone();
        Memo::new(move |_| {
            state.plan.with(|p| {
                p.plan
                    .fate_of(&id)
                    .map(|f| f.label())
                    .unwrap_or("not in context")
            })
        })
    };
    let streaming = message.status == MessageStatus::Streaming;
    let progress = progress_label(state, id.clone(), message.role, streaming);
    let editing = {
        let id = id.clone();
        move || state.editing.with(|e| e.as_ref() == Some(&id))
    };
    let body = message.clone();
    let editor_id = id.clone();
    let keys_id = id.clone();
    view! {
        <li
            class="message"
            data-role=message.role.as_str()
            data-status=message.status.as_str()
            data-context=fate
            data-id=id.0.clone()
            on:keydown=move |ev| super::versions::on_keydown(state, &keys_id, &ev)
        >
            <div class="who">
                {who}
                {status_label(&message).map(|s| view! { <span class="state" data-state=s>{s}</span> })}
                {move || progress().map(|p| view! { <span class="state" data-state="progress">{p}</span> })}
                <Show when=move || !streaming>
                    <span class="fate" title="What the next request does with this message">{fate}</span>
                </Show>
            </div>
            <Show when=move || streaming && progress().is_some_and(|p| p.starts_with("waiting"))>
                <div class="waiting" role="status"><span class="dots" aria-hidden="true"></span>"Waiting for the first words of the reply…"</div>
            </Show>
            {(message.role == Role::Assistant).then(|| thinking(state, &message))}
            <Show when=editing.clone() fallback=move || view! { <MessageBody message=body.clone() /> }>
                <MessageEditor id=editor_id.clone() />
            </Show>
            {note.map(|n| view! { <div class="note">{n}</div> })}
            <MessageActions message=message.clone() />
        </li>
    }
    .into_any()
}
