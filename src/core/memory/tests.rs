//! Tests of `core::memory`.

use super::*;
use crate::core::conversation::{ConversationId, Summary};
use crate::core::message::{MessageId, MessageStatus};
use crate::core::openai::request::ChatRequest;

/// One token per word, so tests can reason about sizes.
fn words(text: &str) -> u32 {
    text.split_whitespace().count() as u32
}

fn conversation(turns: &[(&str, &str)]) -> Conversation {
    let mut c = Conversation::new(ConversationId("c".into()), 0.0);
    for (i, (question, answer)) in turns.iter().enumerate() {
        c.push_user(Message::user(
            MessageId(format!("u{i}")),
            *question,
            i as f64,
        ));
        if !answer.is_empty() {
            let mut reply = Message::pending_reply(MessageId(format!("a{i}")), "m", i as f64);
            reply.content = answer.to_string();
            reply.status = MessageStatus::Complete;
            c.push(reply);
        }
    }
    c
}

fn budget(limit: u32) -> Budget {
    Budget {
        context_budget: limit,
        model_window: 128_000,
        reply_reserve: 1_000,
    }
}

fn fates(plan: &ContextPlan) -> Vec<Fate> {
    plan.entries.iter().map(|e| e.fate).collect()
}

#[test]
fn the_budget_is_the_smaller_of_the_user_budget_and_the_room_left_in_the_window() {
    assert_eq!(budget(5_000).limit(), 5_000);
    let tight = Budget {
        context_budget: 10_000,
        model_window: 8_192,
        reply_reserve: 1_024,
    };
    assert_eq!(tight.limit(), 7_168);
}

#[test]
fn the_window_keeps_the_newest_whole_messages() {
    // Each message costs 4 framing + 2 words = 6; system 4 + 3 = 7; priming 3.
    let c = conversation(&[("a b", "c d"), ("e f", "g h"), ("i j", "")]);
    let plan = select_context(
        &c,
        "be nice please",
        MemoryStrategy::SlidingWindow,
        budget(7 + 3 + 6 * 3),
        words,
    );
    use Fate::*;
    assert_eq!(fates(&plan), [Dropped, Dropped, Sent, Sent, Sent]);
    assert_eq!(plan.total, 28);
    let wire = plan_messages(&plan, &c, "be nice please");
    let texts: Vec<_> = wire.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["be nice please", "e f", "g h", "i j"]);
}

/// A name given, a question answered, a thank-you: 8, 9, 9, 5 and 5 tokens.
fn three_turns() -> Conversation {
    conversation(&[
        ("my name is Priya", "Nice to meet you, Priya."),
        ("what is two plus two", "four"),
        ("thanks", ""),
    ])
}

#[test]
fn the_sliding_window_never_starts_with_a_reply_whose_question_was_dropped() {
    let c = three_turns();
    // Room for the newest four messages, but the oldest of them answers a dropped
    // question: it goes too, and the window starts with a question.
    let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(31), words);
    use Fate::*;
    assert_eq!(fates(&plan), [Dropped, Dropped, Sent, Sent, Sent]);
    assert_eq!(plan.total, 3 + 9 + 5 + 5);
    let wire = plan_messages(&plan, &c, "");
    assert_eq!(wire[0].role, Role::User);
    assert_eq!(wire[0].content, "what is two plus two");
}

#[test]
fn a_reply_whose_question_is_sent_or_that_is_pinned_stays_in_the_window() {
    let mut c = three_turns();
    c.messages[0].pinned = true;
    let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(39), words);
    use Fate::*;
    assert_eq!(
        fates(&plan),
        [Pinned, Sent, Sent, Sent, Sent],
        "its question is pinned"
    );

    let mut c = three_turns();
    c.messages[1].pinned = true;
    let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(31), words);
    assert_eq!(
        fates(&plan),
        [Dropped, Pinned, Sent, Sent, Sent],
        "pinned: always sent"
    );
}

#[test]
fn summary_memory_folds_a_dropped_question_and_its_reply_in_together() {
    let c = three_turns();
    let plan = select_context(&c, "", MemoryStrategy::Summary, budget(31), words);
    use Fate::*;
    assert_eq!(fates(&plan), [Dropped, Dropped, Sent, Sent, Sent]);
    assert_eq!(
        plan.to_summarize,
        [MessageId("u0".into()), MessageId("a0".into())]
    );
}

