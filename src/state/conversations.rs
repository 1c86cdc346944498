//! Managing conversations: open, rename, delete with undo, search.

use leptos::prelude::*;

use super::ChatState;
use crate::core::conversation::{Conversation, ConversationId};
use crate::core::persist::{self, IndexEntry};
use crate::core::search;
use crate::core::tree::Removed;
use crate::platform::clock::{new_id, now_ms};
use crate::platform::storage;

/// How long a deletion can be undone.
pub const UNDO_MS: u64 = 15_000;

/// What was deleted last, kept in memory until the undo period ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Deleted {
    /// A conversation, with its line in the list.
    Conversation {
        conversation: Box<Conversation>,
        entry: IndexEntry,
    },
    /// Messages of conversation `from`: one, or one and every message below it.
    Messages {
        from: ConversationId,
        removed: Removed,
    },
}

impl Deleted {
    /// What the undo offer says was deleted.
    pub fn describe(&self) -> String {
        match self {
            Deleted::Conversation { entry, .. } => {
                let title = if entry.title.is_empty() {
                    "New chat"
                } else {
                    &entry.title
                };
                format!("Deleted “{title}”.")
            }
            Deleted::Messages { removed, .. } => match removed.messages.len() {
                1 => "Deleted a message.".to_string(),
                n => format!("Deleted {n} messages."),
            },
        }
    }
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
    /// Reads a conversation's copy in localStorage; one that cannot be read is set aside
    /// and reported.
    pub(super) fn read_conversation(&self, id: &ConversationId) -> Option<Conversation> {
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
        let state = *self;
        let id = id.clone();
        leptos::task::spawn_local(async move { state.open_now(&id).await });
    }

