//! The context meter: how much of the budget the next request uses.

use leptos::prelude::*;

use crate::core::meter;
use crate::core::stats::format_count as tokens;
use crate::state::tokens::TokenizerState;
use crate::state::ChatState;

/// Tokens to be sent / budget / model window, the reply reserve, and a warning when the
/// next request cannot be sent as it is. "≈" marks estimates.
#[component]
pub fn ContextMeter(
    /// Toggles the context inspector.
    inspector_open: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let approx = move || {
        if state.plan.with(|p| p.exact) {
            ""
        } else {
            "≈"
        }
    };
    let total = move || state.plan.with(|p| p.plan.total);
    let limit = move || state.plan.with(|p| p.plan.limit);
    let warning = move || {
        state.plan.with(|p| {
            if p.plan.mandatory_over_limit {
                Some("Too large to send: shorten the message, unpin messages or raise the budget.")
            } else if p.plan.exceeds_model() {
                Some("Over the model's context window: switch to Sliding window or Summary memory.")
            } else {
                None
            }
        })
    };
    let reading = Memo::new(move |_| {
        let strategy = state.effective.with(|s| s.memory);
        state.plan.with(|p| meter::read(&p.plan, strategy))
    });
    let meaning = move || meter::budget_meaning(state.effective.with(|s| s.memory));
    let loading = move || match state.tokenizer_state.get() {
        TokenizerState::Loading => Some("Loading the tokenizer: counts are estimates.".to_string()),
        TokenizerState::Failed(e) => Some(format!("Token counts are estimates: {e}")),
        TokenizerState::Ready => None,
    };
    view! {
        <div class="context-meter" role="group" aria-label="Context" title=meaning
            data-level=move || reading.with(|r| r.level.as_str())>
            <span class="meter-bar" aria-hidden="true">
                <span class="meter-fill" style:width=move || {
                    let (t, l) = (total(), limit().max(1));
                    format!("{}%", (u64::from(t) * 100 / u64::from(l)).min(100))
                }></span>
            </span>
            <span class="meter-text" data-testid="context-tokens">
                {approx}{move || tokens(total())} " / " {move || tokens(limit())} " tokens"
            </span>
            <span class="meter-level" data-testid="context-level">{move || reading.with(|r| r.status)}</span>
            <span class="meter-detail">
                {move || state.plan.with(|p| format!(
                    "window {} · reply reserve {}",
                    tokens(p.plan.budget.model_window),
                    tokens(p.plan.budget.reply_reserve)
                ))}
            </span>
            <button type="button" aria-pressed=move || inspector_open.get().to_string() on:click=move |_| inspector_open.update(|o| *o = !*o)>
                "Context"
            </button>
            {move || warning().map(|w| view! { <span class="meter-warning" role="status">{w}</span> })}
            {move || loading().map(|w| view! { <span class="meter-note">{w}</span> })}
        </div>
    }
}
