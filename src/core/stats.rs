//! Conversation statistics: what the next request sends, what was used, what it cost.

use super::conversation::Conversation;
use super::memory::ContextPlan;
use super::message::{Message, Role, Usage};
use super::models::{self, ModelInfo};
use super::text::fixed;

/// The figures shown for a conversation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Messages on the shown path.
    pub messages: usize,
    /// Messages on other versions (edits, regenerations): not sent, but paid for.
    pub other_versions: usize,
    /// Prompt tokens of the next request.
    pub next_request_tokens: u32,
    /// Tokens the API reported for every reply and summary call (reasoning included in
    /// the output, and counted apart too).
    pub used: Usage,
    /// Estimated US dollars of the usage whose prices are known (the catalog's, or those
    /// the user gave a custom model).
    pub cost: f64,
    /// Whether some usage was at a price nobody gave, so the cost is not known in full.
    pub unpriced: bool,
    /// What Mnemo counted for the last reply's request, and what the API reported.
    pub last_sent_tokens: Option<u32>,
    pub last_reported_tokens: Option<u32>,
}

impl Stats {
    /// The cost as shown: dollars, or "unknown" for what was used at unknown prices.
    pub fn cost_text(&self) -> String {
        const UNKNOWN: &str = "unknown (a model without prices)";
        match (self.unpriced, self.cost > 0.0) {
            (false, _) => format!("${}", fixed(self.cost, 4)),
            (true, false) => UNKNOWN.to_string(),
            (true, true) => format!("${} + {UNKNOWN}", fixed(self.cost, 4)),
        }
    }
}

/// A count with thousands separators: `12,345`.
pub fn format_count(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the request that produced `message` cost in US dollars, at the prices of the
/// model that wrote it; `None` without usage or model, or when the model has no prices.
pub fn message_cost(message: &Message, custom: &[ModelInfo]) -> Option<f64> {
    let (usage, model) = (message.usage.as_ref()?, message.model.as_ref()?);
    models::resolve(model, custom).cost(usage)
}

/// The statistics of `conversation`, given the plan of its next request. Usage and cost
/// count every version, shown or not: each was paid for. Summary calls are priced at
/// `summary_model`'s rates.
pub fn stats(
    conversation: &Conversation,
    plan: &ContextPlan,
    summary_model: &ModelInfo,
    custom: &[ModelInfo],
) -> Stats {
    let mut used = Usage::default();
    let mut cost = 0.0;
    let mut unpriced = false;
    let mut priced = |cost_of: Option<f64>| match cost_of {
        Some(c) => cost += c,
        None => unpriced = true,
    };
    for m in conversation.all_messages() {
        if let Some(usage) = &m.usage {
            used.add(usage);
            priced(message_cost(m, custom));
        }
    }
    used.add(&conversation.summary_usage);
    priced(summary_model.cost(&conversation.summary_usage));
    let last_reply = conversation
        .messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Assistant && m.sent_tokens.is_some());
    Stats {
        messages: conversation.messages.len(),
        other_versions: conversation.branches.len(),
        next_request_tokens: plan.total,
        used,
        cost,
        unpriced,
        last_sent_tokens: last_reply.and_then(|m| m.sent_tokens),
        last_reported_tokens: last_reply.and_then(|m| m.usage.map(|u| u.prompt_tokens)),
    }
}

