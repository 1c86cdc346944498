//! Memory: which messages are sent, which are dropped, which are covered by the
//! summary. The transcript is never changed here; this only decides what is *sent*.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::conversation::Conversation;
use super::message::{Message, MessageId, Role};
use super::openai::request::WireMessage;
use super::tokens::{message_tokens, prompt_tokens};

mod summary;

pub use summary::{
    accept_summary, judge_summary, summary_budget, summary_options, summary_request,
    SummaryRejected, SummaryVerdict, SUMMARY_PROMPT, SUMMARY_REASONING_ALLOWANCE,
};

/// How the history is fitted into the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryStrategy {
    /// Send everything; warn when it no longer fits the model.
    FullHistory,
    /// Newest messages first, whole messages, until the budget is full; never a reply
    /// without the question it answers.
    #[default]
    SlidingWindow,
    /// Like the window, and messages that leave it are folded into a rolling summary.
    Summary,
}

super::names::by_name!(MemoryStrategy, [
    "full_history" => MemoryStrategy::FullHistory,
    "sliding_window" => MemoryStrategy::SlidingWindow,
    "summary" => MemoryStrategy::Summary,
]);

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

    /// The badge shown on the message and in the context inspector. Messages left out
    /// are "not in context", never "dropped": they are all kept.
    pub fn label(self) -> &'static str {
        match self {
            Fate::Sent => "in context",
            Fate::Pinned => "pinned",
            Fate::Dropped | Fate::NotContext => "not in context",
            Fate::InSummary => "in summary",
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
    let mut window_start = None;
    for (index, entry) in entries.iter_mut().enumerate().rev() {
        if entry.fate != Fate::Dropped {
            continue;
        }
        if strategy == MemoryStrategy::FullHistory || total + entry.tokens <= limit {
            entry.fate = Fate::Sent;
            total += entry.tokens;
            window_start = Some(index);
        } else {
            break;
        }
    }
    if let Some(start) = window_start {
        total -= drop_orphan_replies(messages, &mut entries, start);
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

/// Drops the replies that open the window at `start` when the question they answer was
/// dropped, and returns the tokens that frees. A reply without its question reads to the
/// model as an answer to nothing (and opens the request with the assistant); with
/// Summary memory the pair is then folded into the summary together. A pinned reply
/// stays: pinned messages are always sent.
fn drop_orphan_replies(messages: &[Message], entries: &mut [PlanEntry], start: usize) -> u32 {
    let is_question =
        |m: &Message, e: &PlanEntry| m.role == Role::User && e.fate != Fate::NotContext;
    let question_dropped = messages[..start]
        .iter()
        .zip(&entries[..start])
        .rev()
        .find(|(m, e)| is_question(m, e))
        .is_some_and(|(_, e)| e.fate == Fate::Dropped);
    if !question_dropped {
        return 0;
    }
    let mut freed = 0;
    for (m, e) in messages[start..].iter().zip(&mut entries[start..]) {
        if is_question(m, e) {
            break;
        }
        if m.role == Role::Assistant && e.fate == Fate::Sent {
            e.fate = Fate::Dropped;
            freed += e.tokens;
        }
    }
    freed
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

#[cfg(test)]
mod tests;
