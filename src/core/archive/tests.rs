//! Tests of `core::archive`: moving copies into the archive, and the storage numbers.

use super::*;
use crate::core::conversation::ConversationId;
use crate::core::message::{Message, MessageId};

fn conversation(questions: &[&str]) -> Conversation {
    let mut c = Conversation::new(ConversationId("c1".into()), 1.0);
    for (at, q) in questions.iter().enumerate() {
        c.push_user(Message::user(MessageId((*q).into()), *q, at as f64 + 2.0));
    }
    c
}

fn ids(text: &str) -> Vec<String> {
    let c: Conversation = persist::decode(text).expect("readable");
    c.all_messages().map(|m| m.id.0.clone()).collect()
}

#[test]
fn a_copy_the_archive_lacks_is_stored_as_it_is() {
    let local = persist::encode(&conversation(&["a", "b"]));
    assert_eq!(plan_move(&local, None), Move::Store(local.clone()));
}

#[test]
fn a_copy_the_archive_already_holds_only_goes() {
    let local = persist::encode(&conversation(&["a"]));
    assert_eq!(plan_move(&local, Some(&local)), Move::Same);
}

#[test]
fn a_copy_that_includes_the_record_replaces_it() {
    let local = persist::encode(&conversation(&["a", "b"]));
    let archived = persist::encode(&conversation(&["a"]));
    assert_eq!(
        plan_move(&local, Some(&archived)),
        Move::Store(local.clone())
    );
}

#[test]
fn a_record_with_messages_the_copy_lacks_is_merged_not_overwritten() {
    let local = persist::encode(&conversation(&["a"]));
    let mut theirs = conversation(&["a"]);
    theirs.push_user(Message::user(MessageId("later".into()), "later", 9.0));
    let archived = persist::encode(&theirs);
    let Move::Merged(text) = plan_move(&local, Some(&archived)) else {
        panic!("expected a merge");
    };
    assert_eq!(ids(&text), ["a", "later"]);
}

#[test]
fn an_unreadable_copy_is_never_stored_and_the_record_stays() {
    let archived = persist::encode(&conversation(&["a"]));
    assert!(matches!(
        plan_move("{not json", Some(&archived)),
        Move::UnreadableCopy(_)
    ));
    assert!(matches!(
        plan_move("{not json", None),
        Move::UnreadableCopy(_)
    ));
}

#[test]
fn an_unreadable_record_is_set_aside_before_the_copy_takes_its_place() {
    let local = persist::encode(&conversation(&["a"]));
    assert_eq!(
        plan_move(&local, Some("garbage")),
        Move::UnreadableRecord(local.clone())
    );
}

#[test]
fn a_schema_1_copy_moves_as_one_path() {
    let v1 = r#"{"v":1,"data":{"id":"old","title":"Tea","messages":[
        {"id":"m1","role":"user","content":"I like green tea","created_at":1,"status":{"state":"complete"}},
        {"id":"m2","role":"assistant","content":"Noted.","created_at":2,"status":{"state":"complete"}}],
        "created_at":1,"updated_at":2}}"#;
    let planned = plan_move(v1, None);
    let Move::Store(text) = planned else {
        panic!("a readable copy is stored: {planned:?}");
    };
    let c: Conversation = persist::decode(&text).expect("readable");
    assert_eq!(c.messages.len(), 2);
    assert_eq!(
        c.messages[1].parent.as_ref().map(|p| p.0.as_str()),
        Some("m1")
    );
}

#[test]
fn usage_warns_from_eighty_percent() {
    assert_eq!(usage_warning(79e6, 100e6), None);
    let warning = usage_warning(80e6, 100e6).expect("warns at 80 %");
    assert!(warning
        .starts_with("Mnemo uses 80% of the storage this browser allows (80.0 MB of 100.0 MB)."));
    assert_eq!(
        usage_warning(5.0, 0.0),
        None,
        "an unknown quota never warns"
    );
    assert!(full_message(1e6, Some(2e6)).starts_with("Storage is full (1.0 MB of 2.0 MB in use): "));
    assert!(full_message(5.2e6, None).starts_with("Storage is full (5.2 MB in use): "));
}
