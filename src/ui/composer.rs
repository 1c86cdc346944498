//! The message box: Enter sends, Shift+Enter starts a new line, Stop while a reply streams.
//! A very long paste is held out of the box: a text field showing a megabyte of text costs
//! the browser hundreds of milliseconds of layout, and more on every repaint.

use leptos::ev::{ClipboardEvent, KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use web_sys::HtmlTextAreaElement;

use crate::core::stats::format_count;
use crate::core::text::splice_utf16;
use crate::core::tokens::char_count;
use crate::state::ChatState;

/// Pastes at least this long (in bytes) are held out of the text box.
const LONG_PASTE_BYTES: usize = 100_000;

/// Where the user writes; the text survives reloads until it is sent.
#[component]
pub fn Composer() -> impl IntoView {
    let state = expect_context::<ChatState>();
    // Whether the draft is a long paste shown as a summary instead of in the box.
    let held = RwSignal::new(false);
    Effect::new(move |_| {
        if state.draft.with(String::is_empty) {
            held.set(false);
        }
    });
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
    let on_paste = move |ev: ClipboardEvent| {
        let Some(pasted) = ev
            .clipboard_data()
            .and_then(|data| data.get_data("text/plain").ok())
        else {
            return;
        };
        if pasted.len() < LONG_PASTE_BYTES {
            return;
        }
        ev.prevent_default();
        let area: HtmlTextAreaElement = event_target(&ev);
        let start = area.selection_start().ok().flatten().unwrap_or(u32::MAX);
        let end = area.selection_end().ok().flatten().unwrap_or(start);
        let text = splice_utf16(&area.value(), start, end, &pasted);
        held.set(true);
        state.set_draft(text);
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
    let textarea = move || {
        view! {
            <textarea
                id="message-box"
                aria-label="Message"
                dir="auto"
                placeholder="Message Mnemo (Enter sends, Shift+Enter for a new line)"
                rows="3"
                prop:value=move || state.composer_text.get()
                on:input=move |ev| state.typed(event_target_value(&ev))
                on:keydown=on_keydown
                on:paste=on_paste
            ></textarea>
        }
    };
    view! {
        <form class="composer" on:submit=on_submit>
            <Show when=move || held.get() fallback=textarea>
                <HeldPaste on_show=move || held.set(false) on_keydown=on_keydown />
            </Show>
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

/// Stands in for the text box while it holds a long paste: its size, and a way to see it
/// in the box or to clear it. Enter sends it, as in the box.
#[component]
fn HeldPaste(
    /// Puts the text back in the box.
    on_show: impl Fn() + Copy + 'static,
    /// The box's own key handling (Enter sends).
    on_keydown: impl Fn(KeyboardEvent) + Copy + 'static,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let size = move || {
        state.draft.with(|d| {
            format!(
                "A long message is ready to send: {} characters.",
                format_count(u32::try_from(char_count(d)).unwrap_or(u32::MAX))
            )
        })
    };
    let area = NodeRef::<leptos::html::Div>::new();
    // Keep the keyboard where the paste happened.
    Effect::new(move |_| {
        if let Some(el) = area.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="held-paste" role="group" aria-label="Message" tabindex="-1" node_ref=area
            data-testid="held-paste" on:keydown=on_keydown>
            <p>{size} " It is kept out of the box so that the page stays quick."</p>
            <button type="button" on:click=move |_| on_show()>"Show in the box"</button>
            <button type="button" on:click=move |_| state.set_draft(String::new())>"Clear"</button>
        </div>
    }
}
