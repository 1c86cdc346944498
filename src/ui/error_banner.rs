//! The error of the last request, with what to do about it.

use leptos::prelude::*;

use crate::state::ChatState;

/// Shows why the last message failed; offers the settings when they are the fix.
#[component]
pub fn ErrorBanner() -> impl IntoView {
    let state = expect_context::<ChatState>();
    // While a retry counts down, the retry banner speaks for the error.
    let error = move || {
        if state.retrying.with(Option::is_some) || state.streaming.with(Option::is_some) {
            return None;
        }
        state.conversation.with(|c| c.last_error().cloned())
    };
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
