//! A reply's reasoning: a collapsed "Thinking" section above the answer, with its size
//! in tokens. Never part of what is sent. While the reply streams, the section is
//! filled in by the body's painter (`message_body.rs`), like the answer itself.

use leptos::prelude::*;

use crate::core::message::{Message, MessageStatus};
use crate::core::stats::format_count;
use crate::state::ChatState;

/// The Thinking section of `message`: hidden while it has no reasoning.
pub fn thinking(state: ChatState, message: &Message) -> impl IntoView {
    let text = message.reasoning.clone();
    let summary = if message.status == MessageStatus::Streaming {
        "Thinking…".to_string()
    } else {
        let (tokens, exact) = state.count_of(&text);
        let mark = if exact { "" } else { "≈" };
        format!("Thinking · {mark}{} tokens", format_count(tokens))
    };
    let hidden = text.is_empty();
    view! {
        <details class="thinking" data-testid="thinking" hidden=hidden>
            <summary>{summary}</summary>
            <div class="thinking-text" dir="auto">{text}</div>
        </details>
    }
}
