//! Where the running reply writes: its own conversation, whether that is the open one or
//! one the user left while it streamed (kept in `background`, and saved under its own
//! key), so opening another conversation never drops a reply.

use leptos::prelude::*;

use super::ChatState;
use crate::core::conversation::{Conversation, ConversationId};
use crate::core::persist;

impl ChatState {
    /// Changes conversation `id` wherever it is (open, or replying in the background);
    /// `tracked` re-renders what shows it. `None` when neither holds it any more.
    pub(super) fn edit_conversation<R>(
        &self,
        id: &ConversationId,
        tracked: bool,
        f: impl FnOnce(&mut Conversation) -> R,
    ) -> Option<R> {
        if self.conversation.with_untracked(|c| &c.id == id) {
            return if tracked {
                self.conversation.try_update(f)
            } else {
                self.conversation.try_update_untracked(f)
            };
        }
        let edit = |b: &mut Option<Conversation>| b.as_mut().filter(|c| &c.id == id).map(f);
        if tracked {
            self.background.try_update(edit).flatten()
        } else {
            self.background.try_update_untracked(edit).flatten()
        }
    }

    /// Reads conversation `id` wherever it is.
    pub(super) fn read_conversation_of<R>(
        &self,
        id: &ConversationId,
        f: impl FnOnce(&Conversation) -> R,
    ) -> Option<R> {
        if self.conversation.with_untracked(|c| &c.id == id) {
            return Some(self.conversation.with_untracked(f));
        }
        self.background
            .with_untracked(|b| b.as_ref().filter(|c| &c.id == id).map(f))
    }

    /// Saves conversation `id` wherever it is.
    pub(super) fn save_conversation(&self, id: &ConversationId) {
        if self.conversation.with_untracked(|c| &c.id == id) {
            self.save();
        } else {
            self.save_background();
        }
    }

    /// Before another conversation opens: a reply streaming into the open one goes on in
    /// the background instead of being stopped.
    pub(super) fn keep_reply_going(&self) {
        let Some(reply) = self.streaming.get_untracked() else {
            return;
        };
        let replying_here = self
            .conversation
            .with_untracked(|c| c.messages.iter().any(|m| m.id == reply));
        if replying_here {
            self.background.set(Some(self.conversation.get_untracked()));
        }
    }

    /// The conversation replying in the background, taken back to be opened: it is
    /// newer than its stored copy.
    pub(super) fn take_background(&self, id: &ConversationId) -> Option<Conversation> {
        if self
            .background
            .with_untracked(|b| b.as_ref().is_some_and(|c| &c.id == id))
        {
            self.background.try_update(Option::take).flatten()
        } else {
            None
        }
    }

    /// Stops the streaming reply if it is one of conversation `id`'s (open or in the
    /// background); a reply in any other conversation goes on.
    pub(super) fn stop_reply_in(&self, id: &ConversationId) {
        let Some(reply) = self.streaming.get_untracked() else {
            return;
        };
        if self
            .read_conversation_of(id, |c| c.messages.iter().any(|m| m.id == reply))
            .unwrap_or(false)
        {
            self.stop();
        }
    }

    /// Whether conversation `id` is replying in the background (for its sidebar row).
    pub fn is_replying_in_background(&self, id: &ConversationId) -> bool {
        self.background
            .with(|b| b.as_ref().is_some_and(|c| &c.id == id))
    }

    /// Saves the background conversation under its own key and its line in the index,
    /// merging what another tab saved first (as `save` does for the open one). A
    /// conversation deleted meanwhile is not brought back: its reply is stopped.
    /// Returns whether it is safely stored.
    pub(super) fn save_background(&self) -> bool {
        let Some(id) = self
            .background
            .with_untracked(|b| b.as_ref().map(|c| c.id.clone()))
        else {
            return true;
        };
        if !self
            .index
            .with_untracked(|i| i.conversations.iter().any(|e| e.id == id))
        {
            self.stop();
            return false;
        }
        if let Some(theirs) = self.foreign_conversation(&persist::conversation_key(&id)) {
            let streaming = self.streaming.get_untracked();
            self.background.update_untracked(|b| {
                if let Some(c) = b {
                    c.merge_from(&theirs, streaming.as_ref());
                }
            });
        }
        let Some(result) = self
            .background
            .with_untracked(|b| b.as_ref().map(|c| self.write_conversation(c, false, true)))
        else {
            return true;
        };
        let saved = result.is_ok();
        self.report(result);
        saved
    }
}
