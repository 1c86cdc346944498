use std::collections::{BTreeSet, HashSet};

use super::*;
use crate::core::conversation::{Conversation, ConversationId, Summary};
use crate::core::message::{Message, MessageId, MessageStatus};
use crate::core::persist;

fn id(s: &str) -> MessageId {
    MessageId(s.into())
}

fn reply(name: &str, text: &str, at: f64) -> Message {
    let mut m = Message::pending_reply(id(name), "m", at);
    m.content = text.into();
    m.status = MessageStatus::Complete;
    m
}

fn version(c: &Conversation, of: &str) -> Versions {
    c.forks()
        .into_iter()
        .find(|(m, _)| m.0 == of)
        .map(|(_, v)| v)
        .expect("a message with versions")
}

fn ids(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.id.0.as_str()).collect()
}

/// q1 → a1 → q2 → a2, made as the app makes it.
fn chat() -> Conversation {
    let mut c = Conversation::new(ConversationId("c".into()), 0.0);
    c.push_user(Message::user(id("q1"), "first", 1.0));
    c.push(reply("a1", "answer one", 2.0));
    c.push_user(Message::user(id("q2"), "second", 3.0));
    c.push(reply("a2", "answer two", 4.0));
    c
}

/// Every invariant of a tree: the path is linked, ids are unique, every message's parent
/// exists, and each message is reachable by flipping versions from the path.
fn assert_tree(c: &Conversation) {
    for pair in c.messages.windows(2) {
        assert_eq!(
            pair[1].parent.as_ref(),
            Some(&pair[0].id),
            "the path is linked"
        );
    }
    if let Some(first) = c.messages.first() {
        assert_eq!(first.parent, None, "the path starts at a root");
    }
    let all: Vec<&MessageId> = c.all_messages().map(|m| &m.id).collect();
    let unique: HashSet<&MessageId> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len(), "no message is there twice");
    for m in c.all_messages() {
        if let Some(p) = &m.parent {
            assert!(
                unique.contains(p),
                "{} follows a message that exists",
                m.id.0
            );
        }
    }
}

#[test]
fn editing_a_question_keeps_the_original_and_its_reply_as_the_previous_version() {
    let mut c = chat();
    c.leave_path_at(2);
    c.push_user(Message::user(id("q2b"), "second, edited", 5.0));
    c.push(reply("a2b", "another answer", 6.0));
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2b", "a2b"]);
    assert_eq!(ids(&c.branches), ["q2", "a2"]);
    assert_eq!(
        version(&c, "q2b"),
        Versions {
            number: 2,
            count: 2
        }
    );
    assert!(c.show_version(&id("q2b"), -1));
    assert_eq!(
        ids(&c.messages),
        ["q1", "a1", "q2", "a2"],
        "the original and its reply"
    );
    assert_eq!(
        version(&c, "q2"),
        Versions {
            number: 1,
            count: 2
        }
    );
    assert!(
        !c.show_version(&id("q2"), -1),
        "there is nothing before the first"
    );
    assert!(c.show_version(&id("q2"), 1));
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2b", "a2b"]);
    assert_tree(&c);
}

#[test]
fn regenerating_three_times_keeps_four_replies_in_the_order_written() {
    let mut c = chat();
    for (n, at) in [("a2b", 5.0), ("a2c", 6.0), ("a2d", 7.0)] {
        let last = c.messages.len() - 1;
        c.leave_path_at(last);
        c.push(reply(n, n, at));
    }
    assert_eq!(
        version(&c, "a2d"),
        Versions {
            number: 4,
            count: 4
        }
    );
    for expected in ["a2c", "a2b", "a2"] {
        assert!(c.show_version(&c.messages[3].id.clone(), -1));
        assert_eq!(c.messages[3].id.0, expected);
    }
    assert_eq!(c.messages.len(), 4);
    assert_tree(&c);
}

#[test]
fn flipping_back_to_a_version_shows_the_path_below_it_as_it_was_left() {
    let mut c = chat();
    // Under a1, a second question with two replies; the first of them is chosen.
    c.leave_path_at(2);
    c.push_user(Message::user(id("q2b"), "other", 5.0));
    c.push(reply("x1", "x1", 6.0));
    c.leave_path_at(3);
    c.push(reply("x2", "x2", 7.0));
    assert!(c.show_version(&id("x2"), -1));
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2b", "x1"]);
    // Away to the original question and back: x1 is still the one shown.
    assert!(c.show_version(&id("q2b"), -1));
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2", "a2"]);
    assert!(c.show_version(&id("q2"), 1));
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2b", "x1"]);
}

