//! Tests of `core::transfer`.

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
    let fixture = include_str!("../../../tests/fixtures/conversation-v1.json");
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
        "this file was written by a newer Mnemo (schema 9); this one reads up to schema 2"
    );
    assert_eq!(
        error(r#"{"v":9,"data":{}}"#),
        "this file was written by a newer Mnemo (schema 9); this one reads up to schema 2"
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
