//! One turn of the send loop as a pure state machine: what happened to the request and
//! its streamed reply comes in as [`TurnEvent`]s, and what to do next goes out as a
//! [`Step`] — keep reading, wait and retry, shrink the context and retry once, or end
//! the reply with an [`Ending`]. The state layer only performs the steps (fetch, sleep,
//! abort, write signals); time and randomness come in as inputs, so every rule here is
//! deterministic and tested natively.

use super::error::{ApiError, ErrorKind};
use super::request::Field;
use super::retry::RetryPolicy;
use super::stream::StreamEvent;
use crate::core::message::{CutOffReason, MessageStatus, Usage};
use crate::core::servers::learned::refused_field;

/// Something that happened to the turn.
#[derive(Clone, Debug, PartialEq)]
pub enum TurnEvent {
    /// An attempt is sent with `prompt_tokens` under `context_budget`.
    Sending {
        prompt_tokens: u32,
        context_budget: u32,
        /// The optional fields the request carries.
        fields: Vec<Field>,
    },
    /// Nothing could be sent (what must be sent is over the budget, or the summary call
    /// before it was stopped).
    NotSent(ApiError),
    /// The response headers arrived with a success status: the body follows.
    Opened,
    /// The request failed before any body: an error status (classified from its status,
    /// body and `Retry-After`), an unreachable endpoint, or an aborted request.
    Refused(ApiError),
    /// A decoded part of the body.
    Stream(StreamEvent),
    /// The body ended.
    BodyEnded,
    /// Reading the body failed (the connection broke, the browser went offline, or the
    /// request was aborted).
    BodyBroke(ApiError),
    /// No bytes arrived for the stall timeout.
    Stalled,
    /// The user pressed Stop (or Cancel on the retry countdown).
    Stop,
}

/// What to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Keep reading.
    KeepGoing,
    /// Append this text to the reply.
    Append(String),
    /// Append this text to the reply's thinking.
    Think(String),
    /// The server refused this field: remember it for the endpoint, and send the
    /// request again at once without it (not counted as a retry).
    Adjust(Field),
    /// Record the usage the API reported for the reply.
    Record(Usage),
    /// Skip a malformed line of the body, with a warning naming it.
    Warn(String),
    /// Abort the request, wait, then send the same request again.
    Retry(RetryWait),
    /// Abort the request and send it once more, planned for this smaller budget.
    Shrink { context_budget: u32 },
    /// The reply is over: abort whatever is left of the request and mark it.
    End(Ending),
}

/// A wait before the next attempt, for the countdown.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryWait {
    pub delay_ms: f64,
    /// This is retry `attempt` of `max`.
    pub attempt: u32,
    pub max: u32,
    pub reason: ApiError,
}

/// How a reply ended: the final mark.
#[derive(Clone, Debug, PartialEq)]
pub enum Ending {
    Complete,
    /// The model ended it early; the text is kept and can be continued.
    CutOff(CutOffReason),
    /// The user stopped it; the text is kept.
    Stopped,
    /// It failed; any text is kept. `retryable`: sending it again may work.
    Failed {
        error: ApiError,
        retryable: bool,
    },
}

impl Ending {
    fn failed(error: ApiError) -> Self {
        Ending::Failed {
            retryable: error.retryable(),
            error,
        }
    }

    /// The end a `finish_reason` means.
    fn finished(reason: &str) -> Self {
        CutOffReason::from_finish_reason(reason).map_or(Ending::Complete, Ending::CutOff)
    }

    /// The message status that records this ending.
    pub fn status(self) -> MessageStatus {
        match self {
            Ending::Complete => MessageStatus::Complete,
            Ending::CutOff(reason) => MessageStatus::CutOff { reason },
            Ending::Stopped => MessageStatus::Stopped,
            Ending::Failed { error, .. } => MessageStatus::Failed { error },
        }
    }
}

/// One reply being requested and received, across its attempts.
#[derive(Clone, Debug)]
pub struct Turn {
    policy: RetryPolicy,
    stall_secs: u32,
    retries: u32,
    /// The model's "too long" of the attempt that shrank the budget, if one did.
    too_long: Option<ApiError>,
    prompt_tokens: u32,
    context_budget: u32,
    /// Whether any reply text arrived in the current attempt.
    arrived: bool,
    finish_reason: Option<String>,
    /// The error a retry is waiting out.
    waiting: Option<ApiError>,
    /// The optional fields of the current attempt's request.
    sent: Vec<Field>,
    /// The fields already left out after a refusal.
    adjusted: Vec<Field>,
    stopped: bool,
    ended: Option<Ending>,
}

impl Turn {
    /// A turn that retries by `policy` and gives up on a silence of `stall_secs`.
    pub fn new(policy: RetryPolicy, stall_secs: u32) -> Self {
        Turn {
            policy,
            stall_secs,
            retries: 0,
            too_long: None,
            prompt_tokens: 0,
            context_budget: 0,
            arrived: false,
            finish_reason: None,
            waiting: None,
            sent: Vec::new(),
            adjusted: Vec::new(),
            stopped: false,
            ended: None,
        }
    }

