//! The undo offer after a conversation or a message is deleted.

use leptos::prelude::*;

use crate::state::ChatState;

/// "Deleted …" with Undo, for as long as the deletion can be undone.
#[component]
pub fn UndoToast() -> impl IntoView {
    let state = expect_context::<ChatState>();
    move || {
        state.deleted.get().map(|d| {
            view! {
                <div role="status" class="undo-toast">
                    {format!("{} ", d.describe())}
                    <button type="button" on:click=move |_| state.undo_delete()>"Undo"</button>
                </div>
            }
        })
    }
}
