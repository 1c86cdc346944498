//! The send loop: a user message in, a streamed reply out, and every way that can end.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatState;
use crate::core::message::{Message, MessageId, MessageStatus};
use crate::core::openai::completions_url;
use crate::core::openai::error::ApiError;
use crate::core::openai::request::{full_history, ChatRequest, RequestOptions};
use crate::core::openai::stream::{ReplyDecoder, StreamEvent};
use crate::platform::clock::{new_id, now_ms};
use crate::platform::http::post_stream;

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
        let api_key = self.api_key.get_untracked();
        let options = RequestOptions {
            model: settings.model.clone(),
            temperature: settings.temperature,
            max_output_tokens: settings.max_output_tokens,
            stream: true,
        };
        let body = self.conversation.with_untracked(|c| {
            ChatRequest::new(&options, full_history(&settings.system_prompt, c)).to_json()
        });
        let reply_id = MessageId(new_id());
        let reply = Message::pending_reply(reply_id.clone(), &settings.model, now_ms());
        self.conversation.update(|c| c.push(reply));
        self.streaming.set(Some(reply_id.clone()));
        self.stop_requested.set_value(false);
        self.save();

        let state = *self;
        let url = completions_url(&settings.base_url);
        spawn_local(async move {
            let status = match web_sys::AbortController::new() {
                Ok(controller) => {
                    let signal = controller.signal();
                    state.abort.set_value(Some(controller));
                    state
                        .receive(&url, &api_key, body, &reply_id, &signal)
                        .await
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
