//! Moving conversations in and out of Mnemo: a lossless JSON export, Markdown and plain
//! text for reading elsewhere, and importing our own exports, single stored
//! conversations, or plain OpenAI `messages` arrays.
//!
//! Importing is all or nothing: it returns the conversations to add, or an error saying
//! which entry and which field is wrong, and never touches what is already stored.
//! Every export — one chat, all of them, the backup offered when storage is full, the
//! values set aside — is the same file, which import takes back. A stored value that
//! cannot be read goes into the file as it is, under `set_aside`, never left out; the
//! API key never goes into it.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::conversation::{title_from, Conversation, ConversationId};
use super::message::{Message, MessageId, Role};
use super::persist::{self, DecodeError, SCHEMA_VERSION};

/// The `format` field that marks a Mnemo export.
pub const FORMAT: &str = "mnemo";

/// The longest piece of a wrong value quoted back in an error, in characters.
const QUOTE_CHARS: usize = 40;

#[derive(Serialize)]
struct Export<'a> {
    format: &'static str,
    v: u32,
    conversations: &'a [Conversation],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    set_aside: &'a [SetAside],
}

/// A stored value that could not be read, kept in an export exactly as it was stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    /// The storage key it was found under.
    pub key: String,
    /// The stored text.
    pub value: String,
}

/// What a file brought in.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The conversations to add.
    pub conversations: Vec<Conversation>,
    /// How many set-aside values the file holds; they are not imported (nothing can read
    /// them) and stay in the file.
    pub set_aside: usize,
}

/// Sorts stored values (`(key, text)`, every key Mnemo wrote) into what an export of
/// everything holds: the conversations that can be read, newest first, and the values
/// that could not — conversations that fail to decode and the values already set aside
/// — as they are, each text once. Settings, the list, the draft and the API key are not
/// conversations and are left out.
pub fn gather(stored: Vec<(String, String)>) -> (Vec<Conversation>, Vec<SetAside>) {
    let mut conversations: Vec<Conversation> = Vec::new();
    let mut set_aside: Vec<SetAside> = Vec::new();
    for (key, value) in stored {
        let is_conversation = key.starts_with(persist::CONVERSATION_PREFIX);
        if is_conversation {
            if let Ok(c) = persist::decode::<Conversation>(&value) {
                conversations.push(c);
                continue;
            }
        }
        let keep = (is_conversation || key.starts_with(persist::QUARANTINE_PREFIX))
            && persist::may_copy(&key)
            && !set_aside.iter().any(|s| s.value == value);
        if keep {
            set_aside.push(SetAside { key, value });
        }
    }
    conversations.sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
    (conversations, set_aside)
}

/// A stored value's envelope around one conversation of an export, so that it is decoded
/// (and migrated) exactly as [`persist::decode`] decodes a stored conversation.
#[derive(Serialize)]
struct Envelope<'a> {
    v: u32,
    data: &'a Value,
}

/// All of `conversations`, losslessly, as `{"format":"mnemo","v":…,"conversations":[…]}`.
pub fn export_json(conversations: &[Conversation]) -> String {
    export_file(conversations, &[])
}

/// An export file: `conversations` as [`export_json`] writes them, and the values in
/// `set_aside` under `"set_aside":[{"key":…,"value":…},…]` — except any that holds the
/// API key, which is never exported.
pub fn export_file(conversations: &[Conversation], set_aside: &[SetAside]) -> String {
    let set_aside: Vec<SetAside> = set_aside
        .iter()
        .filter(|s| persist::may_copy(&s.key))
        .cloned()
        .collect();
    serde_json::to_string_pretty(&Export {
        format: FORMAT,
        v: SCHEMA_VERSION,
        conversations,
        set_aside: &set_aside,
    })
    .expect("conversations are plain data and always serialise")
}

/// A conversation as Markdown for reading: its title as a heading, then each message
/// under `### You`, `### Assistant` or `### System`, its text as written. Messages with
/// no text (a reply that never started) are left out.
pub fn export_markdown(c: &Conversation) -> String {
    let mut out = format!("# {}\n", c.display_title());
    for m in c.messages.iter().filter(|m| !m.content.is_empty()) {
        let who = match m.role {
            Role::User => "You",
            Role::Assistant => "Assistant",
            Role::System => "System",
        };
        out.push_str("\n### ");
        out.push_str(who);
        out.push_str("\n\n");
        push_line(&mut out, &m.content);
    }
    out
}

