//! What is stored and how: storage keys, the versioned envelope every value is wrapped
//! in, and decoding that reports problems instead of guessing.
//!
//! Every stored value is `{"v": <schema version>, "data": <value>}`. A value that cannot
//! be decoded is never overwritten: the caller copies it to a quarantine key first.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::conversation::{Conversation, ConversationId};
use super::settings::Settings;

/// The schema version this build writes. 1: the first. 2: messages form a tree (each
/// has a parent; a conversation holds its other versions beside the path it shows).
pub const SCHEMA_VERSION: u32 = 2;

/// A stored type, and how its data from an earlier schema becomes this one's.
pub trait Stored: DeserializeOwned {
    /// Brings data written under schema `from` up to [`SCHEMA_VERSION`].
    fn migrate(&mut self, _from: u32) {}
}

impl Stored for Settings {}
impl Stored for Index {}
impl Stored for String {}

impl Stored for Conversation {
    fn migrate(&mut self, from: u32) {
        migrate_conversation(self, from);
    }
}

/// A conversation from schema `from` as schema [`SCHEMA_VERSION`] stores it. Schema 1
/// had no versions: its messages are one path, each following the one before.
/// Whatever the schema, a tree that cannot be shown as one (an edited file, a merge by
/// an older build) is repaired: nothing in it is dropped but exact repeats.
pub fn migrate_conversation(c: &mut Conversation, from: u32) {
    if from < 2 {
        c.link_path();
    }
    c.repair();
}

/// Every key Mnemo writes starts with this.
pub const PREFIX: &str = "mnemo.";
/// The settings (without the key).
pub const SETTINGS_KEY: &str = "mnemo.settings";
/// The API key, only when the user ticked "Remember on this device".
pub const API_KEY_KEY: &str = "mnemo.key";
/// The list of conversations and which one is open.
pub const INDEX_KEY: &str = "mnemo.index";

/// The storage key of a conversation.
pub fn conversation_key(id: &ConversationId) -> String {
    format!("mnemo.conv.{id}")
}

/// Every conversation's key starts with this.
pub const CONVERSATION_PREFIX: &str = "mnemo.conv.";
/// Every set-aside (quarantined) value's key starts with this.
pub const QUARANTINE_PREFIX: &str = "mnemo.quarantine.";

/// How long deletions are remembered for merging with other tabs: a tab that was left
/// open longer than this may bring a deleted message or conversation back.
pub const TOMBSTONE_MS: f64 = 30.0 * 24.0 * 60.0 * 60.0 * 1000.0;

/// Where an undecodable value under `key` is copied before anything else happens.
pub fn quarantine_key(key: &str, now_ms: f64) -> String {
    format!("{QUARANTINE_PREFIX}{}.{key}", now_ms as u64)
}

/// Whether the value under `key` may be copied anywhere: set aside, or written into an
/// export. The API key never may, nor a copy of it that an older Mnemo set aside
/// (`mnemo.quarantine.<time>.mnemo.key`).
pub fn may_copy(key: &str) -> bool {
    let original = key
        .strip_prefix(QUARANTINE_PREFIX)
        .and_then(|rest| rest.split_once('.'))
        .map_or(key, |(_, original)| original);
    original != API_KEY_KEY
}

/// What to do with a stored value that cannot be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Copy it to a quarantine key and report it: it can be exported.
    SetAside,
    /// Remove it and ask the user for it again (the API key: never copied).
    Discard,
}

/// What to do with the undecodable value under `key`.
pub fn on_unreadable(key: &str) -> Unreadable {
    if may_copy(key) {
        Unreadable::SetAside
    } else {
        Unreadable::Discard
    }
}

/// Stored conversations that the list does not name (`keys` are storage keys; other
/// keys are ignored), in the order given: a write that stored a conversation but not
/// the list, say. A conversation the list records as deleted is included too: the
/// caller decides, from its time, whether it is an orphan or a leftover.
pub fn orphans(index: &Index, keys: &[String]) -> Vec<ConversationId> {
    let listed: std::collections::HashSet<&str> = index
        .conversations
        .iter()
        .map(|e| e.id.0.as_str())
        .collect();
    keys.iter()
        .filter_map(|k| k.strip_prefix(CONVERSATION_PREFIX))
        .filter(|id| !id.is_empty() && !listed.contains(id))
        .map(|id| ConversationId(id.to_string()))
        .collect()
}