#[test]
fn a_conversation_from_schema_1_becomes_one_path_unchanged() {
    let old = r#"{"v":1,"data":{"id":"c1","title":"t","created_at":0,"updated_at":4,
        "messages":[
          {"id":"q1","role":"user","content":"hi","created_at":1,"status":{"state":"complete"}},
          {"id":"a1","role":"assistant","content":"hello","created_at":2,"status":{"state":"complete"},"model":"m"},
          {"id":"q2","role":"user","content":"more","created_at":3,"status":{"state":"complete"}}]}}"#;
    let c: Conversation = persist::decode(old).unwrap();
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2"]);
    assert!(c.branches.is_empty());
    assert_eq!(c.messages[0].parent, None);
    assert_eq!(c.messages[2].parent, Some(id("a1")));
    assert!(c.forks().is_empty());
    // Written back, it reads as the same conversation.
    let again: Conversation = persist::decode(&persist::encode(&c)).unwrap();
    assert_eq!(again, c);
}

#[test]
fn deleting_with_the_subtree_removes_every_version_below_and_undo_brings_all_back() {
    let mut c = chat();
    c.leave_path_at(2);
    c.push_user(Message::user(id("q2b"), "edited", 5.0));
    c.push(reply("a2b", "b", 6.0));
    let removed = c.remove_from_path(&id("a1"), true).unwrap();
    assert_eq!(ids(&c.messages), ["q1"]);
    assert!(c.branches.is_empty());
    assert_eq!(removed.messages.len(), 5);
    assert!(c.removed.contains(&id("q2")), "recorded for merging");
    let mut n = 0;
    c.restore(removed, &mut || {
        n += 1;
        format!("new{n}")
    });
    assert_eq!(c.messages.len(), 4);
    assert_eq!(c.branches.len(), 2);
    assert_eq!(
        c.messages[3].content, "b",
        "the path shown before comes back"
    );
    assert_tree(&c);
}

#[test]
fn deleting_only_a_message_moves_what_followed_it_up_and_undo_puts_it_back() {
    let mut c = chat();
    let removed = c.remove_from_path(&id("a1"), false).unwrap();
    assert_eq!(ids(&c.messages), ["q1", "q2", "a2"]);
    assert_eq!(c.messages[1].parent, Some(id("q1")));
    c.restore(removed, &mut || "a1-again".into());
    assert_eq!(ids(&c.messages), ["q1", "a1-again", "q2", "a2"]);
    assert_tree(&c);
}

#[test]
fn deleting_a_version_shows_another_one_in_its_place() {
    let mut c = chat();
    c.leave_path_at(3);
    c.push(reply("a2b", "b", 5.0));
    c.remove_from_path(&id("a2b"), true);
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2", "a2"]);
}

#[test]
fn a_fork_holds_the_path_up_to_the_message() {
    let mut c = chat();
    c.leave_path_at(3);
    c.push(reply("a2b", "b", 5.0));
    let fork = c
        .fork_at(&id("q2"), ConversationId("f".into()), 9.0)
        .unwrap();
    assert_eq!(ids(&fork.messages), ["q1", "a1", "q2"]);
    assert!(fork.branches.is_empty());
    assert_eq!(fork.title, c.title);
    assert!(
        c.fork_at(&id("a2"), ConversationId("g".into()), 9.0)
            .is_none(),
        "off the path"
    );
}

#[test]
fn a_summary_of_another_path_is_not_sent_and_comes_back_with_its_path() {
    let summary = |through: &str, at| Summary {
        text: format!("up to {through}"),
        covers_through: id(through),
        created_at: at,
        model: "m".into(),
    };
    let mut c = chat();
    c.set_summary(summary("q2", 5.0));
    c.leave_path_at(2);
    assert_eq!(
        c.summary, None,
        "it covers a message the new path does not have"
    );
    c.push_user(Message::user(id("q2b"), "edited", 6.0));
    c.set_summary(summary("q2b", 7.0));
    assert!(c.show_version(&id("q2b"), -1));
    assert_eq!(
        c.summary.as_ref().map(|s| s.text.as_str()),
        Some("up to q2")
    );
    assert!(c.show_version(&id("q2"), 1));
    assert_eq!(
        c.summary.as_ref().map(|s| s.text.as_str()),
        Some("up to q2b")
    );
    // A summary of the shared start serves every path.
    let mut c = chat();
    c.set_summary(summary("a1", 5.0));
    c.leave_path_at(2);
    assert_eq!(
        c.summary.as_ref().map(|s| s.text.as_str()),
        Some("up to a1")
    );
}

