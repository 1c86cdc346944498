//! Memory: which messages are sent, which are dropped, which are covered by the
//! summary. The transcript is never changed here; this only decides what is *sent*.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::conversation::Conversation;
use super::message::{Message, MessageId, Role};
use super::openai::request::{ReasoningEffort, RequestOptions, WireMessage};
use super::tokens::{message_tokens, prompt_tokens};

/// How the history is fitted into the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryStrategy {
    /// Send everything; warn when it no longer fits the model.
    FullHistory,
    /// Newest messages first, whole messages, until the budget is full.
    #[default]
    SlidingWindow,
    /// Like the window, and messages that leave it are folded into a rolling summary.
    Summary,
}

impl MemoryStrategy {
    pub const ALL: [MemoryStrategy; 3] = [
        MemoryStrategy::FullHistory,
        MemoryStrategy::SlidingWindow,
        MemoryStrategy::Summary,
    ];

    /// The name in the settings.
    pub fn label(self) -> &'static str {
        match self {
            MemoryStrategy::FullHistory => "Full history",
            MemoryStrategy::SlidingWindow => "Sliding window",
            MemoryStrategy::Summary => "Summary memory",
        }
    }

    /// A stable identifier for forms.
    pub fn key(self) -> &'static str {
        match self {
            MemoryStrategy::FullHistory => "full",
            MemoryStrategy::SlidingWindow => "window",
            MemoryStrategy::Summary => "summary",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// The limits a request must fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The user's context budget.
    pub context_budget: u32,
    /// The model's context window.
    pub model_window: u32,
    /// Tokens kept free for the reply.
    pub reply_reserve: u32,
}

impl Budget {
    /// What the prompt may use: min(context budget, window − reply reserve).
    pub fn limit(&self) -> u32 {
        self.context_budget
            .min(self.model_window.saturating_sub(self.reply_reserve))
    }
}

/// What happens to a message in the next request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Sent,
    /// Pinned, so sent whatever the budget.
    Pinned,
    /// Left out for lack of room.
    Dropped,
    /// Left out because the summary covers it.
    InSummary,
    /// Never sent: a failed user message, an empty or streaming reply.
    NotContext,
}

impl Fate {
    pub fn is_sent(self) -> bool {
        matches!(self, Fate::Sent | Fate::Pinned)
    }

    /// The badge shown in the context inspector.
    pub fn label(self) -> &'static str {
        match self {
            Fate::Sent => "sent",
            Fate::Pinned => "pinned",
            Fate::Dropped => "dropped",
            Fate::InSummary => "in summary",
            Fate::NotContext => "not sent",
        }
    }
}

/// One message's place in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// The message, by id: the conversation may change between planning and sending
    /// (a merge from another tab, a reply ending, a deletion), its ids do not.
    pub id: MessageId,
    /// What the message costs in a request (content and framing).
    pub tokens: u32,
    pub fate: Fate,
}

/// Exactly what the next request will contain, and why. Messages are referred to by id,
/// never by position, so a plan read against a conversation that has changed since
/// finds the messages it planned or none at all.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextPlan {
    /// One entry per message of the conversation, in order.
    pub entries: Vec<PlanEntry>,
    /// Where each message's entry is in `entries`, by [`id_key`], so a message finds
    /// its fate without a scan (and planning copies no id twice).
    positions: HashMap<u64, usize>,
    /// Cost of the system prompt message (0 when there is none).
    pub system_tokens: u32,
    /// Cost of the summary message, when one is sent.
    pub summary_tokens: u32,
    /// Prompt tokens of the whole request, reply priming included.
    pub total: u32,
    /// The limit the request had to fit ([`Budget::limit`]).
    pub limit: u32,
    pub budget: Budget,
    /// The part that is always sent (system prompt, summary, pinned and newest user
    /// message) alone exceeds the limit.
    pub mandatory_over_limit: bool,
    /// Messages that left the window and are not yet in the summary, in order: the next
    /// summary call folds these in.
    pub to_summarize: Vec<MessageId>,
}

impl ContextPlan {
    /// Whether the request is larger than the model's window minus the reply reserve
    /// (only possible with Full history or an oversized mandatory part).
    pub fn exceeds_model(&self) -> bool {
        self.total
            > self
                .budget
                .model_window
                .saturating_sub(self.budget.reply_reserve)
    }

    /// How many messages are sent.
    pub fn sent_count(&self) -> usize {
        self.entries.iter().filter(|e| e.fate.is_sent()).count()
    }

    /// The entry of message `id`; `None` for a message the plan did not see.
    pub fn entry(&self, id: &MessageId) -> Option<&PlanEntry> {
        let &i = self.positions.get(&id_key(id))?;
        self.entries.get(i).filter(|e| &e.id == id)
    }

    /// What happens to message `id`; `None` for a message the plan did not see.
    pub fn fate_of(&self, id: &MessageId) -> Option<Fate> {
        self.entry(id).map(|e| e.fate)
    }

