//! Managing conversations: open, rename, delete with undo, search.

use leptos::prelude::*;

use super::ChatState;
use crate::core::conversation::{Conversation, ConversationId};
use crate::core::persist::{self, IndexEntry};
use crate::platform::storage;

/// How long a deleted conversation can be restored.
pub const UNDO_MS: u64 = 15_000;

/// A deleted conversation, kept in memory until the undo period ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Deleted {
    pub conversation: Conversation,
    pub entry: IndexEntry,
}

/// A conversation that matches a search, with the text that matched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SearchHit {
    pub id: ConversationId,
    pub title: String,
    /// A short excerpt of the first message that matched, if the title did not.
    pub excerpt: Option<String>,
    /// The search it answers (rows are re-made when it changes, to re-mark matches).
    pub query: String,
}

impl ChatState {
    /// Reads a stored conversation; one that cannot be read is set aside and reported.
    fn read_conversation(&self, id: &ConversationId) -> Option<Conversation> {
        let key = persist::conversation_key(id);
        let text = storage::get(&key)?;
        match persist::decode::<Conversation>(&text) {
            Ok(mut c) => {
                c.settle_interrupted();
                Some(c)
            }
            Err(error) => {
                let copy = persist::quarantine_key(&key, crate::platform::clock::now_ms());
                let _ = storage::set(&copy, &text);
                self.has_quarantine.set(true);
                self.notify(format!("That conversation could not be read: {error}; a copy was kept under \"{copy}\"."));
                None
            }
        }
    }

    /// Opens a stored conversation. A reply streaming into the one left goes on in the
    /// background; a conversation replying in the background is taken back as it is
    /// now, not read from its stored copy.
    pub fn open(&self, id: &ConversationId) {
        if self.conversation.with_untracked(|c| &c.id == id) {
            return;
        }
        let Some(conversation) = self
            .take_background(id)
            .or_else(|| self.read_conversation(id))
        else {
            return;
        };
        self.save();
        self.keep_reply_going();
        self.conversation.set(conversation);
        self.index.update(|i| i.current = Some(id.clone()));
        let index = self.index.with_untracked(persist::encode);
        let result = self.write_tracked(persist::INDEX_KEY, index);
        self.report(result);
    }

    /// Renames a conversation.
    pub fn rename(&self, id: &ConversationId, title: &str) {
        let title = title.trim().to_string();
        if title.is_empty() {
            return;
        }
        if self.conversation.with_untracked(|c| &c.id == id) {
            self.conversation.update(|c| c.title = title);
            self.save();
            return;
        }
        if let Some(mut c) = self.read_conversation(id) {
            c.title = title;
            let result = self
                .write_tracked(&persist::conversation_key(id), persist::encode(&c))
                .and_then(|()| {
                    self.index.update(|i| {
                        if let Some(e) = i.conversations.iter_mut().find(|e| &e.id == id) {
                            e.title = c.title.clone();
                        }
                    });
                    self.write_tracked(
                        persist::INDEX_KEY,
                        self.index.with_untracked(persist::encode),
                    )
                });
            self.report(result);
        }
    }

    /// Deletes a conversation; it can be restored with [`ChatState::undo_delete`] for
    /// [`UNDO_MS`].
    pub fn delete(&self, id: &ConversationId) {
        let open = self.conversation.with_untracked(|c| &c.id == id);
        if open {
            self.stop();
        }
        let conversation = if open {
            Some(self.conversation.get_untracked())
        } else {
            self.read_conversation(id)
        };
        let entry = self
            .index
            .with_untracked(|i| i.conversations.iter().find(|e| &e.id == id).cloned());
        storage::remove(&persist::conversation_key(id));
        self.index
            .update(|i| i.conversations.retain(|e| &e.id != id));
        if let (Some(conversation), Some(entry)) = (conversation, entry) {
            self.deleted.set(Some(Deleted {
                conversation,
                entry,
            }));
            let deleted = self.deleted;
            let gone = id.clone();
            leptos::leptos_dom::helpers::set_timeout(
                move || {
                    if deleted.with_untracked(|d| d.as_ref().is_some_and(|d| d.entry.id == gone)) {
                        deleted.set(None);
                    }
                },
                std::time::Duration::from_millis(UNDO_MS),
            );
        }
        if open {
            match self
                .index
                .with_untracked(|i| i.conversations.first().map(|e| e.id.clone()))
            {
                Some(next) => {
                    if let Some(c) = self.read_conversation(&next) {
                        self.conversation.set(c);
                        self.index.update(|i| i.current = Some(next));
                    }
                }
                None => {
                    self.new_chat();
                    return;
                }
            }
        }
        let result = self.write_tracked(
            persist::INDEX_KEY,
            self.index.with_untracked(persist::encode),
        );
        self.report(result);
    }

    /// Restores the conversation deleted last.
    pub fn undo_delete(&self) {
        let Some(Deleted {
            conversation,
            entry,
        }) = self.deleted.get_untracked()
        else {
            return;
        };
        self.deleted.set(None);
        let result = self
            .write_tracked(
                &persist::conversation_key(&entry.id),
                persist::encode(&conversation),
            )
            .and_then(|()| {
                self.index.update(|i| {
                    i.conversations.push(entry);
                    i.conversations
                        .sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
                });
                self.write_tracked(
                    persist::INDEX_KEY,
                    self.index.with_untracked(persist::encode),
                )
            });
        self.report(result);
    }

    /// Conversations whose title or messages contain `query` (case-insensitive).
    pub fn search(&self, query: &str) -> Vec<SearchHit> {
        let needle = query.trim().to_lowercase();
        let entries = self.index.get();
        if needle.is_empty() {
            return entries
                .conversations
                .into_iter()
                .map(|e| SearchHit {
                    id: e.id,
                    title: e.title,
                    excerpt: None,
                    query: String::new(),
                })
                .collect();
        }
        let open = self.conversation.get();
        entries
            .conversations
            .into_iter()
            .filter_map(|e| {
                if e.title.to_lowercase().contains(&needle) {
                    return Some(SearchHit {
                        id: e.id,
                        title: e.title,
                        excerpt: None,
                        query: needle.clone(),
                    });
                }
                let found = |c: &Conversation| {
                    c.messages
                        .iter()
                        .find_map(|m| crate::core::search::excerpt(&m.content, &needle, 60))
                };
                let excerpt = if open.id == e.id {
                    found(&open)
                } else {
                    // A cheap look at the stored text first: most conversations do not match.
                    let raw = storage::get(&persist::conversation_key(&e.id))?;
                    if !raw.to_lowercase().contains(&needle) {
                        return None;
                    }
                    persist::decode::<Conversation>(&raw)
                        .ok()
                        .as_ref()
                        .and_then(found)
                }?;
                Some(SearchHit {
                    id: e.id,
                    title: e.title,
                    excerpt: Some(excerpt),
                    query: needle.clone(),
                })
            })
            .collect()
    }
}
