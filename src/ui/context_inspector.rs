//! The context inspector: every message's fate and tokens, the summary, the stats and
//! the exact JSON of the next request.

use leptos::prelude::*;

use super::conversation_stats::ConversationStats;
use crate::core::stats::format_count as tokens;
use crate::state::ChatState;

/// The panel that shows exactly what the model will be sent.
#[component]
pub fn ContextInspector() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let rows = move || {
        let plan = state.plan.get();
        state.conversation.with(|c| {
            c.messages
                .iter()
                .filter_map(|m| {
                    let e = plan.plan.entry(&m.id)?;
                    let snippet: String = m.content.chars().take(80).collect();
                    Some((m.role.as_str(), snippet, e.tokens, e.fate.label()))
                })
                .collect::<Vec<_>>()
        })
    };
    let summary_text = RwSignal::new(String::new());
    Effect::new(move |_| {
        summary_text.set(state.conversation.with(|c| {
            c.summary
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default()
        }));
    });
    // The count follows the text as it is edited; the saved summary's cost when sent.
    let summary_tokens = move || {
        let stored = state.conversation.with(|c| {
            c.summary
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default()
        });
        if summary_text.with(|t| *t == stored) {
            return state
                .plan
                .with(|p| format!("{} tokens when sent", tokens(p.plan.summary_tokens)));
        }
        let (n, exact) = summary_text.with(|t| state.count_of(t));
        format!(
            "{}{} tokens as edited (not saved yet)",
            if exact { "" } else { "≈" },
            tokens(n)
        )
    };
    let has_summary = move || state.conversation.with(|c| c.summary.is_some());
    // With versions, only the path on screen is sent.
    let path_note = move || {
        state.conversation.with(|c| {
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let (shown, other) = (c.messages.len(), c.branches.len());
            (other > 0).then(|| {
                format!(
                    "Only the versions shown in the chat are sent: the {shown} message{} of this path. The {other} message{} on other versions {} kept, not sent.",
                    plural(shown),
                    plural(other),
                    if other == 1 { "is" } else { "are" },
                )
            })
        })
    };
    view! {
        <aside class="inspector" aria-label="Context inspector" tabindex="0">
            <h2>"Context inspector"</h2>
            <ConversationStats />
            <h3>"Messages"</h3>
            {move || path_note().map(|n| view! { <p class="help" data-testid="path-note">{n}</p> })}
            <table class="plan">
                <thead><tr><th>"Role"</th><th>"Message"</th><th>"Tokens"</th><th>"Context"</th></tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|(role, snippet, n, fate)| view! {
                        <tr data-fate=fate><td>{role}</td><td>{snippet}</td><td>{tokens(n)}</td><td><span class="badge">{fate}</span></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>"Summary"</h3>
            <Show when=has_summary fallback=|| view! { <p class="help">"No summary yet. With Summary memory, messages that leave the window are summarised here."</p> }>
                <textarea aria-label="Summary" rows="5" prop:value=move || summary_text.get()
                    on:input=move |ev| summary_text.set(event_target_value(&ev))></textarea>
                <p class="help" data-testid="summary-tokens">{summary_tokens}</p>
                <button type="button" on:click=move |_| state.edit_summary(summary_text.get_untracked())>"Save summary"</button>
            </Show>
            <h3>"Next request"</h3>
            <p class="help">"Sent to the Base URL with your key in the Authorization header (never shown here)."</p>
            <pre class="payload" data-testid="next-request" tabindex="0">{move || state.next_request_preview()}</pre>
        </aside>
    }
}
