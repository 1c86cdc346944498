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

/// Where an undecodable value under `key` is copied before anything else happens.
pub fn quarantine_key(key: &str, now_ms: f64) -> String {
    format!("mnemo.quarantine.{}.{key}", now_ms as u64)
}

/// One line of the conversation list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: ConversationId,
    pub title: String,
    pub updated_at: f64,
}

/// The conversation list, newest first, and the open conversation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Index {
    pub conversations: Vec<IndexEntry>,
    pub current: Option<ConversationId>,
}

impl Index {
    /// Takes in the entries another tab stored: every conversation either side lists is
    /// kept, the newer line of the two wins, and this tab's open conversation stays.
    pub fn merge_from(&mut self, theirs: &Index) {
        for entry in &theirs.conversations {
            match self.conversations.iter_mut().find(|e| e.id == entry.id) {
                Some(ours) if ours.updated_at >= entry.updated_at => {}
                Some(ours) => *ours = entry.clone(),
                None => self.conversations.push(entry.clone()),
            }
        }
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
        self.conversations
            .sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
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

#[derive(Deserialize)]
struct RawEnvelope {
    v: u32,
    data: serde_json::Value,
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
    let data = migrate(raw.v, raw.data)?;
    serde_json::from_value(data).map_err(|e| DecodeError::Corrupt(e.to_string()))
}

/// Brings data written under schema `from` up to [`SCHEMA_VERSION`]. Each step is a pure
/// function from one version's JSON to the next; version 1 is the first.
fn migrate(from: u32, data: serde_json::Value) -> Result<serde_json::Value, DecodeError> {
    match from {
        0 => Err(DecodeError::Corrupt(
            "schema version 0 does not exist".into(),
        )),
        _ => Ok(data),
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
}
