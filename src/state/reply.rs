//! Performing a turn: core's [`Turn`] decides, this fetches, reads, sleeps, aborts and
//! writes the reply into its own conversation (open or in the background).

use leptos::prelude::*;

use super::ChatState;
use crate::core::conversation::ConversationId;
use crate::core::memory::{plan_messages, Budget, MemoryStrategy};
use crate::core::message::{MessageId, MessageStatus, Role};
use crate::core::openai::completions_url;
use crate::core::openai::error::ApiError;
use crate::core::openai::request::{ChatRequest, Field, WireMessage};
use crate::core::openai::retry::RetryPolicy;
use crate::core::openai::stream::{ReplyDecoder, StreamEvent};
use crate::core::openai::turn::{Ending, RetryWait, Step, Turn, TurnEvent};
use crate::core::servers::learned;
use crate::core::settings::Settings;
use crate::platform::clock::{now_ms, sleep};
use crate::platform::http::post_stream;
use futures::future::{select, Either};

/// While a reply streams, its conversation is saved at most this often.
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

/// The reply a turn writes into, and where it lives.
pub(super) struct Target {
    pub conversation: ConversationId,
    pub reply: MessageId,
    /// For a continuation: the reply's status before it resumed.
    pub resuming: Option<MessageStatus>,
}

impl ChatState {
    /// Plans, sends and receives one reply, attempt after attempt, as the turn decides.
    pub(super) async fn run_turn(&self, settings: &Settings, target: &Target) -> Ending {
        let mut settings = settings.clone();
        let settings = &mut settings;
        let url = completions_url(&settings.base_url);
        let headers = settings.server().headers(&self.api_key.get_untracked());
        let mut turn = Turn::new(RetryPolicy::default(), settings.stall_timeout_secs);
        let mut budget = settings.budget();
        loop {
            let step = match self.new_signal() {
                None => self.step(
                    &mut turn,
                    TurnEvent::NotSent(ApiError::network(
                        "This browser cannot cancel requests (no AbortController).",
                    )),
                ),
                Some(signal) => match self.prepare(settings, budget, &signal, target).await {
                    Err(error) => self.step(&mut turn, TurnEvent::NotSent(error)),
                    Ok((body, fields, tokens)) => {
                        self.edit_conversation(&target.conversation, true, |c| {
                            if let Some(m) = c.message_mut(&target.reply) {
                                m.sent_tokens = Some(tokens);
                                m.status = MessageStatus::Streaming;
                            }
                        });
                        self.save_conversation(&target.conversation);
                        let sending = TurnEvent::Sending {
                            prompt_tokens: tokens,
                            context_budget: budget.context_budget,
                            fields,
                        };
                        match self.step(&mut turn, sending) {
                            Step::KeepGoing => {
                                self.receive(
                                    settings, &url, &headers, body, target, &signal, &mut turn,
                                )
                                .await
                            }
                            other => other,
                        }
                    }
                },
            };
            self.abort_request();
            match step {
                Step::End(ending) => {
                    self.note_usage(settings, target, &ending);
                    return ending;
                }
                Step::Shrink { context_budget } => budget.context_budget = context_budget,
                Step::Adjust(field) => {
                    let model = settings.model.clone();
                    learned::update(&mut settings.endpoints, &settings.base_url.clone(), |e| {
                        e.learn(field, &model);
                    });
                    self.change_endpoint(&settings.base_url, |e| {
                        e.learn(field, &model);
                    });
                }
                Step::Retry(wait) => {
                    if !self.wait_to_retry(&wait).await {
                        if let Step::End(ending) = self.step(&mut turn, TurnEvent::Stop) {
                            return ending;
                        }
                    }
                }
                // Receiving only returns once the attempt is over.
                Step::KeepGoing
                | Step::Append(_)
                | Step::Think(_)
                | Step::Record(_)
                | Step::Warn(_) => {}
            }
        }
    }

    /// Passes `event` to the turn; once the user asked to stop, the turn hears that first.
    fn step(&self, turn: &mut Turn, event: TurnEvent) -> Step {
        if self.stop_requested.get_value() {
            return turn.on(TurnEvent::Stop, 0.0);
        }
        turn.on(event, js_sys::Math::random())
    }

    /// A fresh abort signal for the next attempt; Stop aborts it.
    fn new_signal(&self) -> Option<web_sys::AbortSignal> {
        let controller = web_sys::AbortController::new().ok()?;
        let signal = controller.signal();
        self.abort.set_value(Some(controller));
        Some(signal)
    }

    /// Cancels whatever is left of the current attempt's request.
    fn abort_request(&self) {
        self.abort.with_value(|a| {
            if let Some(controller) = a {
                controller.abort();
            }
        });
    }

