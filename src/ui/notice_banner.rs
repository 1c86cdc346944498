//! Problems with stored data, told once and dismissable.

use leptos::prelude::*;

use crate::state::ChatState;

/// Lists storage notices (a value set aside, storage full) until dismissed.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    let state = expect_context::<ChatState>();
    view! {
        <Show when=move || state.notices.with(|n| !n.is_empty())>
            <div role="status" class="notice-banner">
                <ul>
                    {move || {
                        state
                            .notices
                            .get()
                            .into_iter()
                            .map(|n| view! { <li>{n}</li> })
                            .collect_view()
                    }}
                </ul>
                <Show when=move || state.has_quarantine.get()>
                    <button type="button" on:click=move |_| state.export_set_aside()>
                        "Export set-aside data"
                    </button>
                </Show>
                <button type="button" on:click=move |_| state.export_all()>
                    "Export all conversations"
                </button>
                <button type="button" on:click=move |_| state.notices.set(Vec::new())>
                    "Dismiss"
                </button>
            </div>
        </Show>
    }
}
