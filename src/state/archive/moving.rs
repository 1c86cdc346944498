//! Moving what localStorage still holds into the archive at start: each conversation is
//! written, read back and compared before its key is removed, merged with the record it
//! meets, or set aside when it cannot be read. Also: records the list lost, and the open
//! conversation's record.

use leptos::prelude::*;

use super::super::ChatState;
use crate::core::archive::{plan_move, Move};
use crate::core::conversation::Conversation;
use crate::core::persist;
use crate::platform::archive as idb;
use crate::platform::clock::now_ms;
use crate::platform::storage;

impl ChatState {
    /// Moves every conversation localStorage holds, but the open one, into IndexedDB: each
    /// is written, read back and compared, and only then removed. One cut short stays
    /// where it is and moves at the next start.
    pub(super) async fn move_copies(&self) {
        // The open conversation's copy stays; so does the listed one's, which start-up
        // read (and set aside if it could not).
        let open = self.conversation.with_untracked(|c| c.id.clone());
        let current = self.index.with_untracked(|i| i.current.clone());
        for key in storage::keys_with_prefix(persist::CONVERSATION_PREFIX) {
            let Some(id) = key.strip_prefix(persist::CONVERSATION_PREFIX) else {
                continue;
            };
            if id == open.0 || current.as_ref().is_some_and(|c| c.0 == id) {
                continue;
            }
            let Some(local) = storage::get(&key) else {
                continue;
            };
            let Ok(archived) = idb::get(id).await else {
                return;
            };
            let store = match plan_move(&local, archived.as_deref()) {
                Move::Same => None,
                Move::Store(text) | Move::Merged(text) => Some(text),
                Move::UnreadableCopy(error) => {
                    self.set_aside_copy(&key, &local, &error.to_string());
                    continue;
                }
                Move::UnreadableRecord(text) => {
                    let copy = persist::quarantine_key(&key, now_ms());
                    if !self
                        .put_verified(&copy, archived.as_deref().unwrap_or(""))
                        .await
                    {
                        continue;
                    }
                    self.has_quarantine.set(true);
                    self.notify(format!(
                        "A stored conversation could not be read; a copy was kept as \"{copy}\"."
                    ));
                    Some(text)
                }
            };
            if let Some(text) = store {
                if !self.put_verified(id, &text).await {
                    continue;
                }
            }
            storage::remove(&key);
        }
    }

    /// Writes `text` as record `id` and reads it back: whether it is stored as it is.
    pub(super) async fn put_verified(&self, id: &str, text: &str) -> bool {
        if let Err(e) = idb::put(id, text).await {
            self.report_archive(e).await;
            return false;
        }
        matches!(idb::get(id).await, Ok(Some(stored)) if stored == text)
    }

    /// Copies an unreadable localStorage copy to a quarantine key, and removes the
    /// original once the copy is there.
    fn set_aside_copy(&self, key: &str, text: &str, error: &str) {
        let copy = persist::quarantine_key(key, now_ms());
        if storage::set(&copy, text).is_ok() && storage::get(&copy).as_deref() == Some(text) {
            storage::remove(key);
            self.has_quarantine.set(true);
            self.notify(format!(
                "A stored conversation could not be read: {error}; a copy was kept under \"{copy}\"."
            ));
        }
    }

    /// Lists again the archived conversations the list does not name (a write that stored
    /// one but not the list); one deleted since its last change is removed.
    pub(super) async fn adopt_archived(&self) {
        let Ok(ids) = idb::keys().await else {
            return;
        };
        if ids
            .iter()
            .any(|id| id.starts_with(persist::QUARANTINE_PREFIX))
        {
            self.has_quarantine.set(true);
        }
        let orphans = persist::orphans(
            &self.index.get_untracked(),
            &ids.iter()
                .filter(|id| !id.starts_with(persist::QUARANTINE_PREFIX))
                .map(|id| format!("{}{id}", persist::CONVERSATION_PREFIX))
                .collect::<Vec<_>>(),
        );
        let mut found = 0;
        for id in orphans {
            let Ok(Some(text)) = idb::get(&id.0).await else {
                continue;
            };
            let Ok(c) = persist::decode::<Conversation>(&text) else {
                continue;
            };
            if self
                .index
                .with_untracked(|i| i.is_deleted(&c.id, c.updated_at))
            {
                let _ = idb::remove(&id.0).await;
            } else {
                self.index.update(|i| i.touch(&c));
                found += 1;
            }
        }
        if found > 0 {
            let result = self.write_tracked(
                persist::INDEX_KEY,
                self.index.with_untracked(persist::encode),
            );
            self.report(result);
            self.notify(format!("Found {found} stored conversation(s) missing from the list; they are listed again."));
        }
    }

    /// Takes in the archive's record of the open conversation: messages saved there that
    /// its copy lacks, or the whole conversation when its copy was lost.
    pub(super) async fn take_in_archived_open(&self) {
        let shown = self.conversation.with_untracked(|c| c.id.clone());
        let current = self.index.with_untracked(|i| i.current.clone());
        match current {
            Some(id) if id != shown => {
                // Its copy was lost (not set aside: that one start-up already reported).
                let lost = storage::get(&persist::conversation_key(&id)).is_none();
                if lost && !self.conversation.with_untracked(persist::worth_storing) {
                    self.open_now(&id).await;
                }
            }
            _ => {
                if let Ok(Some(text)) = idb::get(&shown.0).await {
                    if let Ok(theirs) = persist::decode::<Conversation>(&text) {
                        let streaming = self.streaming.get_untracked();
                        self.conversation
                            .update(|c| c.merge_from(&theirs, streaming.as_ref()));
                    }
                }
            }
        }
    }
}
