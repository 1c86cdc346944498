//! The conversation list: new chat, search, and one row per conversation.

use leptos::prelude::*;

use super::conversation_row::ConversationRow;
use super::row_keys;
use super::transfer_panel::TransferPanel;
use crate::state::conversations::SearchHit;
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
    let found = Memo::new(move |_| state.search(&query.get()));
    // Matches in the archive's messages arrive later, after the ones known at once.
    let archived = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        let q = query.get();
        state.archive.track();
        archived.set(Vec::new());
        let known = found.with_untracked(|h| h.iter().map(|hit| hit.id.clone()).collect());
        leptos::task::spawn_local(async move {
            let still = q.clone();
            state
                .search_archive(&q, known, move |hit| {
                    if query.with_untracked(|now| *now == still) {
                        archived.update(|more| more.push(hit));
                    }
                })
                .await;
        });
    });
    // Both, in the list's order (newest first). Each already is: the archive is read in
    // that order. A conversation the list moved during the search is still shown, last.
    let hits = Memo::new(move |_| {
        let found = found.get();
        archived.with(|more| {
            if more.is_empty() {
                return found;
            }
            let mut ours = found.into_iter().peekable();
            let mut theirs = more.iter().cloned().peekable();
            let mut all: Vec<SearchHit> = state.index.with(|i| {
                i.conversations
                    .iter()
                    .filter_map(|e| {
                        if ours.peek().is_some_and(|h| h.id == e.id) {
                            ours.next()
                        } else if theirs.peek().is_some_and(|h| h.id == e.id) {
                            theirs.next()
                        } else {
                            None
                        }
                    })
                    .collect()
            });
            all.extend(ours.chain(theirs));
            all
        })
    });
    let limit = RwSignal::new(PAGE);
    // A new search starts again from the first page.
    Effect::new(move |_| {
        query.track();
        limit.set(PAGE);
    });
    let shown = move || hits.with(|h| h.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let more = move || hits.with(Vec::len).saturating_sub(limit.get());
    // The one row Tab stops at: the open conversation's, else the first.
    let tab_stop = Memo::new(move |_| {
        let open = state.conversation.with(|c| c.id.clone());
        hits.with(|h| {
            let shown = &h[..h.len().min(limit.get())];
            shown
                .iter()
                .find(|hit| hit.id == open)
                .or(shown.first())
                .map(|hit| hit.id.clone())
        })
    });
    view! {
        <nav class="sidebar" class:open=move || open.get() aria-label="Conversations">
            <button type="button" class="primary new-chat" on:click=move |_| { state.new_chat(); open.set(false); }>
                "New chat"
            </button>
            <input type="search" class="search" aria-label="Search conversations" placeholder="Search…" dir="auto"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev)) />
            <div class="list-scroll">
                <ul class="conversation-list" aria-label="Saved conversations"
                    aria-describedby="conversation-list-help" on:keydown=row_keys::on_keydown>
                    <For each=shown key=|hit| hit.clone() let:hit>
                        <ConversationRow hit=hit tab_stop=tab_stop on_open=move || open.set(false) />
                    </For>
                </ul>
                <p id="conversation-list-help" class="visually-hidden">
                    "Up and Down move between conversations; Right reaches Rename and Delete; F2 renames; Delete deletes."
                </p>
                <Show when=move || { more() > 0 }>
                    <button type="button" class="quiet" on:click=move |_| limit.update(|n| *n += PAGE)>
                        {move || format!("Show more ({} more)", more())}
                    </button>
                </Show>
                <Show when=move || hits.with(Vec::is_empty)>
                    <p class="help">{move || if query.with(String::is_empty) { "No saved conversations yet." } else { "No conversation matches." }}</p>
                </Show>
            </div>
            <TransferPanel />
        </nav>
    }
}
