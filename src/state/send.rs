//! The send loop: a user message in, a streamed reply out, and every way that can end.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatState;
use crate::core::conversation::Summary;
use crate::core::memory::{
    judge_summary, plan_messages, summary_budget, summary_options, summary_request, ContextPlan,
    MemoryStrategy, SummaryVerdict,
};
use crate::core::message::Role;
use crate::core::message::{Message, MessageId, MessageStatus};
use crate::core::openai::completions_url;
use crate::core::openai::error::{ApiError, ErrorKind};
use crate::core::openai::request::WireMessage;
use crate::core::openai::request::{ChatRequest, RequestOptions};
use crate::core::openai::response::parse_completion;
use crate::core::openai::retry::RetryPolicy;
use crate::core::openai::stream::{ReplyDecoder, StreamEvent};
use crate::core::settings::Settings;
use crate::platform::clock::{new_id, now_ms, sleep};
use crate::platform::http::{post_json, post_stream};
use futures::future::{select, Either};

/// While a reply streams, the conversation is saved at most this often.
const SAVE_INTERVAL_MS: f64 = 500.0;

/// What is asked of the model to continue a reply that was cut off.
const CONTINUE_PROMPT: &str =
    "Continue exactly where your previous reply stopped, without repeating anything.";

/// A retry that is waiting, for the countdown in the transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryNotice {
    pub seconds_left: u32,
    /// This is retry `attempt` of `max`.
    pub attempt: u32,
    pub max: u32,
    pub reason: String,
}

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

    /// Sends a failed user message again, or regenerates a reply that was cut off (the
    /// partial text is replaced by the new reply).
    pub fn retry(&self, id: MessageId) {
        if self.is_busy() {
            return;
        }
        self.conversation
            .update(|c| match c.messages.iter().position(|m| m.id == id) {
                Some(i) if c.messages[i].role == Role::Assistant => {
                    c.remove_messages(|j, _| j == i);
                }
                _ => c.mark_resent(&id),
            });
        self.request_reply();
    }

    /// Asks the model to continue a reply that was stopped or cut off; the continuation
    /// is appended to it.
    pub fn continue_reply(&self, id: MessageId) {
        if self.is_busy() {
            return;
        }
        let settings = self.effective.get_untracked();
        self.streaming.set(Some(id.clone()));
        self.stop_requested.set_value(false);
        let state = *self;
        spawn_local(async move {
            let status = state.run_reply(&settings, &id, true).await;
            state.finish(&id, status);
        });
    }

    /// Puts a failed message back into the composer to be edited and sent again.
    pub fn edit_failed(&self, id: MessageId) {
        let Some(text) = self.conversation.with_untracked(|c| {
            c.messages
                .iter()
                .find(|m| m.id == id && matches!(m.status, MessageStatus::Failed { .. }))
                .map(|m| m.content.clone())
        }) else {
            return;
        };
        let draft = self.draft.get_untracked();
        let merged = if draft.trim().is_empty() {
            text
        } else {
            format!("{text}\n\n{draft}")
        };
        self.set_draft(merged);
        self.conversation
            .update(|c| c.remove_messages(|_, m| m.id == id));
        self.save();
    }

    /// Asks for a reply to the conversation as it stands and streams it in.
    pub(super) fn request_reply(&self) {
        let settings = self.effective.get_untracked();
        let reply_id = MessageId(new_id());
        let reply = Message::pending_reply(reply_id.clone(), &settings.model, now_ms());
        self.conversation.update(|c| c.push(reply));
        self.streaming.set(Some(reply_id.clone()));
        self.stop_requested.set_value(false);
        let state = *self;
        spawn_local(async move {
            let status = state.run_reply(&settings, &reply_id, false).await;
            state.finish(&reply_id, status);
        });
    }

    /// Records how a reply ended and saves.
    fn finish(&self, id: &MessageId, status: MessageStatus) {
        self.abort.set_value(None);
        self.retrying.set(None);
        self.conversation
            .update(|c| c.finish_reply(id, status, now_ms()));
        self.streaming.set(None);
        self.save();
    }

    /// Plans, sends and receives one reply into message `id`. Rate limits, server and
    /// network errors are retried with backoff while nothing has arrived yet; a reply
    /// refused as too long for the model is tried once more with a smaller budget.
    async fn run_reply(
        &self,
        settings: &Settings,
        id: &MessageId,
        continuing: bool,
    ) -> MessageStatus {
        let url = completions_url(&settings.base_url);
        let api_key = self.api_key.get_untracked();
        let policy = RetryPolicy::default();
        let mut budget = settings.budget();
        let mut shrunk = false;
        let mut too_long: Option<ApiError> = None;
        let mut retry = 0;
        loop {
            let Some(signal) = self.new_signal() else {
                return MessageStatus::Failed {
                    error: ApiError::network(
                        "This browser cannot cancel requests (no AbortController).",
                    ),
                };
            };
            let (body, tokens) = match self.prepare(settings, budget, &signal, continuing).await {
                Ok(prepared) => prepared,
                // Nothing more could be dropped to fit the smaller budget: the model's
                // own "too long" is the honest explanation.
                Err(error) if shrunk && error.kind == ErrorKind::OverBudget => {
                    return MessageStatus::Failed {
                        error: too_long.clone().unwrap_or(error),
                    }
                }
                Err(error) => return self.ended_by(error),
            };
            let length_before = self.content_len(id);
            self.conversation.update(|c| {
                if let Some(m) = c.message_mut(id) {
                    m.sent_tokens = Some(tokens);
                    m.status = MessageStatus::Streaming;
                }
            });
            self.save();
            let status = self
                .receive(
                    &url,
                    &api_key,
                    body,
                    id,
                    &signal,
                    settings.stall_timeout_secs,
                )
                .await;
            let nothing_arrived = self.content_len(id) == length_before;
            let error = match status {
                MessageStatus::Failed { error }
                    if nothing_arrived && !self.stop_requested.get_value() =>
                {
                    error
                }
                other => return other,
            };
            if error.kind == ErrorKind::ContextTooLong && !shrunk {
                shrunk = true;
                too_long = Some(error.clone());
                budget.context_budget = budget.context_budget.min(tokens.saturating_mul(3) / 4);
                continue;
            }
            match policy.delay_ms(&error, retry, js_sys::Math::random()) {
                Some(delay) => {
                    retry += 1;
                    if !self
                        .wait_to_retry(delay, retry, policy.max_retries, &error)
                        .await
                    {
                        return MessageStatus::Failed { error };
                    }
                }
                None => return MessageStatus::Failed { error },
            }
        }
    }

    /// A fresh abort signal for the next attempt; Stop aborts it.
    fn new_signal(&self) -> Option<web_sys::AbortSignal> {
        let controller = web_sys::AbortController::new().ok()?;
        let signal = controller.signal();
        self.abort.set_value(Some(controller));
        Some(signal)
    }

    fn content_len(&self, id: &MessageId) -> usize {
        self.conversation.with_untracked(|c| {
            c.messages
                .iter()
                .find(|m| &m.id == id)
                .map_or(0, |m| m.content.len())
        })
    }

    /// Counts down `delay_ms` in the transcript. Returns false when the user cancelled.
    async fn wait_to_retry(&self, delay_ms: f64, attempt: u32, max: u32, error: &ApiError) -> bool {
        let until = now_ms() + delay_ms;
        loop {
            let left = until - now_ms();
            if self.stop_requested.get_value() {
                self.retrying.set(None);
                return false;
            }
            if left <= 0.0 {
                self.retrying.set(None);
                return true;
            }
            self.retrying.set(Some(RetryNotice {
                seconds_left: (left / 1000.0).ceil() as u32,
                attempt,
                max,
                reason: error.message.clone(),
            }));
            sleep(left.min(250.0)).await;
        }
    }

    /// Decides what to send (folding dropped messages into the summary first, with
    /// Summary memory) and returns the request body and its prompt tokens.
    async fn prepare(
        &self,
        settings: &Settings,
        budget: crate::core::memory::Budget,
        signal: &web_sys::AbortSignal,
        continuing: bool,
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
        let mut messages = self
            .conversation
            .with_untracked(|c| plan_messages(&plan, c, &settings.system_prompt));
        let mut total = plan.total;
        if continuing {
            messages.push(WireMessage {
                role: Role::User,
                content: CONTINUE_PROMPT.to_string(),
            });
            let encoding = settings.model_info().encoding;
            total += crate::core::tokens::message_tokens(
                self.count_text(encoding, CONTINUE_PROMPT).await,
                None,
            );
        }
        let options = RequestOptions {
            model: settings.model.clone(),
            temperature: settings.temperature,
            max_output_tokens: settings.max_output_tokens,
            stream: true,
            reasoning_effort: None,
        };
        Ok((ChatRequest::new(&options, messages).to_json(), total))
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
        for attempt in 0..2 {
            let options = summary_options(&settings.model, max, attempt);
            let body = ChatRequest::new(&options, messages.clone()).to_json();
            let reply = post_json(
                &completions_url(&settings.base_url),
                &self.api_key.get_untracked(),
                body,
                signal,
            )
            .await
            .and_then(|text| parse_completion(&text));
            let reply = match reply {
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
            if let Some(usage) = reply.usage {
                self.conversation
                    .update_untracked(|c| c.summary_usage.add(&usage));
            }
            let tokens = self
                .count_text(settings.model_info().encoding, reply.text.trim())
                .await;
            match judge_summary(
                &reply.text,
                reply.finish_reason.as_deref(),
                tokens,
                max,
                attempt,
            ) {
                SummaryVerdict::Accept(text) => {
                    self.conversation.update(|c| {
                        c.summary = Some(Summary {
                            text,
                            covers_through,
                            created_at: now_ms(),
                            model: settings.model.clone(),
                        });
                    });
                    return Ok(());
                }
                SummaryVerdict::TryAgainWithMoreRoom => {}
                SummaryVerdict::Reject(rejected) => {
                    self.notify(format!(
                        "The summary was not updated: {rejected}; the previous summary is kept."
                    ));
                    return Ok(());
                }
            }
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
        stall_secs: u32,
    ) -> MessageStatus {
        let stall_ms = f64::from(stall_secs) * 1000.0;
        let response = {
            let request = std::pin::pin!(post_stream(url, api_key, body, signal));
            let stall = std::pin::pin!(sleep(stall_ms));
            match select(request, stall).await {
                Either::Left((response, _)) => response,
                Either::Right(_) => return self.stalled(stall_secs),
            }
        };
        let mut stream = match response {
            Ok(stream) => stream,
            Err(error) => return self.ended_by(error),
        };
        let mut decoder = ReplyDecoder::new();
        let mut finished = false;
        let mut last_save = now_ms();
        loop {
            let chunk = {
                let next = std::pin::pin!(stream.next());
                let stall = std::pin::pin!(sleep(stall_ms));
                match select(next, stall).await {
                    Either::Left((chunk, _)) => chunk,
                    Either::Right(_) => return self.stalled(stall_secs),
                }
            };
            let Some(chunk) = chunk else { break };
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

    /// Cancels a request that sent nothing for `secs` seconds.
    fn stalled(&self, secs: u32) -> MessageStatus {
        self.abort.with_value(|a| {
            if let Some(controller) = a {
                controller.abort();
            }
        });
        self.ended_by(ApiError::timeout(secs))
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
