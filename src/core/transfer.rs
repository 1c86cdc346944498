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
    super::order::sort_by(&mut conversations, |a, b| {
        b.updated_at.total_cmp(&a.updated_at)
    });
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
    serde_json::to_string(&Export {
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
mod tests;
