//! The conversation list: new chat, search, and one row per conversation.

use leptos::prelude::*;

use super::conversation_row::ConversationRow;
use super::transfer_panel::TransferPanel;
use crate::state::ChatState;

/// Rows rendered at first, and added by each "Show more": a long history does not slow
/// the page's start.
const PAGE: usize = 50;

/// All conversations, newest first, filtered by the search box.
#[component]
pub fn Sidebar(
    /// Whether the list is shown on a narrow screen.
    open: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let query = RwSignal::new(String::new());
    let hits = Memo::new(move |_| state.search(&query.get()));
    let limit = RwSignal::new(PAGE);
    // A new search starts again from the first page.
    Effect::new(move |_| {
        query.track();
        limit.set(PAGE);
    });
    let shown = move || hits.with(|h| h.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let more = move || hits.with(Vec::len).saturating_sub(limit.get());
    view! {
        <nav class="sidebar" class:open=move || open.get() aria-label="Conversations">
            <button type="button" class="primary new-chat" on:click=move |_| { state.new_chat(); open.set(false); }>
                "New chat"
            </button>
            <input type="search" class="search" aria-label="Search conversations" placeholder="Search…"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev)) />
            <ul class="conversation-list">
                <For each=shown key=|hit| hit.clone() let:hit>
                    <ConversationRow hit=hit on_open=move || open.set(false) />
                </For>
            </ul>
            <Show when=move || { more() > 0 }>
                <button type="button" class="quiet" on:click=move |_| limit.update(|n| *n += PAGE)>
                    {move || format!("Show more ({} more)", more())}
                </button>
            </Show>
            <Show when=move || hits.with(Vec::is_empty)>
                <p class="help">{move || if query.with(String::is_empty) { "No saved conversations yet." } else { "No conversation matches." }}</p>
            </Show>
            <TransferPanel />
        </nav>
    }
}
