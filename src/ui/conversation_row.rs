//! One conversation in the sidebar: open it, rename it, delete it.

use leptos::prelude::*;

use wasm_bindgen::JsCast;

use super::row_keys;
use crate::core::conversation::ConversationId;
use crate::core::search::highlight;
use crate::state::conversations::SearchHit;
use crate::state::ChatState;

/// Text with the parts matching the search marked.
fn marked(text: String, needle: &str) -> impl IntoView {
    highlight(&text, needle)
        .into_iter()
        .map(|(run, hit)| {
            if hit {
                view! { <mark>{run}</mark> }.into_any()
            } else {
                run.into_any()
            }
        })
        .collect_view()
}

/// A conversation's title (and the matching excerpt during a search, or "replying…"
/// while its reply streams in the background), with Rename and Delete.
#[component]
pub fn ConversationRow(
    /// The conversation and what matched.
    hit: SearchHit,
    /// The row that Tab stops at (the others are reached with the arrow keys).
    tab_stop: Memo<Option<ConversationId>>,
    /// Called after the conversation is opened (closes the list on narrow screens).
    on_open: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let id = StoredValue::new(hit.id.clone());
    let renaming = RwSignal::new(false);
    let name = RwSignal::new(hit.title.clone());
    let title_before = StoredValue::new(hit.title.clone());
    let needle = hit.query.clone();
    let current = move || state.conversation.with(|c| c.id == id.get_value());
    let title = if hit.title.is_empty() {
        "New chat".to_string()
    } else {
        hit.title.clone()
    };
    let label = title.clone();
    let full_title = title.clone();
    let tab_index = move || {
        if tab_stop.with(|t| t.as_ref() == Some(&id.get_value())) {
            "0"
        } else {
            "-1"
        }
    };
    let on_delete = move |ev: leptos::ev::MouseEvent| {
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            row_keys::leave_row(&el);
        }
        state.delete(&id.get_value());
    };
    // Escape hides the field, and the blur that follows must not save what was typed.
    let finish_rename = move || {
        if renaming.get_untracked() {
            state.rename(&id.get_value(), &name.get_untracked());
            renaming.set(false);
        }
    };
    view! {
        <li class="conversation" class:current=current>
            <Show when=move || renaming.get() fallback=move || view! {
                <button type="button" class="open" aria-current=move || current().then_some("page")
                    tabindex=tab_index title=full_title.clone()
                    on:click=move |_| { state.open(&id.get_value()); on_open(); }>
                    <span class="title" dir="auto">{marked(title.clone(), &needle)}</span>
                    <Show when=move || state.is_replying_in_background(&id.get_value())>
                        <span class="replying">" replying…"</span>
                    </Show>
                    {hit.excerpt.clone().map(|e| view! { <span class="excerpt">{marked(e, &needle)}</span> })}
                </button>
            }>
                <input type="text" aria-label="Conversation name" dir="auto" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => finish_rename(),
                        "Escape" => {
                            name.set(title_before.get_value());
                            renaming.set(false);
                        }
                        _ => {}
                    }
                    on:blur=move |_| finish_rename() />
            </Show>
            <span class="row-actions">
                <button type="button" class="row-action" tabindex="-1" aria-label=format!("Rename {label}") on:click=move |_| renaming.set(true)>"Rename"</button>
                <button type="button" class="row-action" tabindex="-1" aria-label=format!("Delete {label}") on:click=on_delete>"Delete"</button>
            </span>
        </li>
    }
}
