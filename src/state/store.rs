//! Loading and saving the app's values: core's envelope and platform's localStorage,
//! with the rule that a value that cannot be read is quarantined, never overwritten —
//! except the API key, which is never copied: an unreadable one is removed.

use crate::core::conversation::Conversation;
use crate::core::persist::{self, Index, Unreadable};
use crate::core::settings::Settings;
use crate::platform::clock::now_ms;
use crate::platform::storage::{self, StorageError};

/// What was found in storage at startup, and what went wrong reading it.
pub struct Loaded {
    pub settings: Settings,
    pub api_key: String,
    pub index: Index,
    pub conversation: Option<Conversation>,
    pub draft: String,
    /// One sentence per value that had to be set aside or removed, or found again.
    pub problems: Vec<String>,
    /// Whether values are set aside (they can be exported).
    pub set_aside: bool,
}

/// Where the unsent composer text is kept, so a reload never loses it.
pub const DRAFT_KEY: &str = "mnemo.draft";

/// Reads everything the app needs to start.
pub fn load() -> Loaded {
    let mut problems = Vec::new();
    // Every key Mnemo wrote, looked up once for what start-up needs to know of them.
    let keys = storage::keys_with_prefix(persist::PREFIX);
    // Older builds set an unreadable key aside like any other value.
    remove_key_copies(&keys);
    let settings = read(persist::SETTINGS_KEY, "Your settings", &mut problems).unwrap_or_default();
    let api_key = read::<String>(persist::API_KEY_KEY, "Your saved API key", &mut problems)
        .unwrap_or_default();
    let mut index = match storage::get(persist::INDEX_KEY) {
        None => Index::default(),
        Some(_) => read(
            persist::INDEX_KEY,
            "The list of conversations",
            &mut problems,
        )
        .unwrap_or_else(|| rebuild_index(&keys)),
    };
    adopt_orphans(&mut index, &keys, &mut problems);
    let conversation = index.current.as_ref().and_then(|id| {
        read::<Conversation>(
            &persist::conversation_key(id),
            "The open conversation",
            &mut problems,
        )
    });
    let draft = read(DRAFT_KEY, "Your unsent message", &mut problems).unwrap_or_default();
    // Looked up again: reading the values above may have set some aside.
    let set_aside = storage::keys_with_prefix(persist::QUARANTINE_PREFIX)
        .iter()
        .any(|k| persist::may_copy(k));
    Loaded {
        settings,
        api_key,
        index,
        conversation,
        draft,
        problems,
        set_aside,
    }
}

/// Lists again the stored conversations the list does not name (an import or a save
/// that stored a conversation but could not store the list), and says so. One deleted
/// since its last change is a leftover and is removed.
fn adopt_orphans(index: &mut Index, keys: &[String], problems: &mut Vec<String>) {
    let orphans = persist::orphans(index, keys);
    if orphans.is_empty() {
        return;
    }
    let mut found = 0;
    for id in orphans {
        let key = persist::conversation_key(&id);
        let Some(c) = storage::get(&key).and_then(|t| persist::decode::<Conversation>(&t).ok())
        else {
            // Left where it is: "Export all conversations" includes it as set aside.
            continue;
        };
        if index.is_deleted(&c.id, c.updated_at) {
            storage::remove(&key);
        } else {
            index.touch(&c);
            found += 1;
        }
    }
    if found > 0 {
        let kept = match write(persist::INDEX_KEY, index) {
            Ok(()) => "they are listed again",
            Err(_) => "they are listed in this tab, but the list could not be saved",
        };
        problems.push(format!(
            "Found {found} stored conversation(s) missing from the list (an earlier save was cut short); {kept}."
        ));
    }
}

/// Removes every copy of the API key that an older build set aside.
fn remove_key_copies(keys: &[String]) {
    for key in keys {
        if key.starts_with(persist::QUARANTINE_PREFIX) && !persist::may_copy(key) {
            storage::remove(key);
        }
    }
}

/// The conversation list rebuilt from the stored conversations themselves, for when the
/// stored list cannot be read; the newest conversation is opened.
fn rebuild_index(keys: &[String]) -> Index {
    let mut index = Index::default();
    for key in keys
        .iter()
        .filter(|k| k.starts_with(persist::CONVERSATION_PREFIX))
    {
        if let Some(c) = storage::get(key).and_then(|t| persist::decode::<Conversation>(&t).ok()) {
            index.touch(&c);
        }
    }
    index.current = index.conversations.first().map(|e| e.id.clone());
    index
}

/// Decodes `key`. A value that cannot be decoded is copied to a quarantine key (so a
/// later write cannot destroy it) and described in `problems`; the API key is removed
/// instead, and the user asked for it again.
fn read<T: persist::Stored>(key: &str, what: &str, problems: &mut Vec<String>) -> Option<T> {
    let text = storage::get(key)?;
    match persist::decode(&text) {
        Ok(value) => Some(value),
        Err(error) if persist::on_unreadable(key) == Unreadable::Discard => {
            storage::remove(key);
            problems.push(format!(
                "{what} could not be read: {error}. It was removed: paste your API key again in Settings."
            ));
            None
        }
        Err(error) => {
            let copy = persist::quarantine_key(key, now_ms());
            let kept = match storage::set(&copy, &text) {
                Ok(()) => format!("a copy was kept under \"{copy}\""),
                Err(e) => format!("it was left untouched under \"{key}\" ({e})"),
            };
            problems.push(format!("{what} could not be read: {error}; {kept}."));
            None
        }
    }
}

/// Writes a value in the current envelope.
///
/// # Errors
/// The storage error; nothing already stored changes then.
pub fn write<T: serde::Serialize>(key: &str, value: &T) -> Result<(), StorageError> {
    storage::set(key, &persist::encode(value))
}

/// Saves the settings, and the key only if the user asked for it to be remembered;
/// otherwise every trace of it is removed.
///
/// # Errors
/// The first storage error.
pub fn save_settings(settings: &Settings, api_key: &str) -> Result<(), StorageError> {
    if settings.remember_key && !api_key.is_empty() {
        write(persist::SETTINGS_KEY, settings)?;
        write(persist::API_KEY_KEY, &api_key.to_string())
    } else {
        storage::remove(persist::API_KEY_KEY);
        remove_key_copies(&storage::keys_with_prefix(persist::QUARANTINE_PREFIX));
        write(persist::SETTINGS_KEY, settings)
    }
}
