//! Summary memory's extra call: folding the messages that left the window into the
//! rolling summary, as core's summary policy judges the reply.

use super::ChatState;
use crate::core::conversation::{Conversation, Summary};
use crate::core::memory::{
    judge_summary, summary_budget, summary_options, summary_request, ContextPlan, SummaryVerdict,
};
use crate::core::openai::completions_url;
use crate::core::openai::error::{ApiError, ErrorKind};
use crate::core::openai::request::ChatRequest;
use crate::core::openai::response::parse_completion;
use crate::core::settings::Settings;
use crate::platform::clock::now_ms;
use crate::platform::http::post_json;
use leptos::prelude::*;

impl ChatState {
    /// Folds the messages that left the window into the rolling summary of
    /// `conversation` with one non-streamed call (and one more, with more room, when the
    /// reply came back empty or cut off). A failed, empty, cut-off or oversized summary
    /// keeps the previous one and is reported, and the reply is sent all the same; only
    /// the user stopping it is an error.
    pub(super) async fn update_summary(
        &self,
        settings: &Settings,
        plan: &ContextPlan,
        conversation: &Conversation,
        signal: &web_sys::AbortSignal,
    ) -> Result<(), ApiError> {
        let max = summary_budget(plan.limit);
        let dropped = plan.summary_input(conversation);
        let Some(covers_through) = dropped.last().map(|m| m.id.clone()) else {
            return Ok(());
        };
        let previous = conversation.summary.as_ref().map(|s| s.text.as_str());
        let messages = summary_request(previous, &dropped, max);
        let id = &conversation.id;
        for attempt in 0..2 {
            let mut options = summary_options(&settings.model, max, attempt);
            options.shape = settings.request_options(false).shape;
            let body = ChatRequest::new(&options, messages.clone()).to_json();
            let reply = post_json(
                &completions_url(&settings.base_url),
                &settings.server().headers(&self.api_key.get_untracked()),
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
                self.edit_conversation(id, false, |c| c.summary_usage.add(&usage));
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
                    self.edit_conversation(id, true, |c| {
                        c.set_summary(Summary {
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
}
