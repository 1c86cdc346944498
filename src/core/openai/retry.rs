//! When to try a failed request again: exponential backoff with full jitter, honouring
//! the server's `Retry-After`.
//!
//! Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the wait before
//! retry `n` (from 0) is uniform in `[0, min(cap, base · 2ⁿ)]`, which spreads clients
//! apart better than a fixed or "equal jitter" schedule.

use super::error::ApiError;

/// The retry schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    pub base_ms: f64,
    pub cap_ms: f64,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The longest `Retry-After` waited for automatically. A server that asks for more
    /// (an exhausted daily limit, maintenance) will not take the request in a time the
    /// user watches a countdown for: the message fails then, kept with its Retry action.
    pub longest_wait_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_ms: 1_000.0,
            cap_ms: 30_000.0,
            max_retries: 4,
            longest_wait_ms: 10.0 * 60.0 * 1000.0,
        }
    }
}

impl RetryPolicy {
    /// How long to wait before retry number `retry` (0 for the first retry) after
    /// `error`, or `None` when the error is not worth retrying or the retries are used
    /// up. `random` is uniform in `[0, 1)`.
    ///
    /// A `Retry-After` from the server is waited for in full, past `cap_ms`: the server
    /// knows when it will take requests again, and a retry sent earlier is refused and
    /// uses up an attempt. Beyond `longest_wait_ms` there is no automatic retry (`None`):
    /// the message fails, still retryable by the user, rather than leaving a countdown
    /// of many minutes running.
    pub fn delay_ms(&self, error: &ApiError, retry: u32, random: f64) -> Option<f64> {
        if !error.retryable() || retry >= self.max_retries {
            return None;
        }
        if let Some(seconds) = error.retry_after {
            let wait = seconds * 1000.0;
            return (wait <= self.longest_wait_ms).then_some(wait.max(0.0));
        }
        let ceiling = (self.base_ms * 2f64.powi(retry as i32)).min(self.cap_ms);
        Some(random.clamp(0.0, 1.0) * ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::openai::error::ErrorKind;

    fn error(status: u16, retry_after: Option<&str>) -> ApiError {
        ApiError::from_http(status, r#"{"error":{"message":"x"}}"#, retry_after, 0.0)
    }

    #[test]
    fn waits_grow_exponentially_under_the_cap_with_full_jitter() {
        let p = RetryPolicy::default();
        let e = error(503, None);
        assert_eq!(p.delay_ms(&e, 0, 0.999_999).map(f64::round), Some(1_000.0));
        assert_eq!(p.delay_ms(&e, 3, 0.5), Some(4_000.0));
        assert_eq!(p.delay_ms(&e, 2, 0.0), Some(0.0));
        let capped = RetryPolicy {
            max_retries: 10,
            ..p
        };
        assert_eq!(capped.delay_ms(&e, 9, 1.0), Some(30_000.0));
    }

    #[test]
    fn at_most_four_retries() {
        let p = RetryPolicy::default();
        assert!(p.delay_ms(&error(500, None), 3, 0.5).is_some());
        assert!(p.delay_ms(&error(500, None), 4, 0.5).is_none());
    }

    #[test]
    fn retry_after_is_honoured() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(&error(429, Some("2")), 0, 0.0), Some(2_000.0));
        assert_eq!(
            p.delay_ms(&error(429, Some("120")), 0, 0.0),
            Some(120_000.0),
            "waited for in full, past the backoff's cap"
        );
        assert_eq!(
            p.delay_ms(&error(503, Some("600")), 3, 0.9),
            Some(600_000.0)
        );
    }

    #[test]
    fn a_retry_after_beyond_the_longest_wait_is_not_retried_automatically() {
        let p = RetryPolicy::default();
        let later = error(429, Some("601"));
        assert!(later.retryable(), "the user can still retry by hand");
        assert_eq!(p.delay_ms(&later, 0, 0.5), None);
        let huge = format!("1{}", "0".repeat(300));
        assert_eq!(p.delay_ms(&error(429, Some(&huge)), 0, 0.5), None);
    }

    #[test]
    fn errors_a_retry_cannot_fix_are_not_retried() {
        let p = RetryPolicy::default();
        for status in [400, 401, 403, 404] {
            assert!(
                p.delay_ms(&error(status, None), 0, 0.5).is_none(),
                "{status}"
            );
        }
        let quota = ApiError::from_http(
            429,
            r#"{"error":{"message":"quota","code":"insufficient_quota"}}"#,
            None,
            0.0,
        );
        assert_eq!(quota.kind, ErrorKind::Quota);
        assert!(p.delay_ms(&quota, 0, 0.5).is_none());
        assert!(p.delay_ms(&ApiError::network("offline"), 0, 0.5).is_some());
        assert!(p.delay_ms(&ApiError::aborted(), 0, 0.5).is_none());
    }
}
