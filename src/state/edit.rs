//! Changing the transcript: editing and resending, deleting messages.

use leptos::prelude::*;

use super::ChatState;
use crate::core::message::{MessageId, MessageStatus, Role};
use crate::platform::clipboard::confirm;

impl ChatState {
    /// Opens the editor on a user message.
    pub fn start_edit(&self, id: MessageId) {
        if !self.is_busy() {
            self.editing.set(Some(id));
        }
    }

    /// Edits the newest user message (the Up key in an empty composer).
    pub fn edit_last_user(&self) {
        let last = self.conversation.with_untracked(|c| {
            c.messages
                .iter()
                .rev()
                .find(|m| m.role == Role::User)
                .map(|m| m.id.clone())
        });
        if let Some(id) = last {
            self.start_edit(id);
        }
    }

    /// Replaces a user message's text and asks again from there. The messages after it
    /// are replaced by the new reply, after the user confirms.
    pub fn resend_edited(&self, id: &MessageId, text: String) {
        if text.trim().is_empty() || self.is_busy() {
            return;
        }
        let later = self.conversation.with_untracked(|c| {
            c.messages
                .iter()
                .position(|m| &m.id == id)
                .map(|i| c.messages.len() - i - 1)
        });
        let Some(later) = later else { return };
        if later > 0
            && !confirm(&format!(
                "Resending replaces the {later} message(s) after this one with a new reply. Continue?"
            ))
        {
            return;
        }
        self.editing.set(None);
        self.conversation.update(|c| {
            if let Some(i) = c.messages.iter().position(|m| &m.id == id) {
                c.remove_messages(|j, _| j > i);
                let m = &mut c.messages[i];
                m.content = text;
                m.status = MessageStatus::Complete;
            }
        });
        self.request_reply();
    }

    /// Deletes one message.
    pub fn delete_message(&self, id: &MessageId) {
        if self.streaming.with_untracked(|s| s.as_ref() == Some(id)) {
            return;
        }
        self.conversation
            .update(|c| c.remove_messages(|_, m| &m.id == id));
        self.save();
    }
}