    /// The messages of `conversation` the next summary call folds in, in its order.
    /// Found by id: a message deleted since planning is left out, and one added since is
    /// not taken in.
    pub fn summary_input<'a>(&self, conversation: &'a Conversation) -> Vec<&'a Message> {
        if self.to_summarize.is_empty() {
            return Vec::new();
        }
        let wanted: HashSet<&MessageId> = self.to_summarize.iter().collect();
        conversation
            .messages
            .iter()
            .filter(|m| wanted.contains(&m.id))
            .collect()
    }
}

/// The text of the system message that carries the summary.
pub fn summary_message(text: &str) -> String {
    format!("Summary of the earlier conversation:\n{text}")
}

/// Decides what the next request sends. `count` gives the content tokens of a text
/// (exact, or an estimate before the vocabulary is loaded). O(n) in the number of
/// messages, with one `count` call per message.
pub fn select_context(
    conversation: &Conversation,
    system_prompt: &str,
    strategy: MemoryStrategy,
    budget: Budget,
    mut count: impl FnMut(&str) -> u32,
) -> ContextPlan {
    let messages = &conversation.messages;
    let limit = budget.limit();
    let system_tokens = if system_prompt.trim().is_empty() {
        0
    } else {
        message_tokens(count(system_prompt), None)
    };
    let covered_until = match (&conversation.summary, strategy) {
        (Some(summary), MemoryStrategy::Summary) => messages
            .iter()
            .position(|m| m.id == summary.covers_through)
            .map(|i| i + 1),
        _ => None,
    };
    let summary_tokens = match (&conversation.summary, covered_until) {
        (Some(summary), Some(_)) => message_tokens(count(&summary_message(&summary.text)), None),
        _ => 0,
    };
    let newest_user = messages
        .iter()
        .rposition(|m| m.role == Role::User && m.is_context());

    let mut entries: Vec<PlanEntry> = messages
        .iter()
        .enumerate()
        .map(|(index, m)| {
            let context = m.is_context();
            PlanEntry {
                id: m.id.clone(),
                tokens: if context {
                    message_tokens(count(&m.content), None)
                } else {
                    0
                },
                fate: if !context {
                    Fate::NotContext
                } else if m.pinned {
                    Fate::Pinned
                } else if Some(index) == newest_user {
                    Fate::Sent
                } else if covered_until.is_some_and(|end| index < end) {
                    Fate::InSummary
                } else {
                    Fate::Dropped
                },
            }
        })
        .collect();

    let mandatory: u32 = system_tokens
        + summary_tokens
        + entries
            .iter()
            .filter(|e| e.fate.is_sent())
            .map(|e| e.tokens)
            .sum::<u32>();
    let mut total = prompt_tokens([mandatory]);
    let mandatory_over_limit = total > limit;

    // Fill the window newest first with whole messages; the first one that does not fit
    // closes it, so what is sent is always one unbroken stretch of recent history.
    for entry in entries.iter_mut().rev() {
        if entry.fate != Fate::Dropped {
            continue;
        }
        if strategy == MemoryStrategy::FullHistory || total + entry.tokens <= limit {
            entry.fate = Fate::Sent;
            total += entry.tokens;
        } else {
            break;
        }
    }
    let to_summarize = if strategy == MemoryStrategy::Summary {
        entries
            .iter()
            .filter(|e| e.fate == Fate::Dropped)
            .map(|e| e.id.clone())
            .collect()
    } else {
        Vec::new()
    };
    // Ids are unique within a conversation; should two keys collide, the first entry is
    // the one found, and `entry` checks the id, so a collision finds nothing rather than
    // another message.
    let mut positions = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        positions.entry(id_key(&e.id)).or_insert(i);
    }
    ContextPlan {
        entries,
        positions,
        system_tokens,
        summary_tokens,
        total,
        limit,
        budget,
        mandatory_over_limit,
        to_summarize,
    }
}

