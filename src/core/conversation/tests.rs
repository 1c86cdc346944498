//! Tests of `core::conversation`: appending, ending replies, removals and merges.

use super::*;

fn conv() -> Conversation {
    Conversation::new(ConversationId("c1".into()), 0.0)
}

#[test]
fn two_tabs_that_merge_messages_of_the_same_millisecond_number_them_alike() {
    let reply = |id: &str, at| Message {
        content: format!("reply {id}"),
        status: MessageStatus::Complete,
        ..Message::pending_reply(MessageId(id.into()), "gpt-4o", at)
    };
    // Each tab sent a question at the same millisecond; its reply came a moment later.
    let mut a = conv();
    a.push_user(Message::user(MessageId("q-a".into()), "from A", 5.0));
    a.push(reply("r-a", 6.0));
    let mut b = conv();
    b.push_user(Message::user(MessageId("q-b".into()), "from B", 5.0));
    b.push(reply("r-b", 5.0));
    let (a_before, b_before) = (a.clone(), b.clone());
    a.merge_from(&b_before, None);
    b.merge_from(&a_before, None);
    // Each keeps its own path; the two questions are versions of the first message,
    // numbered alike in both tabs.
    let ids = |c: &Conversation| {
        c.messages
            .iter()
            .map(|m| m.id.0.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ["q-a", "r-a"]);
    assert_eq!(ids(&b), ["q-b", "r-b"]);
    let first = |c: &Conversation| c.forks()[0].1;
    assert_eq!((first(&a).number, first(&b).number), (1, 2));
}

#[test]
fn first_user_message_names_the_conversation() {
    let mut c = conv();
    c.push_user(Message::user(
        MessageId("u1".into()),
        "  Hello there\nsecond",
        1.0,
    ));
    c.push_user(Message::user(MessageId("u2".into()), "Other", 2.0));
    assert_eq!(c.title, "Hello there");
    assert_eq!(c.updated_at, 2.0);
}

#[test]
fn a_title_ends_at_any_line_break() {
    assert_eq!(title_from("Old Mac text\rsecond line"), "Old Mac text");
    assert_eq!(title_from("Windows text\r\nsecond line"), "Windows text");
    assert_eq!(title_from("\r\n  Unix text \nsecond line"), "Unix text");
}

#[test]
fn long_titles_are_shortened_on_a_char_boundary() {
    let t = title_from(&"é".repeat(100));
    assert_eq!(t.chars().count(), TITLE_CHARS + 1);
    assert!(t.ends_with('…'));
}

#[test]
fn an_empty_failed_reply_moves_its_error_to_the_user_message() {
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "hi", 1.0));
    c.push(Message::pending_reply(MessageId("a1".into()), "m", 2.0));
    let error = ApiError::network("offline");
    c.finish_reply(
        &MessageId("a1".into()),
        MessageStatus::Failed {
            error: error.clone(),
        },
        3.0,
    );
    assert_eq!(c.messages.len(), 1);
    assert_eq!(c.messages[0].status, MessageStatus::Failed { error });
    assert!(!c.messages[0].is_context());
}

#[test]
fn a_partial_reply_is_kept_when_stopped() {
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "hi", 1.0));
    c.push(Message::pending_reply(MessageId("a1".into()), "m", 2.0));
    c.append_to(&MessageId("a1".into()), "Hel");
    c.finish_reply(&MessageId("a1".into()), MessageStatus::Stopped, 3.0);
    assert_eq!(c.messages[1].content, "Hel");
    assert_eq!(c.messages[1].status, MessageStatus::Stopped);
    assert!(c.messages[1].is_context());
}

fn reply(id: &str, text: &str, at: f64) -> Message {
    let mut m = Message::pending_reply(MessageId(id.into()), "m", at);
    m.content = text.into();
    m.status = MessageStatus::Complete;
    m
}