/// A conversation as plain text: one `[role] text` block per message, blocks separated
/// by a blank line. Messages with no text are left out.
pub fn export_text(c: &Conversation) -> String {
    let mut out = String::new();
    for m in c.messages.iter().filter(|m| !m.content.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push('[');
        out.push_str(m.role.as_str());
        out.push_str("] ");
        push_line(&mut out, &m.content);
    }
    out
}

/// Appends `text` as it is, ending with a line break.
fn push_line(out: &mut String, text: &str) {
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Why a file could not be imported, in words for the user. Nothing was imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file holds nothing but whitespace.
    Empty,
    /// The file is not JSON; serde_json's description of where it broke.
    NotJson(String),
    /// JSON, but neither an export, a stored conversation nor a messages array.
    UnknownShape,
    /// Written by a newer Mnemo, whose schema this one cannot read.
    NewerVersion(u32),
    /// A messages array with no messages.
    NoMessages,
    /// Something wrong at the top level of the file (`problem` names the field).
    File(String),
    /// Message number `entry` (from 1) of a messages array is wrong.
    Entry { entry: usize, problem: String },
    /// Conversation number `entry` (from 1) of an export is wrong.
    Conversation { entry: usize, problem: String },
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Empty => f.write_str("empty file"),
            ImportError::NotJson(why) => write!(f, "not JSON: {why}"),
            ImportError::UnknownShape => f.write_str(
                "not a Mnemo export or a list of chat messages (expected {\"format\":\"mnemo\",…} \
                 or [{\"role\":…,\"content\":…},…])",
            ),
            ImportError::NewerVersion(v) => write!(
                f,
                "this file was written by a newer Mnemo (schema {v}); this one reads up to schema {SCHEMA_VERSION}"
            ),
            ImportError::NoMessages => f.write_str("there are no messages in this file"),
            ImportError::File(problem) => f.write_str(problem),
            ImportError::Entry { entry, problem } => write!(f, "entry {entry}: {problem}"),
            ImportError::Conversation { entry, problem } => {
                write!(f, "conversation {entry}: {problem}")
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Reads an import file: a Mnemo export (`{"format":"mnemo","v":…,"conversations":[…]}`,
/// any schema up to [`SCHEMA_VERSION`]), one stored conversation (`{"v":…,"data":{…}}`),
/// or a plain OpenAI messages array (`[{"role":…,"content":…},…]`, also as
/// `{"messages":[…]}`), which becomes one new conversation.
///
/// Imported conversations never replace existing ones: a conversation whose id is in
/// `existing`, or repeats an earlier one in the file, gets a fresh id from `new_id`. A
/// messages array takes every id from `new_id`, and times counting up from `now_ms`.
/// Replies marked as still streaming come in as stopped.
///
/// # Errors
/// An [`ImportError`] naming the entry and field at fault; nothing is imported then.
///
/// # Examples
/// ```
/// use mnemo::core::transfer::import_json;
/// let mut n = 0;
/// let mut new_id = || { n += 1; format!("id{n}") };
/// let text = r#"[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]"#;
/// let imported = import_json(text, &[], &mut new_id, 1000.0).unwrap();
/// assert_eq!(imported.conversations[0].title, "Hi");
/// assert_eq!(imported.conversations[0].messages.len(), 2);
/// assert_eq!(imported.set_aside, 0);
/// ```
pub fn import_json(
    text: &str,
    existing: &[ConversationId],
    new_id: &mut dyn FnMut() -> String,
    now_ms: f64,
) -> Result<Imported, ImportError> {
    // Some editors start a UTF-8 file with a byte order mark, which is not JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let (mut conversations, set_aside) = match value {
        Value::Array(messages) => (vec![from_messages(&messages, new_id, now_ms)?], 0),
        Value::Object(object) => (
            from_object(&object, new_id, now_ms)?,
            set_aside_count(&object)?,
        ),
        _ => return Err(ImportError::UnknownShape),
    };
    give_fresh_ids(&mut conversations, existing, new_id);
    Ok(Imported {
        conversations,
        set_aside,
    })
}

/// How many set-aside values an export holds.
fn set_aside_count(object: &Map<String, Value>) -> Result<usize, ImportError> {
    match object.get("set_aside") {
        None => Ok(0),
        Some(Value::Array(values)) => Ok(values.len()),
        Some(other) => Err(ImportError::File(format!(
            "\"set_aside\" must be a list (found {})",
            describe(other)
        ))),
    }
}

/// Tells apart the shapes a JSON object can have and reads it.
fn from_object(
    object: &Map<String, Value>,
    new_id: &mut dyn FnMut() -> String,
    now_ms: f64,
) -> Result<Vec<Conversation>, ImportError> {
    if object.contains_key("format") || object.contains_key("conversations") {
        return from_export(object);
    }
    if let (Some(v), Some(data)) = (object.get("v"), object.get("data")) {
        let v = schema_version(v)?;
        return Ok(vec![decode_conversation(v, data, 1)?]);
    }
    match object.get("messages") {
        Some(Value::Array(messages)) => Ok(vec![from_messages(messages, new_id, now_ms)?]),
        Some(other) => Err(ImportError::File(format!(
            "\"messages\" must be a list (found {})",
            describe(other)
        ))),
        None => Err(ImportError::UnknownShape),
    }
}

/// Reads `{"format":"mnemo","v":…,"conversations":[…]}`.
fn from_export(object: &Map<String, Value>) -> Result<Vec<Conversation>, ImportError> {
    let v = export_version(object)?;
    let entries = match object.get("conversations") {
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Err(ImportError::File(format!(
                "\"conversations\" must be a list (found {})",
                describe(other)
            )))
        }
        None => return Err(ImportError::File("\"conversations\" is missing".into())),
    };
    entries
        .iter()
        .enumerate()
        .map(|(i, data)| decode_conversation(v, data, i + 1))
        .collect()
}

/// The schema version of an export, from its `format` and `v`.
fn export_version(object: &Map<String, Value>) -> Result<u32, ImportError> {
    match object.get("format") {
        Some(Value::String(format)) if format == FORMAT => {}
        Some(other) => {
            return Err(ImportError::File(format!(
                "\"format\" must be \"{FORMAT}\" (found {})",
                describe(other)
            )))
        }
        None => return Err(ImportError::File("\"format\" is missing".into())),
    }
    match object.get("v") {
        Some(v) => schema_version(v),
        None => Err(ImportError::File("\"v\" is missing".into())),
    }
}

/// A large export read in pieces, so that no single step holds the page for long: the
/// export without its conversations as a JSON object (`header`: `format`, `v`, and
/// `set_aside` if any), then each conversation's JSON by itself
/// ([`ExportPieces::decode`]), then [`ExportPieces::finish`]. The result and the errors
/// are those of [`import_json`] on the whole file.
#[derive(Debug)]
pub struct ExportPieces {
    v: u32,
    set_aside: usize,
    conversations: Vec<Conversation>,
}

impl ExportPieces {
    /// Starts reading an export whose `format` and `v` are in `header`.
    ///
    /// # Errors
    /// As [`import_json`] for a wrong `format` or `v`.
    pub fn start(header: &str) -> Result<Self, ImportError> {
        let object: Map<String, Value> =
            serde_json::from_str(header).map_err(|e| ImportError::NotJson(e.to_string()))?;
        Ok(ExportPieces {
            v: export_version(&object)?,
            set_aside: set_aside_count(&object)?,
            conversations: Vec::new(),
        })
    }

    /// Reads the next conversation of the export, given as one JSON value (it is put
    /// into an envelope as it is, and decoded like a stored conversation).
    ///
    /// # Errors
    /// As [`import_json`], naming this entry.
    pub fn decode(&mut self, data: &str) -> Result<(), ImportError> {
        let entry = self.conversations.len() + 1;
        let envelope = format!("{{\"v\":{},\"data\":{data}}}", self.v);
        self.conversations.push(decode_envelope(&envelope, entry)?);
        Ok(())
    }

    /// The conversations read, with new ids where theirs are taken.
    pub fn finish(
        mut self,
        existing: &[ConversationId],
        new_id: &mut dyn FnMut() -> String,
    ) -> Imported {
        give_fresh_ids(&mut self.conversations, existing, new_id);
        Imported {
            conversations: self.conversations,
            set_aside: self.set_aside,
        }
    }
}

/// The schema version in `v`, if this build can read it.
fn schema_version(v: &Value) -> Result<u32, ImportError> {
    let version = v
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .filter(|&v| v > 0)
        .ok_or_else(|| {
            ImportError::File(format!(
                "\"v\" must be a schema version number (found {})",
                describe(v)
            ))
        })?;
    if version > SCHEMA_VERSION {
        return Err(ImportError::NewerVersion(version));
    }
    Ok(version)
}

/// Decodes one conversation written under schema `v` the way a stored one is decoded, so
/// that the same migrations apply.
fn decode_conversation(v: u32, data: &Value, entry: usize) -> Result<Conversation, ImportError> {
    let envelope = serde_json::to_string(&Envelope { v, data })
        .expect("a parsed JSON value always serialises");
    decode_envelope(&envelope, entry)
}

/// Decodes entry `entry` of an import, given in a stored value's envelope.
fn decode_envelope(envelope: &str, entry: usize) -> Result<Conversation, ImportError> {
    let mut conversation: Conversation = persist::decode(envelope).map_err(|e| match e {
        DecodeError::FutureVersion(v) => ImportError::NewerVersion(v),
        DecodeError::Corrupt(problem) => ImportError::Conversation { entry, problem },
    })?;
    conversation.settle_interrupted();
    Ok(conversation)
}

/// Makes one new conversation of an OpenAI messages array.
fn from_messages(
    entries: &[Value],
    new_id: &mut dyn FnMut() -> String,
    now_ms: f64,
) -> Result<Conversation, ImportError> {
    if entries.is_empty() {
        return Err(ImportError::NoMessages);
    }
    let mut conversation = Conversation::new(ConversationId(new_id()), now_ms);
    conversation.messages.reserve(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let (role, content) = wire_message(entry).map_err(|problem| ImportError::Entry {
            entry: i + 1,
            problem,
        })?;
        let created_at = now_ms + i as f64;
        conversation.push(Message {
            role,
            ..Message::user(MessageId(new_id()), content, created_at)
        });
    }
    if let Some(first) = conversation.messages.iter().find(|m| m.role == Role::User) {
        conversation.title = title_from(&first.content);
    }
    Ok(conversation)
}

/// The role and text of one entry of a messages array, or what is wrong with it.
fn wire_message(entry: &Value) -> Result<(Role, String), String> {
    let Value::Object(fields) = entry else {
        return Err(format!(
            "expected an object with \"role\" and \"content\" (found {})",
            describe(entry)
        ));
    };
    let role = match fields.get("role") {
        None => return Err("\"role\" is missing".into()),
        Some(value) => match value.as_str() {
            // OpenAI's newer name for the system role.
            Some("system" | "developer") => Role::System,
            Some("user") => Role::User,
            Some("assistant") => Role::Assistant,
            _ => {
                return Err(format!(
                    "\"role\" must be \"system\", \"user\" or \"assistant\" (found {})",
                    describe(value)
                ))
            }
        },
    };
    let content = match fields.get("content") {
        None => return Err("\"content\" is missing".into()),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => join_text_parts(parts)?,
        Some(other) => {
            return Err(format!(
                "\"content\" must be text or a list of text parts (found {})",
                describe(other)
            ))
        }
    };
    Ok((role, content))
}

/// The texts of a content-parts array, one per line. Parts of other types (images,
/// audio) have no place in a text chat and are left out.
fn join_text_parts(parts: &[Value]) -> Result<String, String> {
    let mut texts = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let n = i + 1;
        let Value::Object(part) = part else {
            return Err(format!(
                "part {n} of \"content\" must be an object like {{\"type\":\"text\",\"text\":…}} (found {})",
                describe(part)
            ));
        };
        if part.get("type").and_then(Value::as_str) != Some("text") {
            continue;
        }
        match part.get("text") {
            Some(Value::String(text)) => texts.push(text.as_str()),
            Some(other) => {
                return Err(format!(
                    "part {n} of \"content\": \"text\" must be text (found {})",
                    describe(other)
                ))
            }
            None => return Err(format!("part {n} of \"content\": \"text\" is missing")),
        }
    }
    Ok(texts.join("\n"))
}

