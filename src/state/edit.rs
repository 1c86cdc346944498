//! Changing the transcript: editing and resending, versions, forks, deleting messages.

use leptos::prelude::*;

use super::conversations::Deleted;
use super::ChatState;
use crate::core::conversation::{Conversation, ConversationId};
use crate::core::message::{Message, MessageId, Role};
use crate::core::tree::Removed;
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

    /// Asks again from a user message with its text edited: the edit is another version
    /// of the message, beside the original and the replies that followed it, which stay.
    pub fn resend_edited(&self, id: &MessageId, text: String) {
        if text.trim().is_empty() || self.is_busy() {
            return;
        }
        let Some(at) = self
            .conversation
            .with_untracked(|c| c.messages.iter().position(|m| &m.id == id))
        else {
            return;
        };
        self.editing.set(None);
        self.conversation.update(|c| {
            c.leave_path_at(at);
            c.push_user(Message::user(MessageId(new_id()), text, now_ms()));
        });
        self.request_reply();
    }

    /// Shows the version `step` places from message `id` (−1 the previous, +1 the next)
    /// and the path below it.
    pub fn show_version(&self, id: &MessageId, step: isize) {
        if self.is_busy() {
            return;
        }
        let mut changed = false;
        self.conversation
            .update(|c| changed = c.show_version(id, step));
        if changed {
            self.save();
        }
    }

    /// Opens a new conversation holding the shown path up to message `id`.
    pub fn fork_at(&self, id: &MessageId) {
        let Some(fork) = self
            .conversation
            .with_untracked(|c| c.fork_at(id, ConversationId(new_id()), now_ms()))
        else {
            return;
        };
        self.open_new(fork);
    }

    /// How many messages follow message `id`, in every version.
    pub fn messages_below(&self, id: &MessageId) -> usize {
        self.conversation
            .with_untracked(|c| c.descendants(id).len())
    }

    /// Deletes one message of the shown path, and with `subtree` every message below it;
    /// [`ChatState::undo_delete`] puts them back for a while.
    pub fn delete_message(&self, id: &MessageId, subtree: bool) {
        // The reply that is arriving stays until it ends or is stopped.
        if let Some(arriving) = self.streaming.get_untracked() {
            let hit = &arriving == id
                || (subtree
                    && self
                        .conversation
                        .with_untracked(|c| c.descendants(id).contains(&arriving)));
            if hit {
                self.notify(
                    "The reply that is arriving cannot be deleted: stop it first (Esc).".into(),
                );
                return;
            }
        }
        let mut removed = None;
        self.conversation.update(|c| {
            c.updated_at = now_ms();
            removed = c.remove_from_path(id, subtree);
        });
        let Some(removed) = removed else { return };
        let from = self.conversation.with_untracked(|c| c.id.clone());
        self.save();
        self.offer_undo(Deleted::Messages { from, removed });
    }

    /// Puts deleted messages back in conversation `from`, and shows the path as it was.
    /// They come back under new ids: the old ones are recorded as removed, and other
    /// tabs keep them so.
    pub(super) fn restore_messages(&self, from: &ConversationId, removed: Removed) {
        let put_back = move |c: &mut Conversation| {
            c.updated_at = now_ms();
            c.restore(removed.clone(), &mut new_id);
        };
        if self.conversation.with_untracked(|c| &c.id == from) {
            self.conversation.update(put_back);
            self.save();
        } else {
            let state = *self;
            let from = from.clone();
            leptos::task::spawn_local(async move {
                if let Some(mut c) = state.load_conversation(&from).await {
                    put_back(&mut c);
                    let result = state.store_record(&c).await;
                    state.report(result);
                }
            });
        }
    }
}
