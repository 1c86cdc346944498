//! The numbers of a conversation: messages, tokens, cost.

use leptos::prelude::*;

use crate::core::stats::format_count as tokens;
use crate::core::stats::{calibration, stats};
use crate::state::ChatState;

/// Messages, tokens the next request sends, tokens used so far (summary calls included)
/// and their estimated cost (or that it is unknown), and the last request's count next to the API's.
#[component]
pub fn ConversationStats() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let figures = move || {
        let plan = state.plan.get();
        state.effective.with(|s| {
            state
                .conversation
                .with(|c| stats(c, &plan.plan, &s.model_info(), &s.known_models()))
        })
    };
    let approx = move || state.effective.with(|s| !s.exact_tokens());
    view! {
        <dl class="stats">
            <dt>"Messages"</dt>
            <dd data-testid="message-count">{move || {
                let f = figures();
                match f.other_versions {
                    0 => f.messages.to_string(),
                    n => format!("{} shown · {n} on other versions (their usage is counted below)", f.messages),
                }
            }}</dd>
            <dt>"Next request"</dt>
            <dd>{move || format!("{}{} tokens", if approx() { "≈" } else { "" }, tokens(figures().next_request_tokens))}</dd>
            <dt>"Last request"</dt>
            <dd>
                {move || approx().then_some("≈")}
                <span data-testid="last-prompt-tokens">{move || figures().last_sent_tokens.map(tokens).unwrap_or_else(|| "–".into())}</span>
                {move || {
                    let f = figures();
                    f.last_reported_tokens.map(|n| if approx() {
                        format!(" estimated · server reported {} ({} the estimate)", tokens(n),
                            calibration(f.last_sent_tokens, Some(n)).unwrap_or_default())
                    } else {
                        format!(" counted · API reported {}", tokens(n))
                    })
                }}
            </dd>
            <dt>"Used"</dt>
            <dd>{move || {
                let u = figures().used;
                let reasoning = if u.reasoning_tokens > 0 {
                    format!(", {} of them reasoning", tokens(u.reasoning_tokens))
                } else {
                    String::new()
                };
                format!("{} tokens ({} in, {} out{reasoning})", tokens(u.total_tokens), tokens(u.prompt_tokens), tokens(u.completion_tokens))
            }}</dd>
            <dt>"Cost"</dt>
            <dd>{move || figures().cost_text()}</dd>
        </dl>
    }
}