#[test]
fn a_message_removed_in_one_tab_stays_removed_after_merging() {
    let mut ours = conv();
    ours.push_user(Message::user(MessageId("u1".into()), "first", 1.0));
    ours.push(reply("a1", "answer", 2.0));
    ours.push_user(Message::user(MessageId("u2".into()), "second", 3.0));
    let mut theirs = ours.clone();
    ours.remove_messages(|_, m| m.id.0 == "a1");
    theirs.push(reply("a2", "another", 4.0));
    // Their copy still holds a1: it does not come back here...
    ours.merge_from(&theirs, None);
    let ids: Vec<_> = ours.messages.iter().map(|m| m.id.0.as_str()).collect();
    assert_eq!(ids, ["u1", "u2", "a2"]);
    // ...and leaves their copy when they take ours in.
    theirs.merge_from(&ours, None);
    let ids: Vec<_> = theirs.messages.iter().map(|m| m.id.0.as_str()).collect();
    assert_eq!(ids, ["u1", "u2", "a2"]);
    assert_eq!(theirs.removed, vec![MessageId("a1".into())]);
}

#[test]
fn merging_keeps_every_message_of_both_tabs_as_versions() {
    let mut ours = conv();
    ours.push_user(Message::user(MessageId("u1".into()), "first", 1.0));
    ours.push(reply("a1", "answer", 2.0));
    let mut theirs = ours.clone();
    ours.push_user(Message::user(MessageId("u3".into()), "ours", 3.0));
    theirs.push_user(Message::user(MessageId("u4".into()), "theirs", 4.0));
    ours.merge_from(&theirs, None);
    let ids: Vec<_> = ours.messages.iter().map(|m| m.id.0.as_str()).collect();
    assert_eq!(ids, ["u1", "a1", "u3"]);
    assert_eq!(ours.branches.len(), 1, "their question is another version");
    assert_eq!(ours.branches[0].id.0, "u4");
    // Merging again changes nothing.
    let before = ours.clone();
    ours.merge_from(&theirs, None);
    assert_eq!(ours, before);
}

#[test]
fn the_reply_being_streamed_here_is_never_replaced() {
    let mut ours = conv();
    ours.push(Message::pending_reply(MessageId("a1".into()), "m", 1.0));
    ours.append_to(&MessageId("a1".into()), "growing text");
    let mut theirs = ours.clone();
    theirs.messages[0].content = "grow".into();
    theirs.updated_at = 99.0;
    ours.merge_from(&theirs, Some(&MessageId("a1".into())));
    assert_eq!(ours.messages[0].content, "growing text");
}

#[test]
fn the_later_save_wins_for_a_message_both_have_and_empty_ones_are_skipped() {
    let mut ours = conv();
    ours.push(reply("a1", "text", 1.0));
    let mut theirs = ours.clone();
    theirs.messages[0].pinned = true;
    theirs.updated_at = 5.0;
    theirs.push(Message::pending_reply(MessageId("a2".into()), "m", 4.0));
    ours.merge_from(&theirs, None);
    assert!(ours.messages[0].pinned);
    assert_eq!(ours.messages.len(), 1);
    assert_eq!(ours.updated_at, 5.0);
}

#[test]
fn a_reply_being_continued_is_sent_as_context_on_every_attempt() {
    use crate::core::memory::{plan_messages, select_context, Budget, MemoryStrategy};
    let mut c = conv();
    c.push_user(Message::user(
        MessageId("u1".into()),
        "Tell me a story",
        1.0,
    ));
    c.push(Message::pending_reply(MessageId("a1".into()), "m", 2.0));
    c.append_to(&MessageId("a1".into()), "Once upon");
    // A retried attempt: the reply is already marked as streaming again.
    let budget = Budget {
        context_budget: 10_000,
        model_window: 128_000,
        reply_reserve: 100,
    };
    let view = c.resuming(&MessageId("a1".into()), &MessageStatus::Stopped);
    let plan = select_context(&view, "", MemoryStrategy::FullHistory, budget, |t| {
        t.len() as u32
    });
    let sent: Vec<String> = plan_messages(&plan, &view, "")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(sent, ["Tell me a story", "Once upon"]);
    assert_eq!(
        c.messages[1].status,
        MessageStatus::Streaming,
        "the original is untouched"
    );
}

