//! Loading and saving the app's values: core's envelope and platform's localStorage,
//! with the rule that a value that cannot be read is quarantined, never overwritten.

use serde::de::DeserializeOwned;

use crate::core::conversation::Conversation;
use crate::core::persist::{self, Index};
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
    /// One sentence per value that had to be set aside.
    pub problems: Vec<String>,
}

/// Where the unsent composer text is kept, so a reload never loses it.
pub const DRAFT_KEY: &str = "mnemo.draft";

/// Reads everything the app needs to start.
pub fn load() -> Loaded {
    let mut problems = Vec::new();
    let settings = read(persist::SETTINGS_KEY, "Your settings", &mut problems).unwrap_or_default();
    let api_key = read::<String>(persist::API_KEY_KEY, "Your saved API key", &mut problems)
        .unwrap_or_default();
    let index = match storage::get(persist::INDEX_KEY) {
        None => Index::default(),
        Some(_) => read(
            persist::INDEX_KEY,
            "The list of conversations",
            &mut problems,
        )
        .unwrap_or_else(rebuild_index),
    };
    let conversation = index.current.as_ref().and_then(|id| {
        read::<Conversation>(
            &persist::conversation_key(id),
            "The open conversation",
            &mut problems,
        )
    });
    let draft = read(DRAFT_KEY, "Your unsent message", &mut problems).unwrap_or_default();
    Loaded {
        settings,
        api_key,
        index,
        conversation,
        draft,
        problems,
    }
}

/// The conversation list rebuilt from the stored conversations themselves, for when the
/// stored list cannot be read; the newest conversation is opened.
fn rebuild_index() -> Index {
    let mut index = Index::default();
    for key in storage::keys_with_prefix("mnemo.conv.") {
        if let Some(c) = storage::get(&key).and_then(|t| persist::decode::<Conversation>(&t).ok()) {
            index.touch(&c);
        }
    }
    index.current = index.conversations.first().map(|e| e.id.clone());
    index
}

/// Decodes `key`. A value that cannot be decoded is copied to a quarantine key (so a
/// later write cannot destroy it) and described in `problems`.
fn read<T: DeserializeOwned>(key: &str, what: &str, problems: &mut Vec<String>) -> Option<T> {
    let text = storage::get(key)?;
    match persist::decode(&text) {
        Ok(value) => Some(value),
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

/// Saves the settings, and the key only if the user asked for it to be remembered.
///
/// # Errors
/// The first storage error.
pub fn save_settings(settings: &Settings, api_key: &str) -> Result<(), StorageError> {
    write(persist::SETTINGS_KEY, settings)?;
    if settings.remember_key && !api_key.is_empty() {
        write(persist::API_KEY_KEY, &api_key.to_string())
    } else {
        storage::remove(persist::API_KEY_KEY);
        Ok(())
    }
}
