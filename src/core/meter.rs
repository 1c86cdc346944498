//! The context meter's reading: how full the next request is, in words as well as colour,
//! and what the budget means with the chosen memory strategy.

use super::memory::{ContextPlan, MemoryStrategy};

/// A request at or above this share of the model's window (less the reply reserve) is
/// near it.
const NEAR_WINDOW_PERCENT: u64 = 90;

/// How the next request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Within the budget and well within the model's window.
    Fits,
    /// Over the budget (Full history sends it anyway), or near the model's window.
    Warn,
    /// Larger than the model's window, or its always-sent part alone is over the limit:
    /// the request will not be accepted as it is.
    Over,
}

impl Level {
    /// The name in `data-level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Fits => "fits",
            Level::Warn => "warn",
            Level::Over => "over",
        }
    }
}

/// The meter's level and the words that say it (so colour is never the only sign).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub level: Level,
    /// Short: "within budget", "over budget", "near the model's window"…
    pub status: &'static str,
}

/// What the budget does with `strategy`, in one sentence.
pub fn budget_meaning(strategy: MemoryStrategy) -> &'static str {
    match strategy {
        MemoryStrategy::FullHistory => {
            "Full history sends every message: the budget is not applied, the meter only warns when a request is over it."
        }
        MemoryStrategy::SlidingWindow => {
            "Sliding window sends the newest messages that fit the budget; older ones stay in the chat but are not sent."
        }
        MemoryStrategy::Summary => {
            "Summary memory sends a summary of older messages and the newest messages that fit the budget."
        }
    }
}

/// Reads `plan`, made with `strategy`.
pub fn read(plan: &ContextPlan, strategy: MemoryStrategy) -> Reading {
    let window = plan
        .budget
        .model_window
        .saturating_sub(plan.budget.reply_reserve);
    let near = u64::from(plan.total) * 100 >= u64::from(window) * NEAR_WINDOW_PERCENT;
    let (level, status) = if plan.mandatory_over_limit {
        (Level::Over, "too large to send")
    } else if plan.exceeds_model() {
        (Level::Over, "over the model's window")
    } else if plan.total > plan.budget.context_budget {
        let status = match strategy {
            MemoryStrategy::FullHistory => "over budget: all of it is sent",
            _ => "over budget",
        };
        (Level::Warn, status)
    } else if near {
        (Level::Warn, "near the model's window")
    } else {
        (Level::Fits, "within budget")
    };
    Reading { level, status }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::conversation::{Conversation, ConversationId};
    use crate::core::memory::{select_context, Budget};
    use crate::core::message::{Message, MessageId, MessageStatus};

    /// `turns` questions and answers of `words` words each, counted one token per word.
    fn plan(words: usize, turns: usize, budget: Budget, strategy: MemoryStrategy) -> ContextPlan {
        let mut c = Conversation::new(ConversationId("c".into()), 0.0);
        let text = vec!["word"; words].join(" ");
        for i in 0..turns {
            c.push_user(Message::user(
                MessageId(format!("u{i}")),
                text.clone(),
                i as f64,
            ));
            let mut reply = Message::pending_reply(MessageId(format!("a{i}")), "m", i as f64);
            reply.content = text.clone();
            reply.status = MessageStatus::Complete;
            c.push(reply);
        }
        select_context(&c, "", strategy, budget, |t| {
            t.split_whitespace().count() as u32
        })
    }

    fn budget(context_budget: u32, model_window: u32) -> Budget {
        Budget {
            context_budget,
            model_window,
            reply_reserve: 100,
        }
    }

    #[test]
    fn full_history_over_the_budget_warns_in_words() {
        let p = plan(100, 20, budget(300, 128_000), MemoryStrategy::FullHistory);
        assert!(p.total > 300);
        let r = read(&p, MemoryStrategy::FullHistory);
        assert_eq!(r.level, Level::Warn);
        assert_eq!(r.status, "over budget: all of it is sent");
    }

    #[test]
    fn a_request_beyond_the_models_window_is_over() {
        let p = plan(100, 20, budget(300, 2_000), MemoryStrategy::FullHistory);
        assert_eq!(read(&p, MemoryStrategy::FullHistory).level, Level::Over);
    }

    #[test]
    fn near_the_models_window_warns_even_within_the_budget() {
        let p = plan(
            100,
            5,
            budget(100_000, 1_200),
            MemoryStrategy::SlidingWindow,
        );
        let r = read(&p, MemoryStrategy::SlidingWindow);
        assert_eq!(
            (r.level, r.status),
            (Level::Warn, "near the model's window")
        );
    }

    #[test]
    fn a_sliding_window_within_its_budget_fits() {
        let p = plan(
            100,
            20,
            budget(1_000, 128_000),
            MemoryStrategy::SlidingWindow,
        );
        assert!(p.total <= 1_000);
        assert_eq!(read(&p, MemoryStrategy::SlidingWindow).level, Level::Fits);
    }

    #[test]
    fn every_strategy_says_what_the_budget_means() {
        for s in MemoryStrategy::ALL {
            assert!(budget_meaning(s).starts_with(s.label()));
        }
    }
}
