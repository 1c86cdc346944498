//! A reply's reasoning: a collapsed "Thinking" section above the answer, with its size
//! in tokens. Never part of what is sent.

use leptos::prelude::*;

use crate::core::message::{Message, MessageId, MessageStatus};
use crate::core::stats::format_count;
use crate::state::ChatState;

/// The reasoning of `message`, followed live while it streams; nothing when it has none.
#[component]
pub fn Thinking(
    /// The message as it was when the row was created.
    message: Message,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let id: MessageId = message.id.clone();
    let streaming = message.status == MessageStatus::Streaming;
    let fixed = message.reasoning.clone();
    let text = move || {
        if !streaming {
            return fixed.clone();
        }
        state.stream_revision.track();
        state.conversation.with_untracked(|c| {
            c.messages
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.reasoning.clone())
                .unwrap_or_default()
        })
    };
    let summary = {
        let text = text.clone();
        move || {
            let (tokens, exact) = state.count_of(&text());
            let mark = if exact { "" } else { "≈" };
            format!("Thinking · {mark}{} tokens", format_count(tokens))
        }
    };
    let empty = {
        let text = text.clone();
        move || text().is_empty()
    };
    // Drawn once and hidden while empty, so that an open section stays open as more
    // of the reasoning arrives.
    view! {
        <details class="thinking" data-testid="thinking" hidden=empty>
            <summary>{summary}</summary>
            <div class="thinking-text" dir="auto">{text}</div>
        </details>
    }
}