#[test]
fn full_history_sends_everything_and_reports_when_it_no_longer_fits() {
    let c = conversation(&[("a b", "c d"), ("e f", "")]);
    let plan = select_context(
        &c,
        "",
        MemoryStrategy::FullHistory,
        Budget {
            context_budget: 5,
            model_window: 10,
            reply_reserve: 2,
        },
        words,
    );
    assert!(plan.entries.iter().all(|e| e.fate == Fate::Sent));
    assert!(plan.exceeds_model());
}

#[test]
fn pinned_and_newest_user_are_kept_even_when_over_the_limit() {
    let mut c = conversation(&[
        ("my name is Priya", "hello Priya"),
        ("x y", "z w"),
        ("what is my name", ""),
    ]);
    c.messages[0].pinned = true;
    let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(5), words);
    use Fate::*;
    assert_eq!(fates(&plan), [Pinned, Dropped, Dropped, Dropped, Sent]);
    assert!(plan.mandatory_over_limit);
}

#[test]
fn the_summary_replaces_what_it_covers_and_lists_what_still_needs_folding_in() {
    let mut c = conversation(&[
        ("one", "two"),
        ("three", "four"),
        ("five", "six"),
        ("seven", ""),
    ]);
    c.summary = Some(Summary {
        text: "The user counted.".into(),
        covers_through: MessageId("a0".into()),
        created_at: 0.0,
        model: "m".into(),
    });
    // Messages cost 5 each; summary message 4 + 8 = 12; priming 3; newest user 5.
    let plan = select_context(
        &c,
        "",
        MemoryStrategy::Summary,
        budget(12 + 3 + 5 + 10),
        words,
    );
    use Fate::*;
    assert_eq!(
        fates(&plan),
        [InSummary, InSummary, Dropped, Dropped, Sent, Sent, Sent]
    );
    let ids = |names: &[&str]| -> Vec<MessageId> {
        names.iter().map(|n| MessageId(n.to_string())).collect()
    };
    assert_eq!(plan.to_summarize, ids(&["u1", "a1"]));
    let input: Vec<&str> = plan
        .summary_input(&c)
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(input, ["three", "four"]);
    let wire = plan_messages(&plan, &c, "");
    assert_eq!(wire[0].content, summary_message("The user counted."));
    assert_eq!(wire.len(), 4);
}

#[test]
fn a_message_that_arrives_in_front_after_planning_is_not_sent_in_place_of_another() {
    // The plan is made, then a message merged in from another tab lands first.
    let c = conversation(&[("zero", "one"), ("two", "three four"), ("five", "")]);
    let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(19), words);
    let planned: Vec<String> = plan_messages(&plan, &c, "")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(planned, ["two", "three four", "five"]);
    let mut merged = c.clone();
    merged.messages.insert(
        0,
        Message::user(MessageId("x".into()), "from elsewhere", 0.5),
    );
    let sent: Vec<String> = plan_messages(&plan, &merged, "")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(sent, planned);
}

#[test]
fn a_message_deleted_after_planning_is_left_out_not_a_crash() {
    let c = conversation(&[("one", "two"), ("three", "")]);
    let plan = select_context(&c, "", MemoryStrategy::FullHistory, budget(1_000), words);
    let mut shorter = c.clone();
    shorter.messages.remove(1);
    let sent: Vec<String> = plan_messages(&plan, &shorter, "")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(sent, ["one", "three"]);
}

#[test]
fn a_summary_is_ignored_by_the_other_strategies() {
    let mut c = conversation(&[("one", "two"), ("three", "")]);
    c.summary = Some(Summary {
        text: "s".into(),
        covers_through: MessageId("a0".into()),
        created_at: 0.0,
        model: "m".into(),
    });
    let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(1_000), words);
    assert_eq!(plan.summary_tokens, 0);
    assert!(plan.entries.iter().all(|e| e.fate == Fate::Sent));
}

#[test]
fn failed_and_empty_messages_are_never_sent() {
    let mut c = conversation(&[("lost", ""), ("kept", "")]);
    c.messages[0].status = MessageStatus::Failed {
        error: crate::core::openai::error::ApiError::network("x"),
    };
    let plan = select_context(&c, "", MemoryStrategy::FullHistory, budget(1_000), words);
    assert_eq!(fates(&plan), [Fate::NotContext, Fate::Sent]);
}

