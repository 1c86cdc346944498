//! The message box: Enter sends, Shift+Enter starts a new line, Stop while a reply streams.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

use crate::state::ChatState;

/// Where the user writes; the text survives reloads until it is sent.
#[component]
pub fn Composer() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let busy = move || state.streaming.with(Option::is_some);
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            state.send_draft();
        } else if ev.key() == "ArrowUp" && state.draft.with_untracked(String::is_empty) {
            ev.prevent_default();
            state.edit_last_user();
        }
    };
    let draft_tokens = move || {
        state.draft.with(|d| {
            if d.is_empty() {
                return String::new();
            }
            let (n, exact) = state.count_of(d);
            format!("{}{} tokens", if exact { "" } else { "≈" }, n)
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        state.send_draft();
    };
    view! {
        <form class="composer" on:submit=on_submit>
            <textarea
                aria-label="Message"
                placeholder="Message Mnemo (Enter sends, Shift+Enter for a new line)"
                rows="3"
                prop:value=move || state.composer_text.get()
                on:input=move |ev| state.typed(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <span class="draft-tokens" data-testid="draft-tokens">{draft_tokens}</span>
            <Show
                when=busy
                fallback=|| view! { <button type="submit" class="primary">"Send"</button> }
            >
                <button type="button" class="stop" on:click=move |_| state.stop()>
                    "Stop"
                </button>
            </Show>
        </form>
    }
}
