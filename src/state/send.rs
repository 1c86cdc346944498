//! The send loop: a user message in, a streamed reply out, and every way that can end.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatState;
use crate::core::conversation::Summary;
use crate::core::memory::{
    accept_summary, plan_messages, summary_budget, summary_request, ContextPlan, MemoryStrategy,
};
use crate::core::message::{Message, MessageId, MessageStatus};
use crate::core::openai::completions_url;
use crate::core::openai::error::{ApiError, ErrorKind};
use crate::core::openai::request::{ChatRequest, RequestOptions};
use crate::core::openai::response::parse_completion;
use crate::core::openai::stream::{ReplyDecoder, StreamEvent};
use crate::core::settings::Settings;
use crate::platform::clock::{new_id, now_ms};
use crate::platform::http::{post_json, post_stream};

/// While a reply streams, the conversation is saved at most this often.
const SAVE_INTERVAL_MS: f64 = 500.0;

impl ChatState {
    /// Sends the composer's text. Nothing happens for an empty message or while a reply
    /// streams; without a key for OpenAI the settings open and the draft stays.
    pub fn send_draft(&self) {
        let text = self.draft.get_untracked();
        if text.trim().is_empty() || self.is_busy() {
            return;
        }
        if self
            .settings
            .with_untracked(|s| s.needs_setup(&self.api_key.get_untracked()))
        {
            self.settings_open.set(true);
            return;
        }
        let message = Message::user(MessageId(new_id()), text, now_ms());
        self.conversation.update(|c| c.push_user(message));
        self.set_draft(String::new());
        self.request_reply();
    }

    /// Sends a failed user message again.
    pub fn retry(&self, id: MessageId) {
        if self.is_busy() {
            return;
        }
        self.conversation.update(|c| c.mark_resent(&id));
        self.request_reply();
    }

    /// Asks for a reply to the conversation as it stands and streams it in.
    fn request_reply(&self) {
        let settings = self.settings.get_untracked();
        let reply_id = MessageId(new_id());
        let reply = Message::pending_reply(reply_id.clone(), &settings.model, now_ms());
        self.conversation.update(|c| c.push(reply));
        self.streaming.set(Some(reply_id.clone()));
        self.stop_requested.set_value(false);

        let state = *self;
        spawn_local(async move {
            let status = match web_sys::AbortController::new() {
                Ok(controller) => {
                    let signal = controller.signal();
                    state.abort.set_value(Some(controller));
                    state.run_reply(&settings, &reply_id, &signal).await
                }
                Err(_) => MessageStatus::Failed {
                    error: ApiError::network(
                        "This browser cannot cancel requests (no AbortController).",
                    ),
                },
            };
            state.abort.set_value(None);
            state
                .conversation
                .update(|c| c.finish_reply(&reply_id, status, now_ms()));
            state.streaming.set(None);
            state.save();
        });
    }

    /// Plans, sends and receives one reply. A reply refused as too long for the model
    /// is tried once more with a budget a quarter smaller.
    async fn run_reply(
        &self,
        settings: &Settings,
        id: &MessageId,
        signal: &web_sys::AbortSignal,
    ) -> MessageStatus {
        let url = completions_url(&settings.base_url);
        let api_key = self.api_key.get_untracked();
        let mut budget = settings.budget();
        let mut shrunk = false;
        loop {
            let (body, tokens) = match self.prepare(settings, budget, signal).await {
                Ok(prepared) => prepared,
                Err(error) => return self.ended_by(error),
            };
            self.conversation.update_untracked(|c| {
                if let Some(m) = c.message_mut(id) {
                    m.sent_tokens = Some(tokens);
                }
            });
            let status = self.receive(&url, &api_key, body, id, signal).await;
            let empty = self.conversation.with_untracked(|c| {
                c.messages
                    .iter()
                    .any(|m| &m.id == id && m.content.is_empty())
            });
            match status {
                MessageStatus::Failed { error }
                    if error.kind == ErrorKind::ContextTooLong && !shrunk && empty =>
                {
                    shrunk = true;
                    budget.context_budget = budget.context_budget.min(tokens.saturating_mul(3) / 4);
                }
                other => return other,
            }
        }
    }

    /// Decides what to send (folding dropped messages into the summary first, with
    /// Summary memory) and returns the request body and its prompt tokens.
    async fn prepare(
        &self,
        settings: &Settings,
        budget: crate::core::memory::Budget,
        signal: &web_sys::AbortSignal,
    ) -> Result<(String, u32), ApiError> {
        let mut plan = self.exact_plan(budget).await.plan;
        if settings.memory == MemoryStrategy::Summary && !plan.to_summarize.is_empty() {
            self.update_summary(settings, &plan, signal).await?;
            plan = self.exact_plan(budget).await.plan;
        }
        if plan.mandatory_over_limit {
            return Err(ApiError::over_budget(plan.total, plan.limit));
        }
        if plan.exceeds_model() {
            let room = budget.model_window.saturating_sub(budget.reply_reserve);
            return Err(ApiError::over_budget(plan.total, room));
        }
        let messages = self
            .conversation
            .with_untracked(|c| plan_messages(&plan, c, &settings.system_prompt));
        let options = RequestOptions {
            model: settings.model.clone(),
            temperature: settings.temperature,
            max_output_tokens: settings.max_output_tokens,
            stream: true,
        };
        Ok((ChatRequest::new(&options, messages).to_json(), plan.total))
    }