    /// Whether the turn has ended.
    pub fn is_over(&self) -> bool {
        self.ended.is_some()
    }

    /// Takes in `event`; `random` (uniform in `[0, 1)`) jitters a retry's wait.
    pub fn on(&mut self, event: TurnEvent, random: f64) -> Step {
        if let Some(ending) = &self.ended {
            return Step::End(ending.clone());
        }
        let step = self.decide(event, random);
        if let Step::End(ending) = &step {
            self.ended = Some(ending.clone());
        }
        step
    }

    fn decide(&mut self, event: TurnEvent, random: f64) -> Step {
        match event {
            TurnEvent::Sending {
                prompt_tokens,
                context_budget,
                fields,
            } => {
                self.sent = fields;
                self.prompt_tokens = prompt_tokens;
                self.context_budget = context_budget;
                self.arrived = false;
                self.finish_reason = None;
                self.waiting = None;
                Step::KeepGoing
            }
            TurnEvent::NotSent(error) => {
                // Nothing more could be dropped to fit the smaller budget: the model's
                // own "too long" is the honest explanation.
                let error = match (&self.too_long, error.kind) {
                    (Some(too_long), ErrorKind::OverBudget) => too_long.clone(),
                    _ => error,
                };
                self.end_with(error)
            }
            TurnEvent::Opened => Step::KeepGoing,
            TurnEvent::Refused(error) => match refused_field(&error, &self.sent) {
                Some(field) if !self.stopped && !self.adjusted.contains(&field) => {
                    self.adjusted.push(field);
                    Step::Adjust(field)
                }
                _ => self.failed(error, random),
            },
            TurnEvent::BodyBroke(error)
                if error.kind == ErrorKind::Network && !error.is_offline() =>
            {
                self.failed(self.broken_off(), random)
            }
            TurnEvent::BodyBroke(error) => self.failed(error, random),
            TurnEvent::Stalled => self.failed(ApiError::timeout(self.stall_secs), random),
            TurnEvent::BodyEnded => self.failed(self.broken_off(), random),
            TurnEvent::Stop => {
                self.stopped = true;
                match self.waiting.take() {
                    // Cancelling a countdown leaves the error that caused it.
                    Some(error) => Step::End(Ending::failed(error)),
                    None => Step::End(Ending::Stopped),
                }
            }
            TurnEvent::Stream(event) => self.stream(event, random),
        }
    }

    fn stream(&mut self, event: StreamEvent, random: f64) -> Step {
        match event {
            StreamEvent::Text(text) => {
                self.arrived = true;
                Step::Append(text)
            }
            StreamEvent::Thinking(text) => {
                self.arrived = true;
                Step::Think(text)
            }
            StreamEvent::Finish(reason) => {
                self.finish_reason = Some(reason);
                Step::KeepGoing
            }
            StreamEvent::Usage(usage) => Step::Record(usage),
            StreamEvent::Error(error) => self.failed(error, random),
            StreamEvent::Malformed(line) => Step::Warn(line),
            StreamEvent::Done => Step::End(
                self.finish_reason
                    .as_deref()
                    .map_or(Ending::Complete, Ending::finished),
            ),
        }
    }

    /// The attempt failed with `error`: stopped when the user asked; complete (or cut
    /// off) when the model had already said it was done; retried while nothing arrived
    /// and the error is worth it; failed otherwise, keeping what arrived.
    fn failed(&mut self, error: ApiError, random: f64) -> Step {
        if self.stopped {
            return Step::End(Ending::Stopped);
        }
        if let Some(reason) = &self.finish_reason {
            return Step::End(Ending::finished(reason));
        }
        if self.arrived {
            return Step::End(Ending::failed(error));
        }
        if error.kind == ErrorKind::ContextTooLong && self.too_long.is_none() {
            self.too_long = Some(error);
            return Step::Shrink {
                context_budget: self
                    .context_budget
                    .min(self.prompt_tokens.saturating_mul(3) / 4),
            };
        }
        match self.policy.delay_ms(&error, self.retries, random) {
            Some(delay_ms) => {
                self.retries += 1;
                self.waiting = Some(error.clone());
                Step::Retry(RetryWait {
                    delay_ms,
                    attempt: self.retries,
                    max: self.policy.max_retries,
                    reason: error,
                })
            }
            None => Step::End(Ending::failed(error)),
        }
    }

    /// What it means when the body broke off (the connection broke, or the body ended
    /// before the stream said it was done): the endpoint had answered, so never "could
    /// not reach". Once reply text arrived, the connection was lost and the text is
    /// kept; before, the server closed early, which is retried as a server error.
    fn broken_off(&self) -> ApiError {
        if self.arrived {
            ApiError::connection_lost()
        } else {
            ApiError::closed_before_reply()
        }
    }

    fn end_with(&mut self, error: ApiError) -> Step {
        if self.stopped || error.kind == ErrorKind::Aborted {
            Step::End(Ending::Stopped)
        } else {
            Step::End(Ending::failed(error))
        }
    }
}

#[cfg(test)]
mod tests;
