//! "‹ 2 / 3 ›": flipping between the versions of a message (an edited question, a
//! regenerated reply), with the buttons or Alt+← and Alt+→ on the focused message.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::focus_later::focus_when_drawn;
use crate::core::message::MessageId;
use crate::state::ChatState;

const PREVIOUS: &str = "Previous version";
const NEXT: &str = "Next version";

/// The version switcher of message `id`; nothing when it has no other versions.
#[component]
pub fn Versions(
    /// The message on the shown path.
    id: MessageId,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let id = StoredValue::new(id);
    let versions = move || {
        id.with_value(|id| {
            state
                .forks
                .with(|f| f.iter().find(|(m, _)| m == id).map(|(_, v)| *v))
        })
    };
    let busy = move || state.streaming.with(Option::is_some);
    move || {
        versions().map(|v| {
            let last = v.number == v.count;
            view! {
                <span class="versions" role="group" aria-label="Versions">
                    <button type="button" class="quiet" aria-label=PREVIOUS title="Previous version (Alt+←)"
                        disabled=move || busy() || v.number == 1
                        on:click=move |_| flip(state, &id.get_value(), -1)>"‹"</button>
                    <span class="version-number">{format!("{} / {}", v.number, v.count)}</span>
                    <button type="button" class="quiet" aria-label=NEXT title="Next version (Alt+→)"
                        disabled=move || busy() || last
                        on:click=move |_| flip(state, &id.get_value(), 1)>"›"</button>
                </span>
            }
        })
    }
}

/// Alt+← and Alt+→ anywhere in message `id` (not while typing in its editor).
pub fn on_keydown(state: ChatState, id: &MessageId, ev: &KeyboardEvent) {
    if !ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.shift_key() {
        return;
    }
    let step = match ev.key().as_str() {
        "ArrowLeft" => -1,
        "ArrowRight" => 1,
        _ => return,
    };
    let typing = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.tag_name() == "TEXTAREA" || el.tag_name() == "INPUT");
    if typing {
        return;
    }
    // Alt+← is also the browser's Back: on a message it flips instead.
    ev.prevent_default();
    flip(state, id, step);
}

/// Shows the version `step` places from message `id`, and keeps the keyboard on the
/// switcher of the version now shown (its row is a new one).
fn flip(state: ChatState, id: &MessageId, step: isize) {
    let at = state
        .conversation
        .with_untracked(|c| c.messages.iter().position(|m| &m.id == id));
    let Some(at) = at else { return };
    state.show_version(id, step);
    let Some(shown) = state
        .conversation
        .with_untracked(|c| c.messages.get(at).map(|m| m.id.0.clone()))
    else {
        return;
    };
    let (wanted, other) = if step < 0 {
        (PREVIOUS, NEXT)
    } else {
        (NEXT, PREVIOUS)
    };
    focus_in_message(
        shown,
        vec![
            format!("button[aria-label=\"{wanted}\"]:not(:disabled)"),
            format!("button[aria-label=\"{other}\"]:not(:disabled)"),
        ],
    );
}

/// As soon as it is drawn, focuses the first element of message `id`'s row that
/// matches one of `selectors`, tried in order (a row re-made by a change has lost the
/// focus it had).
pub fn focus_in_message(id: String, selectors: Vec<String>) {
    focus_when_drawn(move || {
        let doc = web_sys::window().and_then(|w| w.document())?;
        let row = doc
            .query_selector(&format!("li.message[data-id=\"{id}\"]"))
            .ok()
            .flatten()?;
        selectors.iter().find_map(|s| {
            row.query_selector(s)
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        })
    });
}
