//! Property tests of `select_context`: whatever the conversation, budget and strategy,
//! the plan keeps its promises.
#![cfg(not(target_arch = "wasm32"))]

use mnemo::core::conversation::{Conversation, ConversationId, Summary};
use mnemo::core::memory::{plan_messages, select_context, Budget, Fate, MemoryStrategy};
use mnemo::core::message::{Message, MessageId, MessageStatus, Role};
use mnemo::core::openai::error::ApiError;
use mnemo::core::tokens::{message_tokens, prompt_tokens};
use proptest::prelude::*;

fn words(text: &str) -> u32 {
    text.split_whitespace().count() as u32
}

#[derive(Debug, Clone)]
struct Spec {
    role: Role,
    words: usize,
    pinned: bool,
    failed: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        0usize..40,
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(user, words, pinned, failed)| Spec {
            role: if user { Role::User } else { Role::Assistant },
            words,
            pinned,
            failed,
        })
}

fn build(specs: &[Spec], summary_at: Option<usize>) -> Conversation {
    let mut c = Conversation::new(ConversationId("c".into()), 0.0);
    for (i, s) in specs.iter().enumerate() {
        let mut m = Message::user(MessageId(format!("m{i}")), "w ".repeat(s.words), i as f64);
        m.role = s.role;
        m.pinned = s.pinned;
        if s.failed {
            m.status = MessageStatus::Failed {
                error: ApiError::network("x"),
            };
        }
        c.push(m);
    }
    if let Some(at) = summary_at.filter(|&at| at < specs.len()) {
        c.summary = Some(Summary {
            text: "The user's name is Priya.".into(),
            covers_through: MessageId(format!("m{at}")),
            created_at: 0.0,
            model: "m".into(),
        });
    }
    c
}