#[test]
fn an_empty_reply_cut_off_by_the_filter_stays_to_say_so() {
    use crate::core::message::CutOffReason;
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "hi", 1.0));
    c.push(Message::pending_reply(MessageId("a1".into()), "m", 2.0));
    let cut = MessageStatus::CutOff {
        reason: CutOffReason::ContentFilter,
    };
    c.finish_reply(&MessageId("a1".into()), cut.clone(), 3.0);
    c.settle_interrupted();
    assert_eq!(c.messages.len(), 2);
    assert_eq!(c.messages[1].status, cut);
    assert_eq!(c.messages[0].status, MessageStatus::Complete);
}

#[test]
fn settling_after_a_reload_stops_streaming_replies() {
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "hi", 1.0));
    c.push(Message::pending_reply(MessageId("a1".into()), "m", 2.0));
    c.append_to(&MessageId("a1".into()), "partial");
    c.push(Message::pending_reply(MessageId("a2".into()), "m", 2.0));
    c.settle_interrupted();
    assert_eq!(c.messages.len(), 2);
    assert_eq!(c.messages[1].status, MessageStatus::Stopped);
}

#[test]
fn removals_are_dated_and_forgotten_after_a_while() {
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "one", 1.0));
    c.push_user(Message::user(MessageId("u2".into()), "two", 2.0));
    c.push_user(Message::user(MessageId("u3".into()), "three", 3.0));
    c.updated_at = 10.0;
    c.remove_messages(|_, m| m.id.0 == "u1");
    assert_eq!(c.removed_at.get(&MessageId("u1".into())), Some(&10.0));
    c.updated_at = 10.0 + TOMBSTONE_MS;
    c.remove_messages(|_, m| m.id.0 == "u2");
    assert_eq!(c.removed.len(), 2);
    c.updated_at = 11.0 + TOMBSTONE_MS;
    c.remove_messages(|_, m| m.id.0 == "u3");
    assert_eq!(
        c.removed,
        vec![MessageId("u2".into()), MessageId("u3".into())]
    );
    assert_eq!(c.removed_at.len(), 2);
}