    /// Opens a stored conversation once it is read.
    pub(super) async fn open_now(&self, id: &ConversationId) {
        let conversation = match self.take_background(id) {
            Some(c) => c,
            None => match self.load_conversation(id).await {
                Some(c) => c,
                None => return,
            },
        };
        // The one left is saved; the list is written once, below, naming the new one.
        self.save_with(false);
        self.keep_reply_going();
        // Its copy, so that a reload paints it before IndexedDB answers. Without room for
        // it, the archive still holds it.
        let _ = self.write_tracked(
            &persist::conversation_key(id),
            persist::encode(&conversation),
        );
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
        let state = *self;
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let Some(mut c) = state.load_conversation(&id).await else {
                return;
            };
            c.title = title;
            let result = match state.store_record(&c).await {
                Ok(()) => {
                    state.index.update(|i| {
                        if let Some(e) = i.conversations.iter_mut().find(|e| e.id == id) {
                            e.title = c.title.clone();
                        }
                    });
                    state.write_tracked(
                        persist::INDEX_KEY,
                        state.index.with_untracked(persist::encode),
                    )
                }
                Err(e) => Err(e),
            };
            state.report(result);
        });
    }

    /// Deletes a conversation; it can be restored with [`ChatState::undo_delete`] for
    /// [`UNDO_MS`]. Its deletion is recorded in the list, so that another tab that has it
    /// open does not store it again.
    pub fn delete(&self, id: &ConversationId) {
        let open = self.conversation.with_untracked(|c| &c.id == id);
        // A reply streaming into another conversation goes on.
        self.stop_reply_in(id);
        if open {
            let conversation = self.conversation.get_untracked();
            self.delete_read(id, Some(conversation), true);
        } else {
            let state = *self;
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let conversation = state.load_conversation(&id).await;
                state.delete_read(&id, conversation, false);
            });
        }
    }

    /// Deletes conversation `id`, read as `conversation` (kept for Undo).
    fn delete_read(&self, id: &ConversationId, conversation: Option<Conversation>, open: bool) {
        let entry = self
            .index
            .with_untracked(|i| i.conversations.iter().find(|e| &e.id == id).cloned());
        self.forget_record(id);
        self.index.update(|i| i.delete(id, now_ms()));
        if let (Some(conversation), Some(entry)) = (conversation, entry) {
            self.offer_undo(Deleted::Conversation {
                conversation: Box::new(conversation),
                entry,
            });
        }
        if open {
            self.show_next_or_empty();
        }
        let result = self.write_tracked(
            persist::INDEX_KEY,
            self.index.with_untracked(persist::encode),
        );
        self.report(result);
    }

    /// Offers to undo `deleted` for [`UNDO_MS`], in place of any earlier offer (whose
    /// deletion is then final).
    pub(super) fn offer_undo(&self, deleted: Deleted) {
        let deleted_signal = self.deleted;
        let timer = leptos::leptos_dom::helpers::set_timeout_with_handle(
            move || deleted_signal.set(None),
            std::time::Duration::from_millis(UNDO_MS),
        )
        .ok();
        self.undo_timer.update_value(|old| {
            if let Some(t) = old.take() {
                t.clear();
            }
            *old = timer;
        });
        self.deleted.set(Some(deleted));
    }

    /// Opens the newest listed conversation, or an empty chat when there is none (or it
    /// cannot be read). The draft is left as it is.
    fn show_next_or_empty(&self) {
        let next = self
            .index
            .with_untracked(|i| i.conversations.first().map(|e| e.id.clone()));
        self.editing.set(None);
        let from_background = next.as_ref().and_then(|id| self.take_background(id));
        let state = *self;
        leptos::task::spawn_local(async move {
            let conversation = match (from_background, next) {
                (Some(c), _) => Some(c),
                (None, Some(id)) => state.load_conversation(&id).await,
                (None, None) => None,
            }
            .unwrap_or_else(|| Conversation::new(ConversationId(new_id()), now_ms()));
            state
                .index
                .update(|i| i.current = Some(conversation.id.clone()));
            state.conversation.set(conversation);
            let result = state.write_tracked(
                persist::INDEX_KEY,
                state.index.with_untracked(persist::encode),
            );
            state.report(result);
        });
    }

    /// When another tab deleted the open conversation (and it has not changed here
    /// since), shows the next one and says so; whether it did.
    pub(super) fn leave_if_deleted(&self) -> bool {
        let (id, updated_at, title) = self
            .conversation
            .with_untracked(|c| (c.id.clone(), c.updated_at, c.display_title().to_string()));
        if !self.index.with_untracked(|i| i.is_deleted(&id, updated_at)) {
            return false;
        }
        self.stop_reply_in(&id);
        self.show_next_or_empty();
        let kept = if self.draft.with_untracked(String::is_empty) {
            ""
        } else {
            " Your unsent message is kept."
        };
        self.notify(format!(
            "“{title}” was deleted in another tab, so it was closed here.{kept}"
        ));
        true
    }

    /// Undoes the last deletion, of a conversation or a message.
    pub fn undo_delete(&self) {
        let Some(deleted) = self.deleted.get_untracked() else {
            return;
        };
        self.deleted.set(None);
        self.undo_timer.update_value(|t| {
            if let Some(t) = t.take() {
                t.clear();
            }
        });
        match deleted {
            Deleted::Conversation {
                conversation,
                entry,
            } => self.restore_conversation(&conversation, entry),
            Deleted::Messages { from, removed } => self.restore_messages(&from, removed),
        }
    }

    /// Stores a deleted conversation again, as it was, and lists it in its place.
    fn restore_conversation(&self, conversation: &Conversation, entry: IndexEntry) {
        let state = *self;
        let conversation = conversation.clone();
        leptos::task::spawn_local(async move {
            let result = match state.store_record(&conversation).await {
                Ok(()) => {
                    state.index.update(|i| i.restore(entry));
                    state.write_tracked(
                        persist::INDEX_KEY,
                        state.index.with_untracked(persist::encode),
                    )
                }
                Err(e) => Err(e),
            };
            state.report(result);
        });
    }

    /// Conversations whose title or messages contain `query` (case-insensitive), as far
    /// as can be told at once: titles, the open conversation, and conversations in
    /// localStorage. [`ChatState::search_archive`] adds the archive's.
    pub fn search(&self, query: &str) -> Vec<SearchHit> {
        let needle = query.trim().to_string();
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
                if search::contains(&e.title, &needle) {
                    return Some(SearchHit {
                        id: e.id,
                        title: e.title,
                        excerpt: None,
                        query: needle.clone(),
                    });
                }
                let excerpt = if open.id == e.id {
                    found_in(&open, &needle)
                } else {
                    // A cheap look at the stored text first: most conversations do not match.
                    let raw = storage::get(&persist::conversation_key(&e.id))?;
                    if !search::stored_may_contain(&raw, &needle) {
                        return None;
                    }
                    persist::decode::<Conversation>(&raw)
                        .ok()
                        .and_then(|c| found_in(&c, &needle))
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

    /// Hands each archived conversation whose messages contain `query` to `on_hit` as soon
    /// as its record is read, reading in the list's order (newest first) so that the top
    /// of the list fills first. Skips those in `known` (in the list's order too). Stops
    /// when a newer search starts.
    pub async fn search_archive(
        &self,
        query: &str,
        known: Vec<ConversationId>,
        mut on_hit: impl FnMut(SearchHit) + 'static,
    ) {
        let needle = query.trim().to_string();
        self.search_revision.update_value(|r| *r += 1);
        let revision = self.search_revision.get_value();
        if needle.is_empty() || !self.archive_ready() {
            return;
        }
        let mut known = known.into_iter().peekable();
        let ids: Vec<String> = self.index.with_untracked(|i| {
            i.conversations
                .iter()
                .filter(|e| known.next_if(|k| *k == e.id).is_none())
                .map(|e| e.id.0.clone())
                .collect()
        });
        let searches = self.search_revision;
        let folded = search::fold(&needle);
        let index = self.index;
        let found = move |id: String, raw: String| {
            // What JavaScript could not rule out (text with accents): a cheap look first.
            if searches.get_value() != revision || !search::stored_may_contain(&raw, &needle) {
                return;
            }
            let id = ConversationId(id);
            let Some(title) = index.with_untracked(|i| {
                i.conversations
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| e.title.clone())
            }) else {
                return;
            };
            if let Some(excerpt) = persist::decode::<Conversation>(&raw)
                .ok()
                .and_then(|c| found_in(&c, &needle))
            {
                on_hit(SearchHit {
                    id,
                    title,
                    excerpt: Some(excerpt),
                    query: needle.clone(),
                });
            }
        };
        let _ = crate::platform::archive::search(&folded, &ids, found).await;
    }
}

/// Characters of a search excerpt before the match: few, so that the match shows in the
/// row (which ends in "…" where it is cut) even on a phone.
const EXCERPT_LEAD: usize = 24;
/// Characters after the match.
const EXCERPT_TAIL: usize = 60;

/// An excerpt of the first message of `c` that contains `needle`. Every version is
/// searched: an edited question's original too.
fn found_in(c: &Conversation, needle: &str) -> Option<String> {
    c.all_messages()
        .find_map(|m| search::excerpt(&m.content, needle, EXCERPT_LEAD, EXCERPT_TAIL))
}