/// Whether a conversation holds anything worth a line in the list: messages, a title
/// the user gave it, or settings of its own.
pub fn worth_storing(c: &Conversation) -> bool {
    !c.messages.is_empty() || !c.title.is_empty() || !c.overrides.is_empty()
}

/// A short fingerprint of a stored text (64-bit FNV-1a and the length), enough to tell
/// whether the value under a key is still the one this tab wrote without keeping it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint(u64, usize);

/// The [`Fingerprint`] of `text`.
pub fn fingerprint(text: &str) -> Fingerprint {
    // FNV-1a, 64 bits: http://www.isthe.com/chongo/tech/comp/fnv/
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = text
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    Fingerprint(hash, text.len())
}

/// One line of the conversation list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: ConversationId,
    pub title: String,
    pub updated_at: f64,
}

/// A deleted conversation, remembered so that another tab's copy does not bring it back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deletion {
    pub id: ConversationId,
    pub deleted_at: f64,
    /// The deletion was undone: it no longer counts (a later deletion does again).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undone: bool,
}

/// The conversation list, newest first, the open conversation, and the deletions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Index {
    pub conversations: Vec<IndexEntry>,
    pub current: Option<ConversationId>,
    /// Conversations deleted in the last [`TOMBSTONE_MS`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<Deletion>,
}

impl Index {
    /// Takes in the entries another tab stored: every conversation either side lists is
    /// kept unless either side deleted it (a conversation changed after its deletion
    /// stays), the newer line of the two wins, and this tab's open conversation stays.
    pub fn merge_from(&mut self, theirs: &Index) {
        for deletion in &theirs.deleted {
            self.add_deletion(deletion.clone());
        }
        for entry in &theirs.conversations {
            match self.conversations.iter_mut().find(|e| e.id == entry.id) {
                Some(ours) if ours.updated_at >= entry.updated_at => {}
                Some(ours) => *ours = entry.clone(),
                None => self.conversations.push(entry.clone()),
            }
        }
        self.drop_deleted();
        self.sort_newest_first();
    }

    /// Whether the conversation `id`, last changed at `updated_at`, was deleted after
    /// that change (so it must not be listed or stored again).
    pub fn is_deleted(&self, id: &ConversationId, updated_at: f64) -> bool {
        self.deleted
            .iter()
            .any(|d| &d.id == id && !d.undone && d.deleted_at >= updated_at)
    }

    /// Removes `id` from the list and records its deletion; deletions older than
    /// [`TOMBSTONE_MS`] are forgotten.
    pub fn delete(&mut self, id: &ConversationId, now: f64) {
        self.conversations.retain(|e| &e.id != id);
        self.add_deletion(Deletion {
            id: id.clone(),
            deleted_at: now,
            undone: false,
        });
        self.deleted.retain(|d| d.deleted_at >= now - TOMBSTONE_MS);
    }

    /// Lists `entry` again: its deletion is undone, here and, once merged, in other tabs.
    pub fn restore(&mut self, entry: IndexEntry) {
        for d in self.deleted.iter_mut().filter(|d| d.id == entry.id) {
            d.undone = true;
        }
        self.conversations.retain(|e| e.id != entry.id);
        self.conversations.push(entry);
        self.sort_newest_first();
    }

    /// Records a deletion; of two deletions of the same conversation the later counts,
    /// and of two records of the same deletion, the one that says it was undone.
    fn add_deletion(&mut self, deletion: Deletion) {
        match self.deleted.iter_mut().find(|d| d.id == deletion.id) {
            Some(ours) if deletion.deleted_at > ours.deleted_at => *ours = deletion,
            Some(ours) if deletion.deleted_at == ours.deleted_at => {
                ours.undone |= deletion.undone;
            }
            Some(_) => {}
            None => self.deleted.push(deletion),
        }
    }

    /// Drops the lines of conversations deleted after their last change.
    fn drop_deleted(&mut self) {
        let deleted = std::mem::take(&mut self.deleted);
        self.conversations.retain(|e| {
            !deleted
                .iter()
                .any(|d| d.id == e.id && !d.undone && d.deleted_at >= e.updated_at)
        });
        self.deleted = deleted;
    }

    /// One sort for every change of the list (see [`super::order`]).
    fn sort_newest_first(&mut self) {
        super::order::sort_by(&mut self.conversations, |a, b| {
            b.updated_at.total_cmp(&a.updated_at)
        });
    }