/// A fixed 64-bit hash of a message id: the key of [`ContextPlan`]'s lookup.
fn id_key(id: &MessageId) -> u64 {
    let mut hasher = DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

/// The messages of the request the plan describes: system prompt, summary, then every
/// message of `conversation` the plan sends, in order. Messages are matched by id, so a
/// message added since planning is not sent and one deleted since is simply missing.
pub fn plan_messages(
    plan: &ContextPlan,
    conversation: &Conversation,
    system_prompt: &str,
) -> Vec<WireMessage> {
    let system = (plan.system_tokens > 0).then(|| WireMessage {
        role: Role::System,
        content: system_prompt.to_string(),
    });
    let summary = conversation
        .summary
        .as_ref()
        .filter(|_| plan.summary_tokens > 0)
        .map(|s| WireMessage {
            role: Role::System,
            content: summary_message(&s.text),
        });
    system
        .into_iter()
        .chain(summary)
        .chain(
            conversation
                .messages
                .iter()
                .filter(|m| plan.fate_of(&m.id).is_some_and(Fate::is_sent))
                .map(wire),
        )
        .collect()
}

fn wire(m: &Message) -> WireMessage {
    WireMessage {
        role: m.role,
        content: m.content.clone(),
    }
}

/// The most tokens a summary may have: a quarter of the limit, at most 500.
pub fn summary_budget(limit: u32) -> u32 {
    (limit / 4).clamp(50, 500)
}

/// Tokens a reasoning model may spend thinking before it writes a summary, on top of the
/// summary's own budget: its hidden reasoning counts against the same output limit, and
/// with no room for it the reply comes back empty. Quadrupled for the one retry.
pub const SUMMARY_REASONING_ALLOWANCE: u32 = 2_000;

/// The options of summary call number `attempt` (0, then 1 for the retry with more
/// room) for `model`, whose summary may have `max_tokens`. A reasoning model is asked
/// for the least effort it accepts and given room to reason first.
pub fn summary_options(model: &str, max_tokens: u32, attempt: u32) -> RequestOptions {
    let reasoning_effort = ReasoningEffort::least_for(model);
    let room = match (reasoning_effort, attempt) {
        (Some(_), 0) => max_tokens.saturating_add(SUMMARY_REASONING_ALLOWANCE),
        (Some(_), _) => max_tokens.saturating_add(SUMMARY_REASONING_ALLOWANCE * 4),
        (None, 0) => max_tokens,
        (None, _) => max_tokens.saturating_mul(2),
    };
    RequestOptions {
        model: model.to_string(),
        temperature: 0.2,
        max_output_tokens: Some(room),
        stream: false,
        reasoning_effort,
    }
}

/// What to do with the reply to summary call number `attempt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryVerdict {
    /// Replace the summary with this text.
    Accept(String),
    /// The reply was empty or cut off: ask once more with more room.
    TryAgainWithMoreRoom,
    /// Keep the previous summary, and say why.
    Reject(SummaryRejected),
}

/// Judges a summary reply: its text, why the model stopped, its token count. An empty
/// or cut-off reply never replaces the summary; the first is retried with more room.
pub fn judge_summary(
    text: &str,
    finish_reason: Option<&str>,
    tokens: u32,
    max_tokens: u32,
    attempt: u32,
) -> SummaryVerdict {
    let cut_off = finish_reason == Some("length");
    let empty = text.trim().is_empty();
    match (cut_off || empty, attempt) {
        (true, 0) => SummaryVerdict::TryAgainWithMoreRoom,
        (true, _) if empty => SummaryVerdict::Reject(SummaryRejected::Empty),
        (true, _) => SummaryVerdict::Reject(SummaryRejected::CutOff),
        (false, _) => match accept_summary(text, tokens, max_tokens) {
            Ok(text) => SummaryVerdict::Accept(text),
            Err(rejected) => SummaryVerdict::Reject(rejected),
        },
    }
}

/// The instructions for a summary call.
pub const SUMMARY_PROMPT: &str = "You maintain the running summary of a conversation between a user and an assistant. \
Update the previous summary with the new messages. Keep every durable fact: the user's name and other personal details, \
preferences, decisions made, and open questions or tasks. Drop small talk and details that no longer matter. \
Write short plain sentences in the third person (for example \"The user's name is Sam.\"). \
Answer with the updated summary only.";

/// The messages of a summary call: the instructions, then the previous summary and the
/// newly dropped messages as one user message.
pub fn summary_request(
    previous: Option<&str>,
    dropped: &[&Message],
    max_tokens: u32,
) -> Vec<WireMessage> {
    let mut text = String::new();
    if let Some(previous) = previous.filter(|p| !p.trim().is_empty()) {
        text.push_str("Previous summary:\n");
        text.push_str(previous.trim());
        text.push_str("\n\n");
    }
    text.push_str("New messages:\n");
    for m in dropped {
        text.push_str(&format!("[{}] {}\n", m.role.as_str(), m.content.trim()));
    }
    vec![
        WireMessage {
            role: Role::System,
            content: format!("{SUMMARY_PROMPT} Stay under {max_tokens} tokens."),
        },
        WireMessage {
            role: Role::User,
            content: text,
        },
    ]
}

/// Why a summary reply was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryRejected {
    Empty,
    /// The model ran out of output room before the summary was complete.
    CutOff,
    TooLong {
        tokens: u32,
        max: u32,
    },
}

impl std::fmt::Display for SummaryRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SummaryRejected::Empty => f.write_str("the model returned an empty summary"),
            SummaryRejected::CutOff => {
                f.write_str("the model ran out of room before the summary was complete")
            }
            SummaryRejected::TooLong { tokens, max } => write!(
                f,
                "the summary was {tokens} tokens, over its budget of {max}"
            ),
        }
    }
}

/// Checks a summary reply before it replaces the previous summary.
///
/// # Errors
/// [`SummaryRejected`] for an empty reply or one longer than `max_tokens`.
pub fn accept_summary(text: &str, tokens: u32, max_tokens: u32) -> Result<String, SummaryRejected> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SummaryRejected::Empty);
    }
    if tokens > max_tokens {
        return Err(SummaryRejected::TooLong {
            tokens,
            max: max_tokens,
        });
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
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
        let c = conversation(&[("one two", "three four"), ("five", "")]);
        let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget(14), words);
        let planned: Vec<String> = plan_messages(&plan, &c, "")
            .into_iter()
            .map(|m| m.content)
            .collect();
        assert_eq!(planned, ["three four", "five"]);
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
}