#[test]
fn two_tabs_that_add_different_versions_keep_both() {
    let base = chat();
    let mut ours = base.clone();
    ours.leave_path_at(3);
    ours.push(reply("mine", "mine", 5.0));
    let mut theirs = base.clone();
    theirs.leave_path_at(2);
    theirs.push_user(Message::user(id("q2t"), "theirs", 6.0));
    theirs.push(reply("a2t", "their answer", 7.0));
    let (o, t) = (ours.clone(), theirs.clone());
    ours.merge_from(&t, None);
    theirs.merge_from(&o, None);
    let all = |c: &Conversation| {
        c.all_messages()
            .map(|m| m.id.0.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(all(&ours), all(&theirs));
    assert_eq!(all(&ours).len(), 7);
    assert_eq!(
        ids(&ours.messages),
        ["q1", "a1", "q2", "mine"],
        "each tab keeps its path"
    );
    assert_eq!(ids(&theirs.messages), ["q1", "a1", "q2t", "a2t"]);
    assert_tree(&ours);
    assert_tree(&theirs);
}

#[test]
fn a_tab_follows_the_other_tabs_path_where_it_goes_on_from_its_end() {
    let mut ours = chat();
    let mut theirs = ours.clone();
    theirs.push_user(Message::user(id("q3"), "third", 5.0));
    theirs.push(reply("a3", "three", 6.0));
    ours.merge_from(&theirs, None);
    assert_eq!(ids(&ours.messages), ["q1", "a1", "q2", "a2", "q3", "a3"]);
}

#[test]
fn a_damaged_tree_is_repaired_and_keeps_its_messages() {
    let mut c = chat();
    c.messages[2].parent = Some(id("nowhere"));
    let mut looped = reply("x", "x", 9.0);
    looped.parent = Some(id("y"));
    let mut other = reply("y", "y", 9.0);
    other.parent = Some(id("x"));
    c.branches = vec![looped, other, reply("q1", "a repeat", 9.0)];
    let c: Conversation = persist::decode(&persist::encode(&c)).unwrap();
    assert_tree(&c);
    assert_eq!(ids(&c.messages), ["q1", "a1", "q2", "a2"]);
    assert_eq!(
        c.branches.len(),
        2,
        "the loop is kept, the repeated id is not"
    );
    assert!(
        c.branches.iter().any(|m| m.parent.is_none()),
        "the loop is broken"
    );
}

/// Property tests: random edits, regenerations, flips and deletions, in one tab or two.
#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// What a user does to a conversation, in a property test.
    #[derive(Clone, Debug)]
    enum Step {
        Send,
        Regenerate,
        Edit(usize),
        Flip(usize, bool),
        Delete(usize, bool),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => Just(Step::Send),
            2 => Just(Step::Regenerate),
            2 => (0usize..20).prop_map(Step::Edit),
            3 => (0usize..20, any::<bool>()).prop_map(|(i, d)| Step::Flip(i, d)),
            1 => (0usize..20, any::<bool>()).prop_map(|(i, s)| Step::Delete(i, s)),
        ]
    }

    /// Plays `steps`; returns every id ever made and every id deleted.
    fn play(
        c: &mut Conversation,
        steps: &[Step],
        tag: &str,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let (mut made, mut gone) = (BTreeSet::new(), BTreeSet::new());
        for (n, s) in steps.iter().enumerate() {
            let at = 10.0 + n as f64;
            let name = format!("{tag}{n}");
            let pick =
                |i: usize, c: &Conversation| (!c.messages.is_empty()).then(|| i % c.messages.len());
            match s {
                Step::Send => {
                    c.push_user(Message::user(id(&name), "q", at));
                    c.push(reply(&format!("{name}r"), "a", at));
                    made.extend([name.clone(), format!("{name}r")]);
                }
                Step::Regenerate => {
                    if let Some(last) = c.messages.len().checked_sub(1) {
                        c.leave_path_at(last);
                        c.push(reply(&name, "again", at));
                        made.insert(name);
                    }
                }
                Step::Edit(i) => {
                    if let Some(i) = pick(*i, c) {
                        c.leave_path_at(i);
                        c.push_user(Message::user(id(&name), "edited", at));
                        made.insert(name);
                    }
                }
                Step::Flip(i, back) => {
                    if let Some(i) = pick(*i, c) {
                        let before: BTreeSet<String> =
                            c.all_messages().map(|m| m.id.0.clone()).collect();
                        let target = c.messages[i].id.clone();
                        c.show_version(&target, if *back { -1 } else { 1 });
                        let after: BTreeSet<String> =
                            c.all_messages().map(|m| m.id.0.clone()).collect();
                        assert_eq!(before, after, "flipping loses nothing");
                    }
                }
                Step::Delete(i, subtree) => {
                    if let Some(i) = pick(*i, c) {
                        let target = c.messages[i].id.clone();
                        if let Some(r) = c.remove_from_path(&target, *subtree) {
                            gone.extend(r.messages.iter().map(|m| m.id.0.clone()));
                        }
                    }
                }
            }
            assert_tree(c);
        }
        (made, gone)
    }

    proptest! {
        #[test]
        fn every_version_stays_and_the_path_stays_linked(steps in prop::collection::vec(step(), 0..40)) {
            let mut c = Conversation::new(ConversationId("c".into()), 0.0);
            let (made, gone) = play(&mut c, &steps, "m");
            let kept: BTreeSet<String> = c.all_messages().map(|m| m.id.0.clone()).collect();
            let expected: BTreeSet<String> = made.difference(&gone).cloned().collect();
            prop_assert_eq!(kept, expected);
            // Stored and read back, the same tree and the same path.
            let again: Conversation = persist::decode(&persist::encode(&c)).unwrap();
            prop_assert_eq!(&again, &c);
        }

        #[test]
        fn versions_are_numbered_in_the_order_they_were_written(steps in prop::collection::vec(step(), 0..40)) {
            let mut c = Conversation::new(ConversationId("c".into()), 0.0);
            play(&mut c, &steps, "m");
            for (m, v) in c.forks() {
                let parent = c.all_messages().find(|x| x.id == m).unwrap().parent.clone();
                let mut siblings: Vec<&Message> = c.all_messages().filter(|x| x.parent == parent).collect();
                siblings.sort_by(|a, b| a.created_at.total_cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
                prop_assert_eq!(siblings.len(), v.count);
                prop_assert_eq!(&siblings[v.number - 1].id, &m);
            }
        }

        #[test]
        fn a_linear_conversation_of_schema_1_is_one_path(texts in prop::collection::vec(".{0,12}", 0..12)) {
            let messages: Vec<String> = texts.iter().enumerate().map(|(i, t)| {
                let role = if i % 2 == 0 { "user" } else { "assistant" };
                format!(r#"{{"id":"m{i}","role":"{role}","content":{},"created_at":{i},"status":{{"state":"complete"}}}}"#,
                    serde_json::to_string(t).unwrap())
            }).collect();
            let old = format!(r#"{{"v":1,"data":{{"id":"c","title":"","created_at":0,"updated_at":0,"messages":[{}]}}}}"#,
                messages.join(","));
            let c: Conversation = persist::decode(&old).unwrap();
            prop_assert_eq!(c.messages.len(), texts.len());
            for (m, t) in c.messages.iter().zip(&texts) {
                prop_assert_eq!(&m.content, t);
            }
            prop_assert!(c.branches.is_empty());
            prop_assert!(c.forks().is_empty());
            assert_tree(&c);
        }

        #[test]
        fn two_tabs_merge_to_the_same_tree_and_lose_nothing(
            base in prop::collection::vec(step(), 0..12),
            a in prop::collection::vec(step(), 0..15),
            b in prop::collection::vec(step(), 0..15),
        ) {
            let mut start = Conversation::new(ConversationId("c".into()), 0.0);
            let (made, gone) = play(&mut start, &base, "s");
            let (mut ours, mut theirs) = (start.clone(), start.clone());
            let (made_a, gone_a) = play(&mut ours, &a, "a");
            let (made_b, gone_b) = play(&mut theirs, &b, "b");
            let (o, t) = (ours.clone(), theirs.clone());
            ours.merge_from(&t, None);
            theirs.merge_from(&o, None);
            let all = |c: &Conversation| c.all_messages().map(|m| m.id.0.clone()).collect::<BTreeSet<_>>();
            prop_assert_eq!(all(&ours), all(&theirs));
            let deleted: BTreeSet<String> = gone.iter().chain(&gone_a).chain(&gone_b).cloned().collect();
            let expected: BTreeSet<String> = made.iter().chain(&made_a).chain(&made_b)
                .filter(|m| !deleted.contains(*m)).cloned().collect();
            prop_assert_eq!(all(&ours), expected);
            assert_tree(&ours);
            assert_tree(&theirs);
            // Merging again changes nothing.
            let before = ours.clone();
            ours.merge_from(&t, None);
            prop_assert_eq!(ours, before);
        }
    }
}

#[test]
fn the_stored_schema_1_fixture_becomes_one_path_with_its_messages_unchanged() {
    let text = include_str!("../../../tests/fixtures/conversation-v1.json");
    let old: serde_json::Value = serde_json::from_str(text).unwrap();
    let c: Conversation = persist::decode(text).unwrap();
    let old_messages = old["data"]["messages"].as_array().unwrap();
    assert_eq!(c.messages.len(), old_messages.len());
    for (m, o) in c.messages.iter().zip(old_messages) {
        assert_eq!(m.id.0, o["id"].as_str().unwrap());
        assert_eq!(m.content, o["content"].as_str().unwrap());
    }
    assert!(c.branches.is_empty());
    assert_tree(&c);
}
