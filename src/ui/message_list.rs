//! The transcript, oldest first.

use leptos::prelude::*;

use super::message_item::MessageItem;
use crate::state::ChatState;

/// Every message of the open conversation. Rows are keyed by position, id, status,
/// length and pin, so a streamed chunk (which changes none of them until the reply ends)
/// re-renders only the streaming row.
#[component]
pub fn MessageList() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let rows = move || {
        state.conversation.with(|c| {
            c.messages
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    (
                        i,
                        m.id.clone(),
                        m.status.as_str(),
                        m.content.len(),
                        m.pinned,
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="messages" aria-label="Messages" aria-live="polite">
            <For each=rows key=|row| row.clone() let:row>
                <MessageItem index=row.0 id=row.1 />
            </For>
        </ol>
    }
}
