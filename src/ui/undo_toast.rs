//! The undo offer after a conversation is deleted.

use leptos::prelude::*;

use crate::state::ChatState;

/// "Deleted …" with Undo, for as long as the deletion can be undone.
#[component]
pub fn UndoToast() -> impl IntoView {
    let state = expect_context::<ChatState>();
    move || {
        state.deleted.get().map(|d| {
            let title = if d.entry.title.is_empty() {
                "New chat".to_string()
            } else {
                d.entry.title.clone()
            };
            view! {
                <div role="status" class="undo-toast">
                    {format!("Deleted “{title}”. ")}
                    <button type="button" on:click=move |_| state.undo_delete()>"Undo"</button>
                </div>
            }
        })
    }
}