#[test]
fn a_plain_list_of_removed_ids_from_an_older_build_still_decodes() {
    let old = r#"{"v":1,"data":{"id":"c1","title":"t","created_at":0,"updated_at":50,
        "messages":[],"removed":["a1","a2"]}}"#;
    let mut c: Conversation = crate::core::persist::decode(old).unwrap();
    assert_eq!(
        c.removed,
        vec![MessageId("a1".into()), MessageId("a2".into())]
    );
    // Dated when next pruned, then forgotten in their turn.
    c.remove_messages(|_, _| false);
    assert_eq!(c.removed_at.get(&MessageId("a1".into())), Some(&50.0));
    c.updated_at = 51.0 + TOMBSTONE_MS;
    c.remove_messages(|_, _| false);
    assert!(c.removed.is_empty());
    // What is written keeps the plain list that older builds read.
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "one", 1.0));
    c.remove_messages(|_, _| true);
    let text = crate::core::persist::encode(&c);
    assert!(text.contains(r#""removed":["u1"]"#), "{text}");
}

#[test]
fn merging_keeps_the_later_removal_time() {
    let mut ours = conv();
    ours.push_user(Message::user(MessageId("u1".into()), "one", 1.0));
    let mut theirs = ours.clone();
    ours.updated_at = 5.0;
    ours.remove_messages(|_, _| true);
    theirs.updated_at = 7.0;
    theirs.remove_messages(|_, _| true);
    ours.merge_from(&theirs, None);
    assert_eq!(ours.removed_at.get(&MessageId("u1".into())), Some(&7.0));
    assert_eq!(ours.removed, vec![MessageId("u1".into())]);
}

#[test]
fn a_regeneration_that_brings_nothing_shows_the_reply_before_it_again() {
    let mut c = conv();
    c.push_user(Message::user(MessageId("u1".into()), "hi", 1.0));
    c.push(reply("a1", "first answer", 2.0));
    c.leave_path_at(1);
    c.push(Message::pending_reply(MessageId("a2".into()), "m", 3.0));
    let error = ApiError::network("offline");
    let failed = MessageStatus::Failed {
        error: error.clone(),
    };
    assert_eq!(
        c.finish_reply(&MessageId("a2".into()), failed, 4.0),
        Some(error)
    );
    let ids: Vec<_> = c.messages.iter().map(|m| m.id.0.as_str()).collect();
    assert_eq!(ids, ["u1", "a1"], "the earlier reply is shown again");
    assert_eq!(
        c.messages[0].status,
        MessageStatus::Complete,
        "the question is fine"
    );
    // Stopped before anything came: the same, with nothing to report.
    c.leave_path_at(1);
    c.push(Message::pending_reply(MessageId("a3".into()), "m", 5.0));
    assert_eq!(
        c.finish_reply(&MessageId("a3".into()), MessageStatus::Stopped, 6.0),
        None
    );
    assert_eq!(c.messages.last().map(|m| m.id.0.as_str()), Some("a1"));
}

#[test]
fn a_newer_copy_that_holds_a_reply_still_streaming_does_not_take_back_its_end() {
    // Tab B saved last, but its copy of tab A's reply was taken in while it streamed.
    let reply = |content: &str, status| Message {
        content: content.into(),
        status,
        ..Message::pending_reply(MessageId("r".into()), "gpt-4o", 2.0)
    };
    let mut a = conv();
    a.push_user(Message::user(MessageId("q".into()), "question", 1.0));
    a.push(reply("The whole answer.", MessageStatus::Complete));
    a.updated_at = 3.0;
    let mut b = a.clone();
    b.messages[1].content = "The who".into();
    b.messages[1].status = MessageStatus::Streaming;
    b.updated_at = 4.0;
    a.merge_from(&b, None);
    assert_eq!(a.messages[1].content, "The whole answer.");
    assert_eq!(a.messages[1].status, MessageStatus::Complete);
}

#[test]
fn a_copy_written_over_a_finished_reply_is_answered_by_writing_the_union_back() {
    let mut a = conv();
    a.push_user(Message::user(MessageId("q".into()), "question", 1.0));
    a.push(Message {
        content: "The whole answer.".into(),
        status: MessageStatus::Complete,
        ..Message::pending_reply(MessageId("r".into()), "gpt-4o", 2.0)
    });
    // The other tab's copy holds the reply as it was while it streamed.
    let mut theirs = a.clone();
    theirs.messages[1].content = "The who".into();
    theirs.messages[1].status = MessageStatus::Streaming;
    theirs.updated_at = 9.0;
    a.merge_from(&theirs, None);
    assert!(
        a.holds_more_than(&theirs, None),
        "the finished reply is written back"
    );
    // Their copy now holds all of it: nothing to write back, so two tabs never answer
    // each other's writes for ever.
    let union = a.clone();
    let mut b = theirs.clone();
    b.merge_from(&union, None);
    assert!(!b.holds_more_than(&union, None));
    // Nor for the reply streaming here, which its own saves write.
    assert!(!a.holds_more_than(&theirs, Some(&MessageId("r".into()))));
    // A message they lack is written back; one they removed is not.
    let mut fewer = union.clone();
    fewer.messages.truncate(1);
    assert!(union.holds_more_than(&fewer, None));
    fewer.removed.push(MessageId("r".into()));
    assert!(!union.holds_more_than(&fewer, None));
}
