//! Changing the transcript: editing and resending, deleting messages.

use leptos::prelude::*;

use super::conversations::Deleted;
use super::ChatState;
use crate::core::conversation::{Conversation, ConversationId};
use crate::core::message::{Message, MessageId, MessageStatus, Role};
use crate::core::persist;
use crate::platform::clipboard::confirm;
use crate::platform::clock::{new_id, now_ms};

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

    /// Deletes one message; [`ChatState::undo_delete`] puts it back for a while.
    pub fn delete_message(&self, id: &MessageId) {
        if self.streaming.with_untracked(|s| s.as_ref() == Some(id)) {
            return;
        }
        let found = self.conversation.with_untracked(|c| {
            let position = c.messages.iter().position(|m| &m.id == id)?;
            Some((c.id.clone(), c.messages.get(position)?.clone(), position))
        });
        let Some((from, message, position)) = found else {
            return;
        };
        self.conversation.update(|c| {
            c.updated_at = now_ms();
            c.remove_messages(|_, m| &m.id == id);
        });
        self.save();
        self.offer_undo(Deleted::Message {
            from,
            message,
            position,
        });
    }

    /// Puts a deleted message back where it stood in conversation `from`. It comes back
    /// under a new id: the old one is recorded as removed, and other tabs keep it so.
    pub(super) fn restore_message(
        &self,
        from: &ConversationId,
        mut message: Message,
        position: usize,
    ) {
        let old_id = std::mem::replace(&mut message.id, MessageId(new_id()));
        let put_back = |c: &mut Conversation| {
            if let Some(summary) = &mut c.summary {
                if summary.covers_through == old_id {
                    summary.covers_through = message.id.clone();
                }
            }
            c.messages
                .insert(position.min(c.messages.len()), message.clone());
            c.updated_at = now_ms();
        };
        if self.conversation.with_untracked(|c| &c.id == from) {
            self.conversation.update(put_back);
            self.save();
        } else if let Some(mut c) = self.read_conversation(from) {
            put_back(&mut c);
            let result = self.write_tracked(&persist::conversation_key(from), persist::encode(&c));
            self.report(result);
        }
    }
}