    /// Counts down the wait in the transcript. Returns false when the user cancelled.
    async fn wait_to_retry(&self, wait: &RetryWait) -> bool {
        let until = now_ms() + wait.delay_ms;
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
                attempt: wait.attempt,
                max: wait.max,
                reason: wait.reason.message.clone(),
            }));
            sleep(left.min(250.0)).await;
        }
    }

    /// Decides what to send (folding dropped messages into the summary first, with
    /// Summary memory) and returns the request body and its prompt tokens. A reply being
    /// continued is sent as context on every attempt.
    async fn prepare(
        &self,
        settings: &Settings,
        budget: Budget,
        signal: &web_sys::AbortSignal,
        target: &Target,
    ) -> Result<(String, Vec<Field>, u32), ApiError> {
        let view = || {
            self.read_conversation_of(&target.conversation, |c| match &target.resuming {
                Some(before) => c.resuming(&target.reply, before),
                None => c.clone(),
            })
            .ok_or_else(ApiError::aborted)
        };
        let mut conversation = view()?;
        let mut plan = self.exact_plan(settings, &conversation, budget).await.plan;
        if settings.memory == MemoryStrategy::Summary && !plan.to_summarize.is_empty() {
            self.update_summary(settings, &plan, &conversation, signal)
                .await?;
            conversation = view()?;
            plan = self.exact_plan(settings, &conversation, budget).await.plan;
        }
        if plan.mandatory_over_limit {
            return Err(ApiError::over_budget(plan.total, plan.limit));
        }
        if plan.exceeds_model() {
            let room = budget.model_window.saturating_sub(budget.reply_reserve);
            return Err(ApiError::over_budget(plan.total, room));
        }
        let mut messages = plan_messages(&plan, &conversation, &settings.system_prompt);
        let mut total = plan.total;
        if target.resuming.is_some() {
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
        let request = ChatRequest::new(&settings.request_options(true), messages);
        Ok((request.to_json(), request.fields(), total))
    }

    /// Receives one attempt's reply into the target and returns the step that ended the
    /// attempt (an ending, a retry or a shrink).
    #[allow(clippy::too_many_arguments)]
    async fn receive(
        &self,
        settings: &Settings,
        url: &str,
        headers: &[(String, String)],
        body: String,
        target: &Target,
        signal: &web_sys::AbortSignal,
        turn: &mut Turn,
    ) -> Step {
        let stall_ms = f64::from(settings.stall_timeout_secs) * 1000.0;
        let response = {
            let request = std::pin::pin!(post_stream(url, headers, body, signal));
            let stall = std::pin::pin!(sleep(stall_ms));
            match select(request, stall).await {
                Either::Left((response, _)) => response,
                Either::Right(_) => return self.step(turn, TurnEvent::Stalled),
            }
        };
        let mut stream = match response {
            Ok(stream) => stream,
            Err(error) => {
                let error = self.explain_unreachable(settings, error).await;
                return self.step(turn, TurnEvent::Refused(error));
            }
        };
        self.step(turn, TurnEvent::Opened);
        let mut decoder = ReplyDecoder::new();
        let mut last_save = now_ms();
        loop {
            let chunk = {
                let next = std::pin::pin!(stream.next());
                let stall = std::pin::pin!(sleep(stall_ms));
                match select(next, stall).await {
                    Either::Left((chunk, _)) => chunk,
                    Either::Right(_) => return self.step(turn, TurnEvent::Stalled),
                }
            };
            let events = match chunk {
                Some(Ok(bytes)) => decoder.feed(&bytes),
                Some(Err(error)) => return self.step(turn, TurnEvent::BodyBroke(error)),
                None => {
                    if let Some(step) = self.apply(turn, target, decoder.finish()) {
                        return step;
                    }
                    return self.step(turn, TurnEvent::BodyEnded);
                }
            };
            if let Some(step) = self.apply(turn, target, events) {
                return step;
            }
            if now_ms() - last_save >= SAVE_INTERVAL_MS {
                self.save_conversation(&target.conversation);
                last_save = now_ms();
            }
        }
    }

    /// Remembers whether the endpoint reports usage in streams, from a complete reply.
    fn note_usage(&self, settings: &Settings, target: &Target, ending: &Ending) {
        if *ending != Ending::Complete {
            return;
        }
        let Some(missing) = self.read_conversation_of(&target.conversation, |c| {
            c.messages
                .iter()
                .find(|m| m.id == target.reply)
                .map(|m| m.usage.is_none())
        }) else {
            return;
        };
        if let Some(missing) = missing {
            self.change_endpoint(&settings.base_url, |e| e.no_stream_usage = missing);
        }
    }

    /// Performs the steps for decoded events; returns the one that ends the attempt.
    fn apply(&self, turn: &mut Turn, target: &Target, events: Vec<StreamEvent>) -> Option<Step> {
        let mut grew = false;
        let mut over = None;
        for event in events {
            match self.step(turn, TurnEvent::Stream(event)) {
                Step::Append(text) => {
                    self.edit_conversation(&target.conversation, false, |c| {
                        c.append_to(&target.reply, &text)
                    });
                    grew = true;
                }
                Step::Think(text) => {
                    self.edit_conversation(&target.conversation, false, |c| {
                        c.think(&target.reply, &text)
                    });
                    grew = true;
                }
                Step::Record(usage) => {
                    self.edit_conversation(&target.conversation, false, |c| {
                        c.set_usage(&target.reply, usage)
                    });
                }
                Step::Warn(line) => web_sys::console::warn_1(
                    &format!("Skipped a malformed reply chunk: {line}").into(),
                ),
                Step::KeepGoing => {}
                other => {
                    over = Some(other);
                    break;
                }
            }
        }
        if grew {
            self.stream_revision.update(|r| *r += 1);
        }
        over
    }
}
