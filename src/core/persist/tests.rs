//! Tests of `core::persist`.

use super::*;
use crate::core::message::{Message, MessageId};

#[test]
fn values_round_trip_in_an_envelope() {
    let mut c = Conversation::new(ConversationId("c1".into()), 1.0);
    c.push_user(Message::user(MessageId("m1".into()), "héllo 🙂", 2.0));
    let text = encode(&c);
    assert!(text.starts_with("{\"v\":2,\"data\":"));
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
fn touching_many_at_once_lists_them_as_touching_each_in_turn_would() {
    let at = |id: &str, t: f64| {
        let mut c = Conversation::new(ConversationId(id.into()), t);
        c.title = format!("{id} at {t}");
        c
    };
    let mut one_by_one = Index::default();
    for c in [at("a", 1.0), at("b", 5.0), at("c", 3.0)] {
        one_by_one.touch(&c);
    }
    let mut at_once = one_by_one.clone();
    // A newer line for "a", a new "d", and "e" twice (the later one counts).
    let incoming = [at("a", 4.0), at("d", 2.0), at("e", 9.0), at("e", 0.5)];
    for c in &incoming {
        one_by_one.touch(c);
    }
    at_once.touch_all(&incoming);
    assert_eq!(at_once, one_by_one);
    let ids: Vec<_> = at_once
        .conversations
        .iter()
        .map(|e| e.id.0.as_str())
        .collect();
    assert_eq!(ids, ["b", "a", "c", "d", "e"]);
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
    let fixture = include_str!("../../../tests/fixtures/conversation-v1.json");
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