    /// Folds the messages that left the window into the rolling summary with one
    /// non-streamed call. A failed, empty or oversized summary keeps the previous one
    /// and is reported; only the user stopping it is an error.
    async fn update_summary(
        &self,
        settings: &Settings,
        plan: &ContextPlan,
        signal: &web_sys::AbortSignal,
    ) -> Result<(), ApiError> {
        let max = summary_budget(plan.limit);
        let Some((messages, covers_through)) = self.conversation.with_untracked(|c| {
            let dropped: Vec<&Message> =
                plan.to_summarize.iter().map(|&i| &c.messages[i]).collect();
            let last = dropped.last()?.id.clone();
            Some((
                summary_request(c.summary.as_ref().map(|s| s.text.as_str()), &dropped, max),
                last,
            ))
        }) else {
            return Ok(());
        };
        let options = RequestOptions {
            model: settings.model.clone(),
            temperature: 0.2,
            max_output_tokens: Some(max),
            stream: false,
        };
        let body = ChatRequest::new(&options, messages).to_json();
        let reply = post_json(
            &completions_url(&settings.base_url),
            &self.api_key.get_untracked(),
            body,
            signal,
        )
        .await
        .and_then(|text| parse_completion(&text));
        let (text, usage) = match reply {
            Ok(reply) => reply,
            Err(error) if error.kind == ErrorKind::Aborted => return Err(error),
            Err(error) => {
                self.notify(format!(
                    "The summary could not be updated ({}); the previous summary is kept.",
                    error.message
                ));
                return Ok(());
            }
        };
        if let Some(usage) = usage {
            self.conversation.update_untracked(|c| {
                c.summary_usage.prompt_tokens += usage.prompt_tokens;
                c.summary_usage.completion_tokens += usage.completion_tokens;
                c.summary_usage.total_tokens += usage.total_tokens;
            });
        }
        let tokens = self
            .count_text(settings.model_info().encoding, text.trim())
            .await;
        match accept_summary(&text, tokens, max) {
            Ok(text) => self.conversation.update(|c| {
                c.summary = Some(Summary {
                    text,
                    covers_through,
                    created_at: now_ms(),
                    model: settings.model.clone(),
                });
            }),
            Err(rejected) => self.notify(format!(
                "The summary was not updated: {rejected}; the previous summary is kept."
            )),
        }
        Ok(())
    }

    /// Receives the reply into message `id` and says how it ended.
    async fn receive(
        &self,
        url: &str,
        api_key: &str,
        body: String,
        id: &MessageId,
        signal: &web_sys::AbortSignal,
    ) -> MessageStatus {
        let mut stream = match post_stream(url, api_key, body, signal).await {
            Ok(stream) => stream,
            Err(error) => return self.ended_by(error),
        };
        let mut decoder = ReplyDecoder::new();
        let mut finished = false;
        let mut last_save = now_ms();
        while let Some(chunk) = stream.next().await {
            let events = match chunk {
                Ok(bytes) => decoder.feed(&bytes),
                Err(error) => return self.ended_by(error),
            };
            if let Some(error) = self.apply(id, events, &mut finished) {
                return self.ended_by(error);
            }
            if decoder.is_done() {
                break;
            }
            if now_ms() - last_save >= SAVE_INTERVAL_MS {
                self.save();
                last_save = now_ms();
            }
        }
        if let Some(error) = self.apply(id, decoder.finish(), &mut finished) {
            return self.ended_by(error);
        }
        if finished || decoder.is_done() {
            MessageStatus::Complete
        } else {
            self.ended_by(ApiError::network(
                "The connection closed before the reply was complete.",
            ))
        }
    }

    /// Applies decoded events to the reply; returns the error that ends it, if any.
    fn apply(
        &self,
        id: &MessageId,
        events: Vec<StreamEvent>,
        finished: &mut bool,
    ) -> Option<ApiError> {
        let mut grew = false;
        for event in events {
            match event {
                StreamEvent::Text(text) => {
                    self.conversation
                        .update_untracked(|c| c.append_to(id, &text));
                    grew = true;
                }
                StreamEvent::Usage(usage) => {
                    self.conversation
                        .update_untracked(|c| c.set_usage(id, usage));
                }
                StreamEvent::Finish(_) => *finished = true,
                StreamEvent::Error(error) => return Some(error),
                StreamEvent::Malformed(line) => {
                    web_sys::console::warn_1(
                        &format!("Skipped a malformed reply chunk: {line}").into(),
                    );
                }
                StreamEvent::Done => {}
            }
        }
        if grew {
            self.stream_revision.update(|r| *r += 1);
        }
        None
    }

    /// The status a reply ends with after `error`: stopped when the user asked for it.
    fn ended_by(&self, error: ApiError) -> MessageStatus {
        if self.stop_requested.get_value() {
            MessageStatus::Stopped
        } else {
            MessageStatus::Failed { error }
        }
    }
}
