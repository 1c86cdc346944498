//! The countdown before an automatic retry.

use leptos::prelude::*;

use crate::state::ChatState;

/// "Retrying in N s…" with the reason and a Cancel action (Stop cancels too).
#[component]
pub fn RetryBanner() -> impl IntoView {
    let state = expect_context::<ChatState>();
    move || {
        state.retrying.get().map(|r| {
            view! {
                <div role="status" class="retry-banner">
                    <span>
                        {format!("Retrying in {} s… (attempt {} of {}) ", r.seconds_left, r.attempt, r.max)}
                    </span>
                    <span class="error-detail">{r.reason}</span>
                    <button type="button" on:click=move |_| state.stop()>"Cancel"</button>
                </div>
            }
        })
    }
}