#[test]
fn summaries_are_rejected_when_empty_or_too_long() {
    assert_eq!(accept_summary("  ", 0, 10), Err(SummaryRejected::Empty));
    assert_eq!(
        accept_summary("long", 11, 10),
        Err(SummaryRejected::TooLong {
            tokens: 11,
            max: 10
        })
    );
    assert_eq!(accept_summary(" ok ", 1, 10), Ok("ok".into()));
}

#[test]
fn a_reasoning_model_gets_a_small_effort_and_room_to_reason_before_the_summary() {
    for (model, effort) in [
        ("gpt-5-mini", "minimal"),
        ("gpt-5", "minimal"),
        ("o4-mini", "low"),
        ("o3", "low"),
    ] {
        let body: serde_json::Value = serde_json::from_str(
            &ChatRequest::new(&summary_options(model, 250, 0), Vec::new()).to_json(),
        )
        .unwrap();
        assert_eq!(body["reasoning_effort"], effort, "{model}: {body}");
        let room = body["max_completion_tokens"].as_u64().unwrap_or(0);
        assert!(
            room >= 250 + 1_000,
            "{model}: only {room} tokens for reasoning and the summary"
        );
    }
    let body: serde_json::Value = serde_json::from_str(
        &ChatRequest::new(&summary_options("gpt-4o-mini", 250, 0), Vec::new()).to_json(),
    )
    .unwrap();
    assert!(body.get("reasoning_effort").is_none());
    assert_eq!(body["max_tokens"], 250);
}

#[test]
fn the_retry_of_a_summary_gets_more_room() {
    let first = summary_options("gpt-5-mini", 250, 0)
        .max_output_tokens
        .unwrap_or(0);
    let second = summary_options("gpt-5-mini", 250, 1)
        .max_output_tokens
        .unwrap_or(0);
    assert!(second > first);
    assert_eq!(
        summary_options("gpt-4o", 250, 1).max_output_tokens,
        Some(500)
    );
}

#[test]
fn an_empty_or_cut_off_summary_is_retried_once_then_never_replaces_the_old_one() {
    use SummaryVerdict::*;
    let table = [
        ("", Some("length"), 0, 0, TryAgainWithMoreRoom),
        ("", Some("stop"), 0, 0, TryAgainWithMoreRoom),
        (
            "The user is Sam",
            Some("length"),
            0,
            0,
            TryAgainWithMoreRoom,
        ),
        ("", Some("length"), 0, 1, Reject(SummaryRejected::Empty)),
        (
            "The user is Sam",
            Some("length"),
            5,
            1,
            Reject(SummaryRejected::CutOff),
        ),
        (
            "The user is Sam.",
            Some("stop"),
            5,
            0,
            Accept("The user is Sam.".into()),
        ),
        (
            "The user is Sam.",
            None,
            5,
            1,
            Accept("The user is Sam.".into()),
        ),
        (
            "long",
            Some("stop"),
            11,
            0,
            Reject(SummaryRejected::TooLong {
                tokens: 11,
                max: 10,
            }),
        ),
    ];
    for (text, finish, tokens, attempt, expected) in table {
        assert_eq!(
            judge_summary(text, finish, tokens, 10, attempt),
            expected,
            "{text:?} {finish:?} attempt {attempt}"
        );
    }
}

#[test]
fn the_summary_request_carries_the_previous_summary_and_only_new_messages() {
    let c = conversation(&[("My name is Priya.", "Nice to meet you.")]);
    let dropped: Vec<&Message> = c.messages.iter().collect();
    let wire = summary_request(Some("The user likes tea."), &dropped, 250);
    assert!(wire[0].content.contains("names") || wire[0].content.contains("name"));
    assert!(wire[0].content.contains("250"));
    assert_eq!(
        wire[1].content,
        "Previous summary:\nThe user likes tea.\n\nNew messages:\n[user] My name is Priya.\n[assistant] Nice to meet you.\n"
    );
}

#[test]
fn a_replys_thinking_is_never_sent_back_nor_counted_as_sent() {
    let mut c = conversation(&[("a b", "c d"), ("e f", "")]);
    c.think(&MessageId("a0".into()), "secret chain of thought");
    let plan = select_context(&c, "", MemoryStrategy::FullHistory, budget(1_000), words);
    let without = select_context(
        &conversation(&[("a b", "c d"), ("e f", "")]),
        "",
        MemoryStrategy::FullHistory,
        budget(1_000),
        words,
    );
    assert_eq!(plan.total, without.total);
    let body = serde_json::to_string(&plan_messages(&plan, &c, "")).unwrap();
    assert!(!body.contains("secret") && body.contains("c d"), "{body}");
}
