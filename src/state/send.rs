//! The user's send actions: send, retry, continue, edit a failed message; and starting
//! and finishing the turn that streams the reply in (see `reply`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::reply::Target;
use super::ChatState;
use crate::core::conversation::ConversationId;
use crate::core::message::Role;
use crate::core::message::{Message, MessageId, MessageStatus};
use crate::core::openai::turn::Ending;
use crate::platform::clock::{new_id, now_ms};

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
            self.settings_reason.set(Some(
                "To send your message, add an API key — or, for a proxy that holds the key, its Base URL. Your message stays in the box.",
            ));
            self.settings_open.set(true);
            return;
        }
        let message = Message::user(MessageId(new_id()), text, now_ms());
        self.conversation.update(|c| c.push_user(message));
        self.set_draft(String::new());
        self.request_reply();
    }

    /// Sends a failed user message again, or regenerates a reply: the new reply is
    /// another version beside the one there was, which stays.
    pub fn retry(&self, id: MessageId) {
        if self.is_busy() {
            return;
        }
        self.conversation
            .update(|c| match c.messages.iter().position(|m| m.id == id) {
                Some(i) if c.messages[i].role == Role::Assistant => c.leave_path_at(i),
                _ => c.mark_resent(&id),
            });
        self.request_reply();
    }

    /// Asks the model to continue a reply that was stopped, cut off or interrupted; the
    /// continuation is appended to it.
    pub fn continue_reply(&self, id: MessageId) {
        if self.is_busy() {
            return;
        }
        let Some((conversation, before)) = self.conversation.with_untracked(|c| {
            let m = c.messages.iter().find(|m| m.id == id)?;
            Some((c.id.clone(), m.status.clone()))
        }) else {
            return;
        };
        self.start_turn(conversation, id, Some(before));
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
        let conversation = self.conversation.with_untracked(|c| c.id.clone());
        self.start_turn(conversation, reply_id, None);
    }

    /// Streams reply `reply` of `conversation` in, with the open conversation's settings;
    /// `resuming` is the reply's status before a continuation.
    fn start_turn(
        &self,
        conversation: ConversationId,
        reply: MessageId,
        resuming: Option<MessageStatus>,
    ) {
        let settings = self.effective.get_untracked();
        self.streaming.set(Some(reply.clone()));
        self.stop_requested.set_value(false);
        let state = *self;
        spawn_local(async move {
            let target = Target {
                conversation,
                reply,
                resuming,
            };
            let ending = state.run_turn(&settings, &target).await;
            state.finish(&target, ending);
        });
    }

    /// Records how a reply ended and saves its conversation, wherever it is.
    fn finish(&self, target: &Target, ending: Ending) {
        self.abort.set_value(None);
        self.retrying.set(None);
        let status = ending.status();
        let instead = self.edit_conversation(&target.conversation, true, |c| {
            c.finish_reply(&target.reply, status, now_ms())
        });
        if let Some(error) = instead.flatten() {
            self.notify(format!(
                "The new version of the reply failed ({}); the one before it is shown. Regenerate tries again.",
                error.message
            ));
        }
        self.streaming.set(None);
        if self
            .conversation
            .with_untracked(|c| c.id == target.conversation)
        {
            self.save();
        } else if self.save_background() {
            // Stored now: opening it reads it back.
            self.background.set(None);
        }
    }
}
