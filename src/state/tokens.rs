//! Counting tokens for the state: a cache of exact counts filled in the background by
//! the tokenizer worker, estimates until then, and the plan of the next request.

use std::borrow::Cow;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatState;
use crate::core::conversation::Conversation;
use crate::core::memory::{plan_messages, select_context, summary_message, Budget, ContextPlan};
use crate::core::message::{Message, MessageId};
use crate::core::openai::request::ChatRequest;
use crate::core::settings::Settings;
use crate::core::tokens::{Encoding, TokenCache};
use crate::platform::clock::now_ms;

/// Where the tokenizer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenizerState {
    /// Counts are estimates until the vocabulary has loaded.
    Loading,
    Ready,
    /// The worker or the vocabulary failed; counts stay estimates.
    Failed(String),
}

/// The plan of the next request and whether every count in it is exact.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanView {
    pub plan: ContextPlan,
    pub exact: bool,
}

/// Every text whose count a request for `conversation` may need.
fn texts_of<'a>(
    settings: &'a Settings,
    conversation: &'a Conversation,
    extra: &'a str,
) -> impl Iterator<Item = String> + 'a {
    let summary = conversation
        .summary
        .as_ref()
        .map(|s| summary_message(&s.text));
    conversation
        .messages
        .iter()
        .map(|m| m.content.clone())
        .chain([settings.system_prompt.clone(), extra.to_string()])
        .chain(summary)
        .filter(|t| !t.is_empty())
}

/// `conversation` with `draft` as its new user message, when there is a draft. The
/// draft has the empty id, which Mnemo never gives a stored message.
fn with_draft<'a>(conversation: &'a Conversation, draft: &str) -> Cow<'a, Conversation> {
    if draft.trim().is_empty() {
        Cow::Borrowed(conversation)
    } else {
        let mut with_draft = conversation.clone();
        with_draft.push(Message::user(MessageId(String::new()), draft, now_ms()));
        Cow::Owned(with_draft)
    }
}

/// The plan for `conversation` (with `draft` as a new user message when not empty),
/// from cached counts and estimates. The plan shown (the transcript's badges, the meter,
/// the inspector), the preview of the next request and the request itself all come
/// from here.
pub fn plan_for(
    settings: &Settings,
    conversation: &Conversation,
    draft: &str,
    budget: Budget,
    cache: &TokenCache,
) -> PlanView {
    let encoding = settings.model_info().encoding;
    // Another server's model has a tokenizer of its own: o200k only estimates it.
    let mut exact = settings.exact_tokens();
    let count = |text: &str| {
        let (n, is_exact) = cache.count_or_estimate(text, encoding);
        exact &= is_exact;
        n
    };
    let plan = select_context(
        &with_draft(conversation, draft),
        &settings.system_prompt,
        settings.memory,
        budget,
        count,
    );
    PlanView { plan, exact }
}

impl ChatState {
    /// The count of `text` for the selected model: exact when known (`true`), an
    /// estimate otherwise. Reactive: re-runs when exact counts arrive.
    pub fn count_of(&self, text: &str) -> (u32, bool) {
        self.counts_revision.track();
        let (encoding, own) = self
            .effective
            .with(|s| (s.model_info().encoding, s.exact_tokens()));
        let (count, exact) = self
            .token_cache
            .with_value(|cache| cache.count_or_estimate(text, encoding));
        (count, exact && own)
    }

    /// The JSON body of the next request as it would be sent now (the draft included as
    /// the new user message), pretty-printed. The API key is never part of it.
    pub fn next_request_preview(&self) -> String {
        let plan = self.plan.get();
        self.effective.with(|s| {
            self.conversation.with(|c| {
                self.draft_for_plan.with(|draft| {
                    let conversation = with_draft(c, draft);
                    let messages = plan_messages(&plan.plan, &conversation, &s.system_prompt);
                    let body = ChatRequest::new(&s.request_options(true), messages).to_json();
                    pretty_json(&body).unwrap_or(body)
                })
            })
        })
    }

    /// Counts, in the background, every text the next request may need that is not
    /// counted yet.
    pub(super) fn count_in_background(&self) {
        let state = *self;
        let (encoding, texts) = self.effective.with_untracked(|s| {
            self.conversation.with_untracked(|c| {
                (
                    s.model_info().encoding,
                    texts_of(s, c, &self.draft_for_plan.get_untracked()).collect::<Vec<_>>(),
                )
            })
        });
        spawn_local(async move {
            state.ensure_counted(encoding, texts).await;
        });
    }

    /// Makes sure every text in `texts` has an exact count in the cache. Returns
    /// whether that worked (the tokenizer may be unavailable).
    pub(super) async fn ensure_counted(&self, encoding: Encoding, texts: Vec<String>) -> bool {
        let missing: Vec<String> = self.token_cache.with_value(|cache| {
            cache
                .missing(texts.iter().map(String::as_str), encoding)
                .into_iter()
                .map(String::from)
                .collect()
        });
        if missing.is_empty() {
            return true;
        }
        let Some(tokenizer) = self.tokenizer.get_value() else {
            return false;
        };
        match tokenizer.count(encoding, missing.clone()).await {
            Ok(counts) => {
                self.token_cache.update_value(|cache| {
                    for (text, n) in missing.iter().zip(counts) {
                        cache.insert(text, encoding, n);
                    }
                });
                self.tokenizer_state.set(TokenizerState::Ready);
                self.counts_revision.update(|r| *r += 1);
                true
            }
            Err(error) => {
                self.tokenizer_state.set(TokenizerState::Failed(error));
                false
            }
        }
    }

    /// Counts everything a request for `conversation` needs, then returns its plan for
    /// `budget` under `settings`.
    pub(super) async fn exact_plan(
        &self,
        settings: &Settings,
        conversation: &Conversation,
        budget: Budget,
    ) -> PlanView {
        let encoding = settings.model_info().encoding;
        let texts = texts_of(settings, conversation, "").collect::<Vec<_>>();
        // A request never waits on the tokenizer for long: past this, estimates are used
        // (and shown as such) rather than holding the message back.
        const COUNT_WAIT_MS: f64 = 5_000.0;
        let counting = std::pin::pin!(self.ensure_counted(encoding, texts));
        let patience = std::pin::pin!(crate::platform::clock::sleep(COUNT_WAIT_MS));
        futures::future::select(counting, patience).await;
        self.token_cache
            .with_value(|cache| plan_for(settings, conversation, "", budget, cache))
    }

    /// The exact count of `text`, counting it first if needed; an estimate if the
    /// tokenizer is unavailable.
    pub(super) async fn count_text(&self, encoding: Encoding, text: &str) -> u32 {
        self.ensure_counted(encoding, vec![text.to_string()]).await;
        self.token_cache
            .with_value(|cache| cache.count_or_estimate(text, encoding).0)
    }
}

/// `json` indented by the browser's own JSON (a `serde_json::Value` round trip would add
/// its parser and pretty printer to the app's wasm).
fn pretty_json(json: &str) -> Option<String> {
    let value = js_sys::JSON::parse(json).ok()?;
    js_sys::JSON::stringify_with_replacer_and_space(
        &value,
        &wasm_bindgen::JsValue::NULL,
        &wasm_bindgen::JsValue::from_f64(2.0),
    )
    .ok()
    .and_then(|s| s.as_string())
}
