//! One conversation in the sidebar: open it, rename it, delete it.

use leptos::prelude::*;

use crate::core::search::highlight;
use crate::state::conversations::SearchHit;
use crate::state::ChatState;

/// Text with the parts matching the search marked.
fn marked(text: String, query: RwSignal<String>) -> impl IntoView {
    let needle = query.get_untracked().trim().to_lowercase();
    highlight(&text, &needle)
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

/// A conversation's title (and the matching excerpt during a search), with Rename and
/// Delete.
#[component]
pub fn ConversationRow(
    /// The conversation and what matched.
    hit: SearchHit,
    /// The search text, for highlighting.
    query: RwSignal<String>,
    /// Called after the conversation is opened (closes the list on narrow screens).
    on_open: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let id = StoredValue::new(hit.id.clone());
    let renaming = RwSignal::new(false);
    let name = RwSignal::new(hit.title.clone());
    let current = move || state.conversation.with(|c| c.id == id.get_value());
    let title = if hit.title.is_empty() {
        "New chat".to_string()
    } else {
        hit.title.clone()
    };
    let label = title.clone();
    let finish_rename = move || {
        state.rename(&id.get_value(), &name.get_untracked());
        renaming.set(false);
    };
    view! {
        <li class="conversation" class:current=current>
            <Show when=move || renaming.get() fallback=move || view! {
                <button type="button" class="open" aria-current=move || current().then_some("page")
                    on:click=move |_| { state.open(&id.get_value()); on_open(); }>
                    <span class="title">{marked(title.clone(), query)}</span>
                    {hit.excerpt.clone().map(|e| view! { <span class="excerpt">{marked(e, query)}</span> })}
                </button>
            }>
                <input type="text" aria-label="Conversation name" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => finish_rename(),
                        "Escape" => renaming.set(false),
                        _ => {}
                    }
                    on:blur=move |_| finish_rename() />
            </Show>
            <button type="button" class="row-action" aria-label=format!("Rename {label}") on:click=move |_| renaming.set(true)>"Rename"</button>
            <button type="button" class="row-action" aria-label=format!("Delete {label}") on:click=move |_| state.delete(&id.get_value())>"Delete"</button>
        </li>
    }
}