    /// Records `conversation`'s title and time, keeping the list newest first.
    pub fn touch(&mut self, conversation: &Conversation) {
        self.conversations.retain(|e| e.id != conversation.id);
        self.conversations.push(IndexEntry {
            id: conversation.id.clone(),
            title: conversation.title.clone(),
            updated_at: conversation.updated_at,
        });
        self.sort_newest_first();
    }

    /// Records the titles and times of `conversations`, as [`Index::touch`] on each in
    /// turn would (of two with the same id, the later counts), sorting the list once: an
    /// import of thousands stays linear.
    pub fn touch_all(&mut self, conversations: &[Conversation]) {
        let mut seen = std::collections::HashSet::new();
        let mut added: Vec<IndexEntry> = conversations
            .iter()
            .rev()
            .filter(|c| seen.insert(c.id.0.as_str()))
            .map(|c| IndexEntry {
                id: c.id.clone(),
                title: c.title.clone(),
                updated_at: c.updated_at,
            })
            .collect();
        self.conversations
            .retain(|e| !seen.contains(e.id.0.as_str()));
        added.reverse();
        self.conversations.extend(added);
        self.sort_newest_first();
    }
}

/// Why a stored value could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JSON, or not an envelope.
    Corrupt(String),
    /// Written by a newer Mnemo than this one.
    FutureVersion(u32),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Corrupt(why) => write!(f, "it is damaged ({why})"),
            DecodeError::FutureVersion(v) => write!(
                f,
                "it was written by a newer version of Mnemo (schema {v}, this one reads up to {SCHEMA_VERSION})"
            ),
        }
    }
}

/// The envelope as read: `data` stays JSON text until its version is checked, and is then
/// decoded straight into its type. (Going through `serde_json::Value` would compile every
/// stored type's decoder a second time into the app.)
#[derive(Deserialize)]
struct RawEnvelope<'a> {
    v: u32,
    #[serde(borrow)]
    data: &'a serde_json::value::RawValue,
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    v: u32,
    data: &'a T,
}

/// Wraps a value in the current envelope.
pub fn encode<T: Serialize>(value: &T) -> String {
    serde_json::to_string(&Envelope {
        v: SCHEMA_VERSION,
        data: value,
    })
    .expect("stored values are plain data and always serialise")
}

/// The envelope of a text value, split around where its JSON string goes: `prefix`,
/// then the text as a JSON string, then `suffix` gives what [`encode`] gives. Lets the
/// browser quote a long text (a 1 MB draft) natively.
pub fn encode_text_parts() -> (String, &'static str) {
    (format!("{{\"v\":{SCHEMA_VERSION},\"data\":"), "}")
}

/// Reads an envelope, migrates its data to the current schema, and decodes it.
///
/// # Errors
/// [`DecodeError::Corrupt`] for text that is not an envelope holding a `T`,
/// [`DecodeError::FutureVersion`] for a schema newer than [`SCHEMA_VERSION`].
pub fn decode<T: Stored>(text: &str) -> Result<T, DecodeError> {
    let raw: RawEnvelope =
        serde_json::from_str(text).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if raw.v > SCHEMA_VERSION {
        return Err(DecodeError::FutureVersion(raw.v));
    }
    readable_version(raw.v)?;
    let mut value: T = serde_json::from_str(raw.data.get())
        .map_err(|e| DecodeError::Corrupt(what_is_wrong(&e)))?;
    value.migrate(raw.v);
    Ok(value)
}

/// What is wrong with a value, without serde_json's "at line 1 column 147": a position in
/// a stored value's text (or an import's re-wrapped entry) tells the user nothing.
fn what_is_wrong(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => text[..at].to_string(),
        _ => text,
    }
}

/// Whether data written under schema `from` can be read at all: every schema from 1 on
/// decodes into today's types (later fields have defaults), and [`Stored::migrate`] then
/// brings it up to date.
fn readable_version(from: u32) -> Result<(), DecodeError> {
    match from {
        0 => Err(DecodeError::Corrupt(
            "schema version 0 does not exist".into(),
        )),
        _ => Ok(()),
    }
}

/// Convenience for the settings value.
pub fn decode_settings(text: &str) -> Result<Settings, DecodeError> {
    decode(text)
}

#[cfg(test)]
mod tests;