fn strategy() -> impl Strategy<Value = MemoryStrategy> {
    prop::sample::select(MemoryStrategy::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn plans_keep_their_promises(
        specs in prop::collection::vec(spec(), 0..60),
        summary_at in prop::option::of(0usize..60),
        strategy in strategy(),
        limit in 0u32..600,
        system_words in 0usize..20,
    ) {
        let c = build(&specs, summary_at);
        let system = "s ".repeat(system_words);
        let budget = Budget { context_budget: limit, model_window: 128_000, reply_reserve: 1_000 };
        let plan = select_context(&c, &system, strategy, budget, words);

        // Every message has exactly one fate, in order.
        prop_assert_eq!(plan.entries.len(), c.messages.len());
        prop_assert!(plan.entries.iter().zip(&c.messages).all(|(e, m)| e.id == m.id));
        for e in &plan.entries {
            prop_assert_eq!(plan.fate_of(&e.id), Some(e.fate));
        }

        // The total is what the sent messages cost.
        let sent_cost: u32 = plan.entries.iter().filter(|e| e.fate.is_sent()).map(|e| e.tokens).sum();
        prop_assert_eq!(plan.total, prompt_tokens([plan.system_tokens + plan.summary_tokens + sent_cost]));

        // Never over the limit, unless the mandatory part alone is (or Full history).
        if strategy != MemoryStrategy::FullHistory {
            prop_assert!(plan.total <= plan.limit || plan.mandatory_over_limit);
        }

        // The system prompt and the newest user message are always sent.
        let wire = plan_messages(&plan, &c, &system);
        if !system.trim().is_empty() {
            prop_assert_eq!(&wire[0].content, &system);
            prop_assert_eq!(plan.system_tokens, message_tokens(words(&system), None));
        }
        if let Some(newest) = c.messages.iter().rposition(|m| m.role == Role::User && m.is_context()) {
            prop_assert!(plan.fate_of(&c.messages[newest].id).is_some_and(Fate::is_sent));
        }

        // Pinned messages are always sent; failed ones never are.
        for (m, e) in c.messages.iter().zip(&plan.entries) {
            if m.pinned && m.is_context() { prop_assert_eq!(e.fate, Fate::Pinned); }
            if !m.is_context() { prop_assert_eq!(e.fate, Fate::NotContext); }
        }

        // Order is preserved: the sent messages appear in transcript order.
        let sent: Vec<&str> = c.messages.iter().zip(&plan.entries).filter(|(_, e)| e.fate.is_sent())
            .map(|(m, _)| m.content.as_str()).collect();
        let skip = wire.len() - sent.len();
        let wire_texts: Vec<&str> = wire[skip..].iter().map(|m| m.content.as_str()).collect();
        prop_assert_eq!(wire_texts, sent);

        // The window is one unbroken stretch of recent history: every dropped message is
        // older than every message the window added (the newest user message is kept
        // whatever happens, so it does not count).
        let newest_user = c.messages.iter().rposition(|m| m.role == Role::User && m.is_context());
        let oldest_window = plan.entries.iter().enumerate()
            .filter(|&(i, e)| e.fate == Fate::Sent && Some(i) != newest_user)
            .map(|(i, _)| i).min();
        if let Some(oldest) = oldest_window {
            for (i, _) in plan.entries.iter().enumerate().filter(|(_, e)| e.fate == Fate::Dropped) {
                prop_assert!(i < oldest, "dropped {} is newer than sent {}", i, oldest);
            }
        }

        // No reply is sent without its question: the nearest user message before a
        // sent reply is never one the window dropped.
        for (i, (m, e)) in c.messages.iter().zip(&plan.entries).enumerate() {
            if m.role == Role::Assistant && e.fate == Fate::Sent {
                let question = c.messages[..i].iter().zip(&plan.entries[..i]).rev()
                    .find(|(q, qe)| q.role == Role::User && qe.fate != Fate::NotContext);
                prop_assert!(
                    question.is_none_or(|(_, qe)| qe.fate != Fate::Dropped),
                    "reply {} is sent without its question", i
                );
            }
        }

        // Only Summary memory uses the summary or asks for one.
        if strategy != MemoryStrategy::Summary {
            prop_assert_eq!(plan.summary_tokens, 0);
            prop_assert!(plan.to_summarize.is_empty());
            prop_assert!(plan.entries.iter().all(|e| e.fate != Fate::InSummary));
        } else {
            let dropped: Vec<&MessageId> = plan.entries.iter().filter(|e| e.fate == Fate::Dropped).map(|e| &e.id).collect();
            prop_assert_eq!(plan.to_summarize.iter().collect::<Vec<_>>(), dropped);
        }
    }

    /// The conversation changes between planning and sending (messages merged in from
    /// another tab, others deleted): the request holds exactly the planned messages that
    /// are still there, in order, and nothing panics.
    #[test]
    fn a_plan_read_against_a_changed_conversation_sends_only_what_it_planned(
        specs in prop::collection::vec(spec(), 1..40),
        strategy in strategy(),
        limit in 0u32..400,
        removed in prop::collection::vec(any::<bool>(), 40),
        arrived in 0usize..5,
    ) {
        let c = build(&specs, Some(specs.len() / 2));
        let budget = Budget { context_budget: limit, model_window: 128_000, reply_reserve: 1_000 };
        let plan = select_context(&c, "", strategy, budget, words);
        let mut changed = c.clone();
        let mut keep = removed.iter();
        changed.messages.retain(|_| !keep.next().copied().unwrap_or(false));
        for k in 0..arrived {
            changed.messages.insert(0, Message::user(MessageId(format!("new{k}")), "arrived later", 0.0));
        }

        let expected: Vec<&str> = changed.messages.iter()
            .filter(|m| c.messages.iter().zip(&plan.entries).any(|(o, e)| o.id == m.id && e.fate.is_sent()))
            .map(|m| m.content.as_str()).collect();
        let wire = plan_messages(&plan, &changed, "");
        let wire_texts: Vec<&str> = wire.iter().filter(|m| m.role != Role::System)
            .map(|m| m.content.as_str()).collect();
        prop_assert_eq!(wire_texts, expected);

        let input: Vec<&MessageId> = plan.summary_input(&changed).iter().map(|m| &m.id).collect();
        let wanted: Vec<&MessageId> = changed.messages.iter().map(|m| &m.id)
            .filter(|id| plan.to_summarize.contains(id)).collect();
        prop_assert_eq!(input, wanted);
    }
}
