//! The error of the last request, with what to do about it.

use leptos::prelude::*;

use crate::state::ChatState;

/// Shows why the last message failed; offers the settings when they are the fix.
#[component]
pub fn ErrorBanner() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let error = move || state.conversation.with(|c| c.last_error().cloned());
    move || {
        error().map(|error| {
            let open = error.needs_settings().then(|| {
                view! {
                    <button type="button" on:click=move |_| state.settings_open.set(true)>
                        "Open settings"
                    </button>
                }
            });
            view! {
                <div role="alert" class="error-banner">
                    <strong>{error.hint()}</strong>
                    " "
                    <span class="error-detail">{error.message.clone()}</span>
                    {open}
                </div>
            }
        })
    }
}
