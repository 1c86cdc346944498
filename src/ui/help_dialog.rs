//! Keyboard shortcuts: the global handler and the dialog that lists them.

use leptos::ev;
use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::ChatState;

/// The shortcuts, as shown in the help dialog and the README.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Enter", "Send the message"),
    ("Shift+Enter", "New line in the message"),
    ("Esc", "Stop the reply that is streaming"),
    ("↑ in an empty message box", "Edit your last message"),
    (
        "Ctrl+Enter in the message editor",
        "Save the edit and resend",
    ),
    (
        "Alt+← Alt+→ on a message with versions",
        "Show its previous or next version",
    ),
    ("Ctrl+Shift+O", "New chat"),
    ("Ctrl+, (⌘+, on a Mac)", "Open Settings"),
    ("Tab on the first key press", "Skip to the message box"),
    (
        "↑ ↓ Home End in the conversation list",
        "Move between conversations (→ reaches Rename and Delete; F2 renames, Delete deletes)",
    ),
    ("/", "Focus the message box"),
    ("?", "Show these shortcuts"),
];

/// Whether keys typed now go into a text field (so single-key shortcuts stay out).
fn typing(ev: &ev::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Puts the keyboard in the message box (or the long paste that stands in for it).
pub fn focus_composer() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("textarea[aria-label='Message'], .held-paste")
                .ok()
                .flatten()
        })
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Installs the page-wide shortcuts and renders the help dialog.
#[component]
pub fn HelpDialog(
    /// Whether the dialog is open.
    open: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let dialog = NodeRef::<Dialog>::new();
    let handle = window_event_listener(ev::keydown, move |ev| {
        let key = ev.key();
        if key == "Escape" && !state.settings_open.get_untracked() && !open.get_untracked() {
            state.stop();
        } else if ev.ctrl_key() && ev.shift_key() && key.eq_ignore_ascii_case("o") {
            ev.prevent_default();
            state.new_chat();
            focus_composer();
        } else if (ev.ctrl_key() || ev.meta_key()) && key == "," {
            ev.prevent_default();
            state.settings_open.set(true);
        } else if !typing(&ev) && key == "/" {
            ev.prevent_default();
            focus_composer();
        } else if !typing(&ev) && key == "?" {
            open.set(true);
        }
    });
    on_cleanup(move || handle.remove());
    Effect::new(move |_| {
        let want = open.get();
        if let Some(d) = dialog.get() {
            if want && !d.open() {
                let _ = d.show_modal();
            } else if !want && d.open() {
                d.close();
            }
        }
    });
    view! {
        <dialog node_ref=dialog class="help" aria-labelledby="help-title" on:close=move |_| open.set(false)
            on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { super::focus_trap::trap_tab(&d, &ev) }>
            <h2 id="help-title">"Keyboard shortcuts"</h2>
            <dl class="shortcuts">
                {SHORTCUTS.iter().map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> }).collect_view()}
            </dl>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </dialog>
    }
}