/// How the server's count of the last request compares with Mnemo's, as "×1.08":
/// the calibration of an estimate. `None` without both counts.
pub fn calibration(sent: Option<u32>, reported: Option<u32>) -> Option<String> {
    let (sent, reported) = (sent.filter(|n| *n > 0)?, reported?);
    Some(format!(
        "×{}",
        crate::core::text::fixed(f64::from(reported) / f64::from(sent), 2)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::conversation::{Conversation, ConversationId};
    use crate::core::memory::{select_context, Budget, MemoryStrategy};
    use crate::core::message::{Message, MessageId, MessageStatus};
    use crate::core::models::resolve;

    #[test]
    fn a_reply_by_a_custom_model_costs_that_models_prices() {
        let custom = ModelInfo {
            id: "my-local-model".into(),
            context_window: 8_192,
            encoding: crate::core::tokens::Encoding::O200kBase,
            input_per_million: Some(1.0),
            output_per_million: Some(2.0),
        };
        let mut reply = Message::pending_reply(MessageId("a".into()), "my-local-model", 1.0);
        reply.usage = serde_json::from_str(
            r#"{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000}"#,
        )
        .ok();
        let cost = message_cost(&reply, std::slice::from_ref(&custom)).unwrap_or(-1.0);
        assert!((cost - 3.0).abs() < 1e-9, "cost {cost}");
    }

    #[test]
    fn usage_at_unknown_prices_is_counted_and_its_cost_said_to_be_unknown() {
        let mut c = Conversation::new(ConversationId("c".into()), 0.0);
        let mut reply = Message::pending_reply(MessageId("a".into()), "my-local-model", 1.0);
        reply.usage = Some(Usage {
            prompt_tokens: 10,
            completion_tokens: 5,
            total_tokens: 15,
            reasoning_tokens: 0,
        });
        c.push(reply.clone());
        let budget = Budget {
            context_budget: 1000,
            model_window: 128_000,
            reply_reserve: 100,
        };
        let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget, |_| 1);
        let s = stats(&c, &plan, &resolve("gpt-4o-mini", &[]), &[]);
        assert_eq!(
            s.used.total_tokens, 15,
            "the tokens are counted all the same"
        );
        assert!(s.unpriced);
        assert_eq!(s.cost_text(), "unknown (a model without prices)");
        reply.id = MessageId("b".into());
        reply.model = Some("gpt-4o-mini".into());
        reply.usage = Some(Usage {
            prompt_tokens: 1_000_000,
            completion_tokens: 0,
            total_tokens: 1_000_000,
            reasoning_tokens: 0,
        });
        c.push(reply);
        let s = stats(&c, &plan, &resolve("gpt-4o-mini", &[]), &[]);
        assert_eq!(s.cost_text(), "$0.1500 + unknown (a model without prices)");
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_000), "1,000");
        assert_eq!(format_count(1_047_576), "1,047,576");
    }

    #[test]
    fn usage_and_cost_add_up_replies_and_summary_calls() {
        let mut c = Conversation::new(ConversationId("c".into()), 0.0);
        c.push_user(Message::user(MessageId("u".into()), "hi", 1.0));
        let mut reply = Message::pending_reply(MessageId("a".into()), "gpt-4o-mini", 2.0);
        reply.content = "hello".into();
        reply.status = MessageStatus::Complete;
        reply.usage = Some(Usage {
            prompt_tokens: 1_000_000,
            completion_tokens: 0,
            total_tokens: 1_000_000,
            reasoning_tokens: 10,
        });
        reply.sent_tokens = Some(999_999);
        c.push(reply);
        c.summary_usage = Usage {
            prompt_tokens: 0,
            completion_tokens: 1_000_000,
            total_tokens: 1_000_000,
            reasoning_tokens: 5,
        };
        let budget = Budget {
            context_budget: 1000,
            model_window: 128_000,
            reply_reserve: 100,
        };
        let plan = select_context(&c, "", MemoryStrategy::SlidingWindow, budget, |t| {
            t.len() as u32
        });
        let s = stats(&c, &plan, &resolve("gpt-4o-mini", &[]), &[]);
        assert_eq!(s.messages, 2);
        assert_eq!(s.used.total_tokens, 2_000_000);
        assert_eq!(s.used.reasoning_tokens, 15, "reasoning tokens add up");
        assert!((s.cost - (0.15 + 0.60)).abs() < 1e-9);
        assert!(!s.unpriced);
        assert_eq!(s.cost_text(), "$0.7500");
        assert_eq!(s.last_sent_tokens, Some(999_999));
        assert_eq!(s.last_reported_tokens, Some(1_000_000));
        assert_eq!(s.next_request_tokens, plan.total);
    }

    #[test]
    fn the_calibration_says_how_the_servers_count_compares() {
        assert_eq!(calibration(Some(100), Some(108)).as_deref(), Some("×1.08"));
        assert_eq!(calibration(Some(0), Some(5)), None);
        assert_eq!(calibration(Some(10), None), None);
    }
}