/// Replaces ids that are taken (by an existing conversation or an earlier one in the same
/// file) or empty with fresh ones.
fn give_fresh_ids(
    conversations: &mut [Conversation],
    existing: &[ConversationId],
    new_id: &mut dyn FnMut() -> String,
) {
    let mut taken: HashSet<String> = existing.iter().map(|id| id.0.clone()).collect();
    for c in conversations {
        if c.id.0.is_empty() || taken.contains(&c.id.0) {
            c.id = ConversationId(new_id());
        }
        taken.insert(c.id.0.clone());
    }
}

/// A JSON value as quoted back in an error: strings in quotes (shortened), other values
/// by their kind or, for numbers and booleans, as written.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let mut quoted: String = s.chars().take(QUOTE_CHARS).collect();
            if s.chars().count() > QUOTE_CHARS {
                quoted.push('…');
            }
            format!("\"{quoted}\"")
        }
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::message::{MessageStatus, Usage};

    /// An id generator that counts: `n1`, `n2`, …
    fn counter() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("n{n}")
        }
    }

    fn import(text: &str) -> Result<Vec<Conversation>, ImportError> {
        import_json(text, &[], &mut counter(), 1_000.0).map(|i| i.conversations)
    }

    fn error(text: &str) -> String {
        match import(text) {
            Ok(c) => panic!("imported {c:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn sample(id: &str) -> Conversation {
        let mut c = Conversation::new(ConversationId(id.into()), 1.0);
        c.push_user(Message::user(
            MessageId("u1".into()),
            "My name is Priya.",
            2.0,
        ));
        let mut reply = Message::pending_reply(MessageId("a1".into()), "gpt-4o-mini", 3.0);
        reply.content = "Nice to meet you, **Priya**!\n".into();
        reply.status = MessageStatus::Complete;
        reply.usage = Some(Usage {
            prompt_tokens: 22,
            completion_tokens: 8,
            total_tokens: 30,
            ..Usage::default()
        });
        reply.pinned = true;
        c.push(reply);
        c
    }

    #[test]
    fn an_export_round_trips_losslessly() {
        let all = vec![sample("c1"), sample("c2")];
        let text = export_json(&all);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format"], "mnemo");
        assert_eq!(value["v"], SCHEMA_VERSION);
        assert_eq!(import(&text).unwrap(), all);
    }

    #[test]
    fn imported_ids_never_overwrite_existing_ones() {
        let text = export_json(&[sample("c1"), sample("c2"), sample("c1")]);
        let existing = [ConversationId("c2".into())];
        let imported = import_json(&text, &existing, &mut counter(), 0.0)
            .unwrap()
            .conversations;
        let ids: Vec<_> = imported.iter().map(|c| c.id.0.as_str()).collect();
        assert_eq!(ids, ["c1", "n1", "n2"]);
        // Message ids and everything else are kept.
        assert_eq!(imported[1].messages, sample("c2").messages);
    }

    #[test]
    fn a_stored_conversation_imports() {
        let fixture = include_str!("../../tests/fixtures/conversation-v1.json");
        let imported = import(fixture).unwrap();
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].id.0, "lx2k9a0001");
        assert_eq!(imported[0].messages.len(), 2);
        assert_eq!(
            imported[0],
            persist::decode::<Conversation>(fixture).unwrap()
        );
    }

    #[test]
    fn replies_that_were_streaming_come_in_stopped() {
        let mut c = sample("c1");
        c.messages[1].status = MessageStatus::Streaming;
        let imported = import(&export_json(&[c])).unwrap();
        assert_eq!(imported[0].messages[1].status, MessageStatus::Stopped);
    }

    #[test]
    fn an_openai_messages_array_becomes_one_conversation() {
        let text = r#"[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "What is Rust?\nBriefly."},
            {"role": "assistant", "content": "A systems language.", "name": "bot"}
        ]"#;
        let imported = import(text).unwrap();
        assert_eq!(imported.len(), 1);
        let c = &imported[0];
        assert_eq!(c.id.0, "n1");
        assert_eq!(c.title, "What is Rust?");
        let roles: Vec<_> = c.messages.iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::System, Role::User, Role::Assistant]);
        let ids: Vec<_> = c.messages.iter().map(|m| m.id.0.as_str()).collect();
        assert_eq!(ids, ["n2", "n3", "n4"]);
        let times: Vec<_> = c.messages.iter().map(|m| m.created_at).collect();
        assert_eq!(times, [1_000.0, 1_001.0, 1_002.0]);
        assert_eq!(c.created_at, 1_000.0);
        assert_eq!(c.updated_at, 1_002.0);
        assert!(c
            .messages
            .iter()
            .all(|m| m.status == MessageStatus::Complete));
        assert_eq!(c.messages[2].content, "A systems language.");
    }

    #[test]
    fn a_messages_object_and_content_parts_are_understood() {
        let text = r#"{"model": "gpt-4o", "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Describe"},
                {"type": "image_url", "image_url": {"url": "https://a.b/c.png"}},
                {"type": "text", "text": "this picture."}
            ]},
            {"role": "developer", "content": []}
        ]}"#;
        let c = &import(text).unwrap()[0];
        assert_eq!(c.messages[0].content, "Describe\nthis picture.");
        assert_eq!(c.messages[1].role, Role::System);
        assert_eq!(c.messages[1].content, "");
        assert_eq!(c.title, "Describe");
    }

    #[test]
    fn a_conflicting_messages_array_id_is_replaced_too() {
        let existing = [ConversationId("n1".into())];
        let imported = import_json(
            r#"[{"role":"user","content":"hi"}]"#,
            &existing,
            &mut counter(),
            0.0,
        )
        .unwrap()
        .conversations;
        assert_eq!(imported[0].id.0, "n3");
    }

    #[test]
    fn errors_name_the_entry_and_the_field() {
        assert_eq!(error(""), "empty file");
        assert_eq!(error(" \n"), "empty file");
        assert_eq!(
            error("hello"),
            "not JSON: expected value at line 1 column 1"
        );
        assert_eq!(
            error("[{\"role\":\"user\",\"content\":\"a\"}"),
            "not JSON: EOF while parsing a list at line 1 column 30"
        );
        assert_eq!(
            error(
                r#"[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"bot","content":"c"}]"#
            ),
            "entry 3: \"role\" must be \"system\", \"user\" or \"assistant\" (found \"bot\")"
        );
        assert_eq!(
            error(r#"[{"role":"user","content":"a"},{"role":"user"}]"#),
            "entry 2: \"content\" is missing"
        );
        assert_eq!(
            error(r#"[{"content":"a"}]"#),
            "entry 1: \"role\" is missing"
        );
        assert_eq!(
            error(r#"[{"role":7,"content":"a"}]"#),
            "entry 1: \"role\" must be \"system\", \"user\" or \"assistant\" (found 7)"
        );
        assert_eq!(
            error(r#"[{"role":"assistant","content":null}]"#),
            "entry 1: \"content\" must be text or a list of text parts (found null)"
        );
        assert_eq!(
            error(r#"["hi"]"#),
            "entry 1: expected an object with \"role\" and \"content\" (found \"hi\")"
        );
        assert_eq!(
            error(r#"[{"role":"user","content":[{"type":"text"}]}]"#),
            "entry 1: part 1 of \"content\": \"text\" is missing"
        );
        assert_eq!(
            error(r#"[{"role":"user","content":["x"]}]"#),
            "entry 1: part 1 of \"content\" must be an object like {\"type\":\"text\",\"text\":…} (found \"x\")"
        );
        assert_eq!(error("[]"), "there are no messages in this file");
        assert_eq!(
            error(r#"{"messages": "hi"}"#),
            "\"messages\" must be a list (found \"hi\")"
        );
        assert!(error("42").starts_with("not a Mnemo export"));
        assert!(error(r#"{"title":"x"}"#).starts_with("not a Mnemo export"));
    }

    #[test]
    fn export_file_errors() {
        assert_eq!(
            error(r#"{"format":"mnemo","v":9,"conversations":[]}"#),
            "this file was written by a newer Mnemo (schema 9); this one reads up to schema 1"
        );
        assert_eq!(
            error(r#"{"v":9,"data":{}}"#),
            "this file was written by a newer Mnemo (schema 9); this one reads up to schema 1"
        );
        assert_eq!(
            error(r#"{"format":"other","v":1,"conversations":[]}"#),
            "\"format\" must be \"mnemo\" (found \"other\")"
        );
        assert_eq!(
            error(r#"{"format":"mnemo","conversations":[]}"#),
            "\"v\" is missing"
        );
        assert_eq!(
            error(r#"{"format":"mnemo","v":"1","conversations":[]}"#),
            "\"v\" must be a schema version number (found \"1\")"
        );
        assert_eq!(
            error(r#"{"format":"mnemo","v":0,"conversations":[]}"#),
            "\"v\" must be a schema version number (found 0)"
        );
        assert_eq!(
            error(r#"{"format":"mnemo","v":1}"#),
            "\"conversations\" is missing"
        );
        let mut broken: Value =
            serde_json::from_str(&export_json(&[sample("a"), sample("b")])).unwrap();
        broken["conversations"][1]
            .as_object_mut()
            .unwrap()
            .remove("messages");
        assert_eq!(
            error(&broken.to_string()),
            "conversation 2: missing field `messages`"
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let imported = import("\u{feff}[{\"role\":\"user\",\"content\":\"hi\"}]").unwrap();
        assert_eq!(imported[0].messages[0].content, "hi");
        assert_eq!(error("\u{feff}"), "empty file");
    }

    #[test]
    fn an_export_of_nothing_imports_nothing() {
        assert_eq!(import(&export_json(&[])).unwrap(), []);
    }

    #[test]
    fn a_ten_megabyte_messages_array_imports() {
        let line = "All work and no play makes Jack a dull boy. ".repeat(23);
        let count = 10_000;
        let messages: Vec<Value> = (0..count)
            .map(|i| {
                let role = if i % 2 == 0 { "user" } else { "assistant" };
                serde_json::json!({"role": role, "content": format!("{i}: {line}")})
            })
            .collect();
        let text = serde_json::to_string(&messages).unwrap();
        assert!(text.len() > 10_000_000, "{}", text.len());
        let imported = import(&text).unwrap();
        let c = &imported[0];
        assert_eq!(c.messages.len(), count);
        assert_eq!(
            c.messages[count - 1].content,
            format!("{}: {line}", count - 1)
        );
        assert_eq!(c.messages[count - 1].role, Role::Assistant);
        // And the export of it, read back.
        assert_eq!(import(&export_json(&imported)).unwrap(), imported);
    }

    #[test]
    fn markdown_export() {
        assert_eq!(
            export_markdown(&sample("c1")),
            "# My name is Priya.\n\n### You\n\nMy name is Priya.\n\n\
             ### Assistant\n\nNice to meet you, **Priya**!\n"
        );
        let mut c = Conversation::new(ConversationId("c".into()), 0.0);
        c.push(Message {
            role: Role::System,
            ..Message::user(MessageId("s".into()), "Be kind.", 0.0)
        });
        assert_eq!(
            export_markdown(&c),
            "# New chat\n\n### System\n\nBe kind.\n"
        );
    }

    #[test]
    fn text_export() {
        let mut c = sample("c1");
        c.push(Message::pending_reply(MessageId("a2".into()), "m", 4.0));
        assert_eq!(
            export_text(&c),
            "[user] My name is Priya.\n\n[assistant] Nice to meet you, **Priya**!\n"
        );
    }

    #[test]
    fn an_export_read_in_pieces_gives_what_the_whole_file_gives() {
        let conversations = vec![sample("a"), sample("b")];
        let text = export_json(&conversations);
        let whole = {
            let mut n = 0;
            let mut id = || {
                n += 1;
                format!("new{n}")
            };
            import_json(&text, &[ConversationId("a".into())], &mut id, 0.0).unwrap()
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        let mut pieces = ExportPieces::start(r#"{"format":"mnemo","v":1}"#).unwrap();
        for entry in value["conversations"].as_array().unwrap() {
            pieces.decode(&entry.to_string()).unwrap();
        }
        let mut n = 0;
        let mut id = || {
            n += 1;
            format!("new{n}")
        };
        assert_eq!(pieces.finish(&[ConversationId("a".into())], &mut id), whole);
    }

    #[test]
    fn pieces_report_the_header_and_the_entry_that_is_wrong() {
        assert_eq!(
            ExportPieces::start(r#"{"format":"other","v":1}"#)
                .unwrap_err()
                .to_string(),
            import_json(
                r#"{"format":"other","v":1,"conversations":[]}"#,
                &[],
                &mut || "x".into(),
                0.0
            )
            .unwrap_err()
            .to_string()
        );
        assert!(matches!(
            ExportPieces::start(r#"{"format":"mnemo","v":99}"#),
            Err(ImportError::NewerVersion(99))
        ));
        let mut pieces = ExportPieces::start(r#"{"format":"mnemo","v":1}"#).unwrap();
        pieces
            .decode(&serde_json::to_string(&sample("a")).unwrap())
            .unwrap();
        let err = pieces.decode(r#"{"id":"b","title":"B"}"#).unwrap_err();
        assert!(
            matches!(err, ImportError::Conversation { entry: 2, .. }),
            "{err:?}"
        );
    }

    /// Stored values as `(key, text)`, as the app reads them back from storage.
    fn stored(conversations: &[Conversation], extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = conversations
            .iter()
            .map(|c| (persist::conversation_key(&c.id), persist::encode(c)))
            .collect();
        all.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        all
    }

    const SECRET: &str = "sk-test-secret-1234";

    fn storage_with_a_bit_of_everything() -> Vec<(String, String)> {
        let mut older = sample("older");
        older.updated_at = 1.0;
        let mut newer = sample("newer");
        newer.updated_at = 9.0;
        let key_value = format!("{{\"v\":2,\"data\":\"{SECRET}\"}}");
        let key_copy = persist::quarantine_key(persist::API_KEY_KEY, 5.0);
        let mut all = stored(
            &[older, newer],
            &[
                (
                    "mnemo.conv.broken",
                    "{\"v\":1,\"data\":{\"id\":\"broken\"}}",
                ),
                ("mnemo.conv.future", "{\"v\":7,\"data\":{}}"),
                ("mnemo.quarantine.5.mnemo.settings", "{\"v\":7,\"data\":{}}"),
                ("mnemo.quarantine.6.mnemo.conv.x", "not json"),
                ("mnemo.settings", "{\"v\":1,\"data\":{}}"),
                ("mnemo.index", "{\"v\":1,\"data\":{}}"),
                ("mnemo.draft", "{\"v\":1,\"data\":\"hi\"}"),
            ],
        );
        all.push((persist::API_KEY_KEY.into(), key_value.clone()));
        all.push((key_copy, key_value));
        all
    }

    #[test]
    fn everything_stored_exports_and_imports_back_with_nothing_left_out() {
        let (conversations, set_aside) = gather(storage_with_a_bit_of_everything());
        let ids: Vec<_> = conversations.iter().map(|c| c.id.0.as_str()).collect();
        assert_eq!(ids, ["newer", "older"]);
        let keys: Vec<_> = set_aside.iter().map(|s| s.key.as_str()).collect();
        // The future conversation and the set-aside settings have the same text: once.
        assert_eq!(
            keys,
            [
                "mnemo.conv.broken",
                "mnemo.conv.future",
                "mnemo.quarantine.6.mnemo.conv.x"
            ]
        );
        let file = export_file(&conversations, &set_aside);
        let imported = import_json(&file, &[], &mut counter(), 0.0).unwrap();
        assert_eq!(imported.conversations, conversations);
        assert_eq!(imported.set_aside, 3);
        let value: Value = serde_json::from_str(&file).unwrap();
        assert_eq!(value["set_aside"][2]["value"], "not json");
    }

    #[test]
    fn no_export_contains_the_api_key() {
        let everything = storage_with_a_bit_of_everything();
        let (conversations, set_aside) = gather(everything.clone());
        assert!(!export_file(&conversations, &set_aside).contains(SECRET));
        // Even when asked to, by a caller that collected set-aside values itself.
        let all: Vec<SetAside> = everything
            .into_iter()
            .map(|(key, value)| SetAside { key, value })
            .collect();
        let file = export_file(&[], &all);
        assert!(!file.contains(SECRET), "{file}");
        assert!(file.contains("mnemo.settings"));
    }

    #[test]
    fn a_set_aside_export_imports_as_nothing_but_says_what_it_holds() {
        let (_, set_aside) = gather(storage_with_a_bit_of_everything());
        let file = export_file(&[], &set_aside);
        let imported = import_json(&file, &[], &mut counter(), 0.0).unwrap();
        assert!(imported.conversations.is_empty());
        assert_eq!(imported.set_aside, 3);
        // The same read in pieces, as a large file is.
        let mut pieces = ExportPieces::start(&format!(
            "{{\"format\":\"mnemo\",\"v\":1,\"set_aside\":{}}}",
            serde_json::to_string(&set_aside).unwrap()
        ))
        .unwrap();
        pieces
            .decode(&serde_json::to_string(&sample("a")).unwrap())
            .unwrap();
        let imported = pieces.finish(&[], &mut counter());
        assert_eq!(imported.conversations.len(), 1);
        assert_eq!(imported.set_aside, 3);
        assert_eq!(
            error(r#"{"format":"mnemo","v":1,"conversations":[],"set_aside":{}}"#),
            "\"set_aside\" must be a list (found an object)"
        );
    }

    #[test]
    fn an_export_without_set_aside_values_writes_no_such_field() {
        assert!(!export_json(&[sample("a")]).contains("set_aside"));
    }
}
