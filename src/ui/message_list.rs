//! The transcript, oldest first.

use leptos::prelude::*;

use super::message_item::MessageItem;
use crate::state::ChatState;

/// Every message of the open conversation. Rows are keyed by id, status and length, so
/// a streamed chunk (which changes none of them until the reply ends) re-renders only
/// the streaming row.
#[component]
pub fn MessageList() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let rows = move || {
        state.conversation.with(|c| {
            c.messages
                .iter()
                .map(|m| (m.id.clone(), m.status.as_str(), m.content.len()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="messages" aria-label="Messages" aria-live="polite">
            <For each=rows key=|row| row.clone() let:row>
                <MessageItem id=row.0 />
            </For>
        </ol>
    }
}
