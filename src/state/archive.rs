//! The archive: every conversation in IndexedDB, with the open one also copied to
//! localStorage so that a reload paints it at once and an abrupt close loses nothing.
//! Until IndexedDB is open — or when it cannot be used — conversations are kept in
//! localStorage as before; the next start moves them (core::archive has the rules).

use leptos::prelude::*;
use leptos::task::spawn_local;

mod moving;

use super::ChatState;
use crate::core::archive::{self, combine};
use crate::core::conversation::{Conversation, ConversationId};
use crate::core::persist;
use crate::platform::archive as idb;
use crate::platform::clock::{now_ms, sleep};
use crate::platform::storage::{self, StorageError};

/// Where conversations are kept now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Archive {
    /// IndexedDB is opening (and earlier copies moving into it): saved in localStorage.
    Opening,
    /// IndexedDB holds the conversations.
    Ready,
    /// IndexedDB cannot be used: localStorage only.
    Unavailable,
    /// Another tab upgraded the database: localStorage only until a reload.
    Closed,
}

impl Archive {
    fn name(self) -> &'static str {
        match self {
            Archive::Opening => "opening",
            Archive::Ready => "ready",
            Archive::Unavailable => "unavailable",
            Archive::Closed => "closed",
        }
    }
}

impl ChatState {
    /// Opens IndexedDB, moves what localStorage still holds into it, and takes in what
    /// it holds of the open conversation. The page is told where conversations are kept
    /// (`data-archive` on the root element).
    pub(super) fn start_archive(&self) {
        let archive = self.archive;
        Effect::new(move |_| {
            let name = archive.get().name();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("data-archive", name);
            }
        });
        let state = *self;
        let listener = window_event_listener(
            leptos::ev::Custom::<web_sys::Event>::new(idb::CLOSED_EVENT),
            move |_| state.archive_closed(),
        );
        on_cleanup(move || listener.remove());
        spawn_local(async move {
            match idb::open().await {
                Ok(()) => {}
                Err(why) => return state.archive_unavailable(&why),
            }
            state.move_copies().await;
            state.adopt_archived().await;
            if state.archive.get_untracked() != Archive::Opening {
                return;
            }
            state.archive.set(Archive::Ready);
            state.take_in_archived_open().await;
            if let Some(warning) = idb::estimate()
                .await
                .and_then(|(used, quota)| archive::usage_warning(used, quota))
            {
                state.notify(warning);
            }
        });
    }

    fn archive_unavailable(&self, why: &str) {
        self.archive.set(Archive::Unavailable);
        self.notify(if why == "VersionBlocked" {
            "Another Mnemo tab is using an older version of the storage: close or reload it. Until then, this tab saves in localStorage only (about 5 MB).".to_string()
        } else {
            format!("Your conversations are saved in this browser's localStorage only (about 5 MB): IndexedDB is unavailable ({why}). Export them regularly.")
        });
    }

    fn archive_closed(&self) {
        if self.archive.get_untracked() == Archive::Unavailable {
            return;
        }
        self.archive.set(Archive::Closed);
        self.notify("Mnemo's storage was upgraded in another tab. Reload this tab to keep using it; until then, this tab saves in localStorage only.".to_string());
    }

    /// Tells of a failed write to IndexedDB, with what this site uses of what it may.
    pub(super) async fn report_archive(&self, error: StorageError) {
        if error == StorageError::Full {
            let (used, quota) = idb::estimate().await.unwrap_or((0.0, 0.0));
            self.notify(archive::full_message(used, (quota > 0.0).then_some(quota)));
        } else {
            self.report(Err(error));
        }
    }

    /// Whether conversations are written to IndexedDB.
    pub(super) fn archive_ready(&self) -> bool {
        self.archive.get_untracked() == Archive::Ready
    }

    /// Whether conversation `id` is shown or replying here (its copy stays in localStorage).
    fn is_live(&self, id: &ConversationId) -> bool {
        self.read_conversation_of(id, |_| ()).is_some()
    }

    /// Reads a stored conversation from its copy and its record; one that cannot be read
    /// is set aside and reported.
    pub(super) async fn load_conversation(&self, id: &ConversationId) -> Option<Conversation> {
        // Until IndexedDB answers, a conversation may be only there: wait for it (for at
        // most a few seconds; it is open in well under one).
        for _ in 0..200 {
            if self.archive.get_untracked() != Archive::Opening {
                break;
            }
            sleep(25.0).await;
        }
        let local = self.read_conversation(id);
        let archived = match self.archive.get_untracked() {
            Archive::Ready => self.read_record(id).await,
            Archive::Closed if local.is_none() => {
                self.notify("That conversation is kept where this tab can no longer read it (the storage was upgraded in another tab): reload the page.".to_string());
                None
            }
            _ => None,
        };
        let mut c = match (local, archived) {
            (Some(ours), Some(theirs)) => combine(ours, &theirs).0,
            (ours, theirs) => ours.or(theirs)?,
        };
        c.settle_interrupted();
        Some(c)
    }

    /// The archive's record of conversation `id`; one that cannot be read is copied to a
    /// record of its own first, and reported.
    async fn read_record(&self, id: &ConversationId) -> Option<Conversation> {
        let text = idb::get(&id.0).await.ok()??;
        match persist::decode::<Conversation>(&text) {
            Ok(c) => Some(c),
            Err(error) => {
                let copy = persist::quarantine_key(&persist::conversation_key(id), now_ms());
                let kept = if self.put_verified(&copy, &text).await {
                    self.has_quarantine.set(true);
                    format!("a copy was kept as \"{copy}\"")
                } else {
                    "it was left as it is".to_string()
                };
                self.notify(format!(
                    "That conversation could not be read: {error}; {kept}."
                ));
                None
            }
        }
    }

    /// Stores a conversation that is not shown here: in IndexedDB when it is open, else
    /// in localStorage.
    ///
    /// # Errors
    /// The storage error; nothing stored changes then.
    pub(super) async fn store_record(&self, c: &Conversation) -> Result<(), StorageError> {
        let text = persist::encode(c);
        if self.archive_ready() {
            idb::put(&c.id.0, &text).await?;
            self.drop_copy_unless_live(&c.id);
            Ok(())
        } else {
            self.write_tracked(&persist::conversation_key(&c.id), text)
        }
    }

    /// Writes the open (or replying) conversation's text to IndexedDB, after its copy.
    pub(super) fn archive_live(&self, id: &ConversationId, text: String) {
        if !self.archive_ready() {
            return;
        }
        let state = *self;
        let id = id.clone();
        spawn_local(async move {
            match idb::put(&id.0, &text).await {
                Ok(()) => state.drop_copy_unless_live(&id),
                Err(e) => state.report_archive(e).await,
            }
        });
    }

    /// Removes the localStorage copy of a conversation that is no longer shown here,
    /// once the archive holds it — unless another tab wrote the copy since.
    fn drop_copy_unless_live(&self, id: &ConversationId) {
        let key = persist::conversation_key(id);
        if !self.is_live(id) && storage::get(&key).is_some() && self.foreign_value(&key).is_none() {
            storage::remove(&key);
            self.last_written.update_value(|w| {
                w.remove(&key);
            });
        }
    }

    /// Removes conversation `id` from both places.
    pub(super) fn forget_record(&self, id: &ConversationId) {
        storage::remove(&persist::conversation_key(id));
        if matches!(self.archive.get_untracked(), Archive::Ready) {
            let id = id.0.clone();
            spawn_local(async move {
                let _ = idb::remove(&id).await;
            });
        }
    }

    /// Every value Mnemo stored, as `(key, text)`: localStorage's, and the archive's
    /// records under the keys their localStorage copies would have.
    pub(super) async fn stored_values(&self) -> Vec<(String, String)> {
        let mut values: Vec<(String, String)> = storage::keys_with_prefix(persist::PREFIX)
            .into_iter()
            .filter(|k| persist::may_copy(k))
            .filter_map(|k| storage::get(&k).map(|v| (k, v)))
            .collect();
        if !self.archive_ready() {
            return values;
        }
        for id in idb::keys().await.unwrap_or_default() {
            let key = if id.starts_with(persist::QUARANTINE_PREFIX) {
                id.clone()
            } else {
                format!("{}{id}", persist::CONVERSATION_PREFIX)
            };
            if values.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if let Ok(Some(text)) = idb::get(&id).await {
                values.push((key, text));
            }
        }
        values
    }
}
