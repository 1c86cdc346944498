//! What is stored and how: storage keys, the versioned envelope every value is wrapped
//! in, and decoding that reports problems instead of guessing.
//!
//! Every stored value is `{"v": <schema version>, "data": <value>}`. A value that cannot
//! be decoded is never overwritten: the caller copies it to a quarantine key first.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::conversation::{Conversation, ConversationId};
use super::settings::Settings;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 1;

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

    /// One sort for every change of the list: each `sort_by` with a closure of its own
    /// is a copy of the whole sort in the app's wasm.
    fn sort_newest_first(&mut self) {
        self.conversations
            .sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
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
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let raw: RawEnvelope =
        serde_json::from_str(text).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if raw.v > SCHEMA_VERSION {
        return Err(DecodeError::FutureVersion(raw.v));
    }
    readable_version(raw.v)?;
    serde_json::from_str(raw.data.get()).map_err(|e| DecodeError::Corrupt(what_is_wrong(&e)))
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

/// Whether data written under schema `from` can be read as it is. Version 1 is the first
/// and the current one; a later schema adds its migration here, as a pure function from
/// one version's JSON to the next.
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
mod tests {
    use super::*;
    use crate::core::message::{Message, MessageId};

    #[test]
    fn values_round_trip_in_an_envelope() {
        let mut c = Conversation::new(ConversationId("c1".into()), 1.0);
        c.push_user(Message::user(MessageId("m1".into()), "héllo 🙂", 2.0));
        let text = encode(&c);
        assert!(text.starts_with("{\"v\":1,\"data\":"));
        assert_eq!(decode::<Conversation>(&text).unwrap(), c);
        let s = Settings::default();
        assert_eq!(decode_settings(&encode(&s)).unwrap(), s);
    }

    #[test]
    fn corrupt_and_future_values_are_errors_not_defaults() {
        assert!(matches!(
            decode_settings("{\"v\":1,\"data\":"),
            Err(DecodeError::Corrupt(_))
        ));
        assert!(matches!(
            decode_settings("{\"model\":\"gpt-4o\"}"),
            Err(DecodeError::Corrupt(_))
        ));
        assert_eq!(
            decode_settings("{\"v\":99,\"data\":{}}"),
            Err(DecodeError::FutureVersion(99))
        );
        assert!(matches!(
            decode::<Conversation>("{\"v\":1,\"data\":{\"id\":\"x\"}}"),
            Err(DecodeError::Corrupt(_))
        ));
    }

    #[test]
    fn settings_missing_new_fields_take_defaults() {
        let s = decode_settings("{\"v\":1,\"data\":{\"model\":\"gpt-4o\"}}").unwrap();
        assert_eq!(s.model, "gpt-4o");
        assert_eq!(s.base_url, Settings::default().base_url);
    }

    #[test]
    fn the_index_stays_newest_first() {
        let mut index = Index::default();
        let a = Conversation::new(ConversationId("a".into()), 1.0);
        let mut b = Conversation::new(ConversationId("b".into()), 2.0);
        index.touch(&a);
        index.touch(&b);
        b.updated_at = 0.5;
        index.touch(&b);
        let ids: Vec<_> = index
            .conversations
            .iter()
            .map(|e| e.id.0.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn index_merging_keeps_both_tabs_conversations_and_our_current_one() {
        let mut ours = Index::default();
        let a = Conversation::new(ConversationId("a".into()), 1.0);
        ours.touch(&a);
        ours.current = Some(a.id.clone());
        let mut theirs = Index::default();
        theirs.touch(&Conversation::new(ConversationId("b".into()), 2.0));
        let mut newer_a = a.clone();
        newer_a.title = "renamed".into();
        newer_a.updated_at = 3.0;
        theirs.touch(&newer_a);
        theirs.current = Some(ConversationId("b".into()));
        ours.merge_from(&theirs);
        let ids: Vec<_> = ours
            .conversations
            .iter()
            .map(|e| (e.id.0.as_str(), e.title.as_str()))
            .collect();
        assert_eq!(ids, [("a", "renamed"), ("b", "")]);
        assert_eq!(ours.current, Some(ConversationId("a".into())));
    }

    #[test]
    fn a_version_1_fixture_still_decodes() {
        let fixture = include_str!("../../tests/fixtures/conversation-v1.json");
        let c: Conversation = decode(fixture).unwrap();
        assert_eq!(c.messages.len(), 2);
        assert_eq!(c.messages[1].usage.unwrap().total_tokens, 30);
    }

    #[test]
    fn keys_are_namespaced() {
        let id = ConversationId("abc".into());
        assert_eq!(conversation_key(&id), "mnemo.conv.abc");
        assert!(quarantine_key(SETTINGS_KEY, 5.0).starts_with(PREFIX));
    }

    #[test]
    fn text_parts_make_the_same_envelope_as_encode() {
        let text = "a \"quoted\" draft\nwith 🙂 and \\ and \u{1}";
        let (prefix, suffix) = encode_text_parts();
        let joined = format!("{prefix}{}{suffix}", serde_json::to_string(text).unwrap());
        assert_eq!(joined, encode(&text.to_string()));
        assert_eq!(decode::<String>(&joined).unwrap(), text);
    }

    fn entry(id: &str, updated_at: f64) -> IndexEntry {
        IndexEntry {
            id: ConversationId(id.into()),
            title: id.to_uppercase(),
            updated_at,
        }
    }

    fn listed(index: &Index) -> Vec<&str> {
        index
            .conversations
            .iter()
            .map(|e| e.id.0.as_str())
            .collect()
    }

    #[test]
    fn the_api_key_is_never_copied_and_an_unreadable_one_is_discarded() {
        assert!(!may_copy(API_KEY_KEY));
        assert!(!may_copy(&quarantine_key(API_KEY_KEY, 1_700_000_000_000.0)));
        assert!(!may_copy("mnemo.quarantine.5.mnemo.key"));
        assert!(may_copy(SETTINGS_KEY));
        assert!(may_copy(INDEX_KEY));
        assert!(may_copy("mnemo.conv.abc"));
        assert!(may_copy(&quarantine_key("mnemo.conv.abc", 5.0)));
        assert!(may_copy("mnemo.quarantine.5.mnemo.keys"));
        assert_eq!(on_unreadable(API_KEY_KEY), Unreadable::Discard);
        assert_eq!(on_unreadable(SETTINGS_KEY), Unreadable::SetAside);
        assert_eq!(on_unreadable("mnemo.conv.abc"), Unreadable::SetAside);
    }

    #[test]
    fn a_conversation_deleted_in_one_tab_is_not_brought_back_by_the_other() {
        let mut a = Index {
            conversations: vec![entry("x", 2.0), entry("y", 1.0)],
            ..Index::default()
        };
        let mut b = a.clone();
        b.current = Some(ConversationId("x".into()));
        a.delete(&ConversationId("x".into()), 10.0);
        // Tab B still lists x (it has it open) and writes its list: A keeps it deleted.
        a.merge_from(&b);
        assert_eq!(listed(&a), ["y"]);
        // B takes in A's list: x goes there too, and B learns it was deleted.
        b.merge_from(&a);
        assert_eq!(listed(&b), ["y"]);
        assert!(b.is_deleted(&ConversationId("x".into()), 2.0));
        assert_eq!(a.deleted, b.deleted);
    }

    #[test]
    fn a_conversation_changed_after_its_deletion_comes_back() {
        let mut a = Index {
            conversations: vec![entry("x", 2.0)],
            ..Index::default()
        };
        let mut b = a.clone();
        a.delete(&ConversationId("x".into()), 10.0);
        b.conversations = vec![entry("x", 11.0)];
        assert!(!b.is_deleted(&ConversationId("x".into()), 11.0));
        a.merge_from(&b);
        assert_eq!(listed(&a), ["x"]);
        b.merge_from(&a);
        assert_eq!(listed(&b), ["x"]);
    }

    #[test]
    fn deletions_merge_as_a_union_keeping_the_later_time() {
        let mut a = Index::default();
        a.delete(&ConversationId("x".into()), 5.0);
        a.delete(&ConversationId("y".into()), 6.0);
        let mut b = Index::default();
        b.delete(&ConversationId("x".into()), 7.0);
        b.delete(&ConversationId("z".into()), 8.0);
        let mut ab = a.clone();
        ab.merge_from(&b);
        let mut ba = b.clone();
        ba.merge_from(&a);
        let times = |i: &Index| {
            let mut t: Vec<_> = i
                .deleted
                .iter()
                .map(|d| (d.id.0.clone(), d.deleted_at))
                .collect();
            t.sort_by(|p, q| p.0.cmp(&q.0));
            t
        };
        let expected = vec![("x".to_string(), 7.0), ("y".into(), 6.0), ("z".into(), 8.0)];
        assert_eq!(times(&ab), expected);
        assert_eq!(times(&ba), expected);
        // Merging again changes nothing.
        let before = ab.clone();
        ab.merge_from(&b);
        assert_eq!(ab, before);
    }

    #[test]
    fn old_deletions_are_forgotten_and_an_undone_one_no_longer_counts() {
        let mut index = Index::default();
        index.delete(&ConversationId("old".into()), 1_000.0);
        index.delete(&ConversationId("new".into()), 1_000.0 + TOMBSTONE_MS);
        assert_eq!(index.deleted.len(), 2);
        index.delete(&ConversationId("newer".into()), 2_000.0 + TOMBSTONE_MS);
        let ids: Vec<_> = index.deleted.iter().map(|d| d.id.0.as_str()).collect();
        assert_eq!(ids, ["new", "newer"]);
        index.restore(entry("new", 3_000.0 + TOMBSTONE_MS));
        assert_eq!(listed(&index), ["new"]);
        assert!(!index.is_deleted(&ConversationId("new".into()), 0.0));
    }

    #[test]
    fn an_undone_deletion_reaches_a_tab_that_took_in_the_deletion() {
        let x = ConversationId("x".into());
        let mut a = Index {
            conversations: vec![entry("x", 2.0)],
            ..Index::default()
        };
        let mut b = a.clone();
        a.delete(&x, 10.0);
        b.merge_from(&a);
        assert!(listed(&b).is_empty());
        a.restore(entry("x", 2.0));
        // B writes its list, which still holds the deletion: A keeps x.
        a.merge_from(&b);
        assert_eq!(listed(&a), ["x"]);
        b.merge_from(&a);
        assert_eq!(listed(&b), ["x"]);
        // Deleting it again counts again.
        b.delete(&x, 20.0);
        a.merge_from(&b);
        assert!(listed(&a).is_empty());
    }

    #[test]
    fn an_index_without_deletions_still_decodes_and_writes_none() {
        let old = r#"{"v":1,"data":{"conversations":[{"id":"a","title":"A","updated_at":1.0}],"current":"a"}}"#;
        let index: Index = decode(old).unwrap();
        assert_eq!(listed(&index), ["a"]);
        assert!(index.deleted.is_empty());
        assert!(!encode(&index).contains("deleted"));
    }

    #[test]
    fn stored_conversations_the_list_does_not_name_are_orphans() {
        let index = Index {
            conversations: vec![entry("a", 1.0)],
            ..Index::default()
        };
        let keys: Vec<String> = [
            "mnemo.conv.a",
            "mnemo.conv.b",
            "mnemo.index",
            "mnemo.quarantine.1.mnemo.conv.c",
            "mnemo.conv.",
            "other.conv.d",
            "mnemo.conv.e",
        ]
        .iter()
        .map(|k| k.to_string())
        .collect();
        let found: Vec<_> = orphans(&index, &keys).into_iter().map(|i| i.0).collect();
        assert_eq!(found, ["b", "e"]);
    }

    #[test]
    fn an_empty_conversation_is_stored_once_it_has_a_title_or_settings() {
        let mut c = Conversation::new(ConversationId("c".into()), 1.0);
        assert!(!worth_storing(&c));
        c.title = "Plans".into();
        assert!(worth_storing(&c));
        c.title.clear();
        c.overrides.model = Some("gpt-4o".into());
        assert!(worth_storing(&c));
    }

    #[test]
    fn fingerprints_tell_texts_apart() {
        assert_eq!(fingerprint("abc"), fingerprint("abc"));
        assert_ne!(fingerprint("abc"), fingerprint("abd"));
        assert_ne!(fingerprint(""), fingerprint("\0"));
        assert_eq!(fingerprint(""), Fingerprint(0xcbf2_9ce4_8422_2325, 0));
    }
}
