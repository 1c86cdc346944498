//! What went wrong with a request, classified once, in the user's words.

use serde::{Deserialize, Serialize};

/// The kind of failure: decides the hint shown and whether retrying can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 401: the key is missing, wrong or revoked.
    Auth,
    /// 403: the key may not use this resource (region, organisation, permissions).
    Forbidden,
    /// 404 for a model that does not exist or is not available to this key.
    ModelNotFound,
    /// 404 for anything else: usually a wrong base URL.
    NotFound,
    /// Other 4xx: the request itself was refused.
    BadRequest,
    /// The messages do not fit the model's context window.
    ContextTooLong,
    /// 429 because of too many requests: waiting helps.
    RateLimited,
    /// 429 because the account has no credit left: waiting does not help.
    Quota,
    /// 5xx, or an error object sent inside the stream.
    Server,
    /// The endpoint could not be reached, or the connection broke (see
    /// [`ApiError::is_connection_lost`]).
    Network,
    /// No bytes arrived for too long.
    Timeout,
    /// The user stopped the request.
    Aborted,
    /// Mnemo did not send: what must be sent is larger than the context budget.
    OverBudget,
}

/// The `code` of a network error that happened while the browser was offline. A code
/// rather than a kind of its own, so that conversations holding such an error stay
/// readable by a tab still running an earlier build.
const OFFLINE_CODE: &str = "offline";

/// The `code` of a network error that broke a reply which had begun to arrive: the
/// endpoint was reached, and the text that came is kept. A code for the same reason as
/// [`OFFLINE_CODE`].
const CONNECTION_LOST_CODE: &str = "connection_lost";

/// A failed request, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The API's own `error.message`, or a description of the transport failure.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Seconds to wait before retrying, from `Retry-After`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<f64>,
}

/// The `{"error": {...}}` body OpenAI-compatible APIs send, in a response or a stream.
#[derive(Debug, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The inside of an error body. Every field is optional: proxies vary.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub code: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

impl ApiError {
    /// Classifies an HTTP error response from its status, body and `Retry-After` header.
    /// `now_ms` is used to turn a `Retry-After` date into seconds.
    pub fn from_http(status: u16, body: &str, retry_after: Option<&str>, now_ms: f64) -> Self {
        let parsed = serde_json::from_str::<ErrorEnvelope>(body)
            .map(|e| e.error)
            .unwrap_or_default();
        let message = parsed
            .message
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| fallback_message(status, body));
        let code = parsed.code.or(parsed.kind.clone());
        let kind = classify(status, code.as_deref(), parsed.kind.as_deref(), &message);
        ApiError {
            kind,
            message,
            status: Some(status),
            code,
            retry_after: retry_after.and_then(|v| parse_retry_after(v, now_ms)),
        }
    }

    /// An `{"error": ...}` object that arrived inside a stream.
    pub fn from_stream(body: ErrorBody) -> Self {
        let message = body
            .message
            .unwrap_or_else(|| "The server reported an error in the middle of the reply.".into());
        let code = body.code.or(body.kind.clone());
        let kind = match classify(0, code.as_deref(), body.kind.as_deref(), &message) {
            ErrorKind::BadRequest => ErrorKind::Server,
            other => other,
        };
        ApiError {
            kind,
            message,
            status: None,
            code,
            retry_after: None,
        }
    }

    /// The endpoint could not be reached or the connection broke.
    pub fn network(detail: impl Into<String>) -> Self {
        Self::plain(ErrorKind::Network, detail)
    }

    /// The endpoint could not be reached; `online` is what the browser says about its
    /// connection. Offline, the error says so and is not retried automatically: waiting
    /// a few seconds rarely brings the network back, and the message is kept for Retry.
    pub fn unreachable(detail: impl Into<String>, online: bool) -> Self {
        let mut error = Self::network(detail);
        if !online {
            error.code = Some(OFFLINE_CODE.into());
        }
        error
    }

    /// Whether the browser was offline when the request failed.
    pub fn is_offline(&self) -> bool {
        self.kind == ErrorKind::Network && self.code.as_deref() == Some(OFFLINE_CODE)
    }

    /// The endpoint answered and its reply had begun to arrive when the connection broke
    /// (or the body ended before the stream said it was done).
    pub fn connection_lost() -> Self {
        let mut error = Self::network("The connection broke while the reply was arriving.");
        error.code = Some(CONNECTION_LOST_CODE.into());
        error
    }

    /// Whether the connection broke while a reply was arriving.
    pub fn is_connection_lost(&self) -> bool {
        self.kind == ErrorKind::Network && self.code.as_deref() == Some(CONNECTION_LOST_CODE)
    }

    /// The endpoint answered, then its body broke off before any of the reply: as far
    /// as the page can tell, the server's (or a proxy's) doing, and retried as such.
    pub fn closed_before_reply() -> Self {
        Self::plain(
            ErrorKind::Server,
            "The endpoint answered, then closed the connection before sending any text.",
        )
    }

    /// The user stopped the request.
    pub fn aborted() -> Self {
        Self::plain(ErrorKind::Aborted, "Stopped.")
    }

    /// What must be sent (`needed` tokens) does not fit the `limit`.
    pub fn over_budget(needed: u32, limit: u32) -> Self {
        Self::plain(
            ErrorKind::OverBudget,
            format!("This message with the system prompt, summary and pinned messages needs {needed} tokens, more than the {limit} allowed."),
        )
    }

    /// No bytes arrived for `seconds`.
    pub fn timeout(seconds: u32) -> Self {
        Self::plain(
            ErrorKind::Timeout,
            format!("No reply arrived for {seconds} seconds."),
        )
    }

    fn plain(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
            status: None,
            code: None,
            retry_after: None,
        }
    }

    /// What the user can do about it, in one sentence.
    pub fn hint(&self) -> &'static str {
        if self.is_offline() {
            return "You are offline: your message is kept; press Retry once you are back online.";
        }
        if self.is_connection_lost() {
            return "The partial reply is kept: press Retry or Continue.";
        }
        match self.kind {
            ErrorKind::Auth => "Check your API key in Settings.",
            ErrorKind::Forbidden => "This key may not use this model or endpoint; check the key's permissions.",
            ErrorKind::ModelNotFound => "Pick another model in Settings.",
            ErrorKind::NotFound => "Check the Base URL in Settings: the endpoint was not found.",
            ErrorKind::BadRequest => "The request was refused; change the settings or the message and retry.",
            ErrorKind::ContextTooLong => "The conversation is too long for this model: start a new chat or pick a model with a larger context window.",
            ErrorKind::RateLimited => "Too many requests: wait a moment, then retry.",
            ErrorKind::Quota => "Your account has no credit left for this key.",
            ErrorKind::Server => "The service had a problem: retry in a moment.",
            ErrorKind::Network => "Could not reach the endpoint: check your connection and the Base URL (a proxy must allow this page's origin).",
            ErrorKind::Timeout => "The reply stalled: retry, or continue from the partial reply.",
            ErrorKind::Aborted => "You stopped this reply.",
            ErrorKind::OverBudget => "Shorten the message, unpin messages, or raise the context budget in Settings.",
        }
    }

    /// Whether sending the same request again may succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Network | ErrorKind::Timeout
        ) && !self.is_offline()
    }

    /// Whether the fix is in the settings dialog.
    pub fn needs_settings(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Auth
                | ErrorKind::ModelNotFound
                | ErrorKind::NotFound
                | ErrorKind::OverBudget
        )
    }
}

fn classify(status: u16, code: Option<&str>, kind: Option<&str>, message: &str) -> ErrorKind {
    let code = code.unwrap_or("");
    let kind = kind.unwrap_or("");
    if code == "context_length_exceeded" || message.contains("maximum context length") {
        return ErrorKind::ContextTooLong;
    }
    if code == "insufficient_quota" || kind == "insufficient_quota" {
        return ErrorKind::Quota;
    }
    if code == "model_not_found" {
        return ErrorKind::ModelNotFound;
    }
    match status {
        401 => ErrorKind::Auth,
        403 => ErrorKind::Forbidden,
        404 if message.contains("model") => ErrorKind::ModelNotFound,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        400..=499 => ErrorKind::BadRequest,
        _ if code == "invalid_api_key" => ErrorKind::Auth,
        _ if code == "rate_limit_exceeded" => ErrorKind::RateLimited,
        _ => ErrorKind::Server,
    }
}

fn fallback_message(status: u16, body: &str) -> String {
    let body = body.trim();
    if body.is_empty() || body.starts_with('<') {
        format!("The endpoint answered with HTTP {status}.")
    } else {
        let short: String = body.chars().take(300).collect();
        format!("The endpoint answered with HTTP {status}: {short}")
    }
}

/// Parses `Retry-After`: delay-seconds, or an HTTP date (RFC 9110 §10.2.3), relative to
/// `now_ms`. Dates in the past give zero.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if let Some(seconds) = crate::core::text::parse_decimal(value) {
        return (seconds >= 0.0).then_some(seconds);
    }
    let at = parse_http_date(value)?;
    Some(((at - now_ms) / 1000.0).max(0.0))
}

/// Parses an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT` into milliseconds
/// since the Unix epoch. Fields outside their ranges (a four-digit year, a 24-hour
/// clock) make it invalid: the arithmetic below never overflows on what a server sends.
fn parse_http_date(value: &str) -> Option<f64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let field = |text: &str, range: std::ops::RangeInclusive<i64>| {
        text.parse::<i64>().ok().filter(|n| range.contains(n))
    };
    let day = field(day, 1..=31)?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as i64
        + 1;
    let year = field(year, 0..=9999)?;
    let mut hms = time.split(':');
    let h = field(hms.next()?, 0..=23)?;
    let m = field(hms.next()?, 0..=59)?;
    // 60: a leap second.
    let s = field(hms.next()?, 0..=60)?;
    // Days from civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + m * 60 + s) * 1000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_401_keeps_the_api_message_and_points_at_the_key() {
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-...xxxx.","type":"invalid_request_error","code":"invalid_api_key"}}"#;
        let e = ApiError::from_http(401, body, None, 0.0);
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(e.message, "Incorrect API key provided: sk-...xxxx.");
        assert!(e.hint().contains("Check your API key"));
        assert!(e.needs_settings());
        assert!(!e.retryable());
    }

    #[test]
    fn statuses_and_codes_are_classified() {
        let cases = [
            (403, r#"{"error":{"message":"no"}}"#, ErrorKind::Forbidden),
            (
                404,
                r#"{"error":{"message":"The model `x` does not exist","code":"model_not_found"}}"#,
                ErrorKind::ModelNotFound,
            ),
            (404, "Not Found", ErrorKind::NotFound),
            (
                400,
                r#"{"error":{"message":"too long","code":"context_length_exceeded"}}"#,
                ErrorKind::ContextTooLong,
            ),
            (400, r#"{"error":{"message":"bad"}}"#, ErrorKind::BadRequest),
            (
                429,
                r#"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#,
                ErrorKind::RateLimited,
            ),
            (
                429,
                r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
                ErrorKind::Quota,
            ),
            (500, "", ErrorKind::Server),
            (502, "<html>bad gateway</html>", ErrorKind::Server),
            (
                503,
                r#"{"error":{"message":"overloaded","code":503}}"#,
                ErrorKind::Server,
            ),
        ];
        for (status, body, kind) in cases {
            assert_eq!(
                ApiError::from_http(status, body, None, 0.0).kind,
                kind,
                "{status} {body}"
            );
        }
    }

    #[test]
    fn a_body_that_is_not_json_still_gives_a_readable_message() {
        let e = ApiError::from_http(502, "<html>Bad gateway</html>", None, 0.0);
        assert_eq!(e.message, "The endpoint answered with HTTP 502.");
        assert!(e.retryable());
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("2", 0.0), Some(2.0));
        assert_eq!(parse_retry_after("-1", 0.0), None);
        assert_eq!(parse_retry_after("soon", 0.0), None);
        // 784111777000 ms is Sun, 06 Nov 1994 08:49:37 GMT.
        let now = 784_111_777_000.0 - 5_000.0;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(5.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000.0),
            Some(0.0)
        );
    }

    #[test]
    fn retry_after_dates_out_of_range_are_ignored_without_overflowing() {
        for value in [
            "Sun, 06 Nov 99999999999999 08:49:37 GMT",
            "Sun, 06 Nov -99999999999999 08:49:37 GMT",
            "Sun, 06 Nov 1994 99999999999999:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:9223372036854775807 GMT",
            "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
        ] {
            assert_eq!(parse_retry_after(value, 0.0), None, "{value}");
        }
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:60 GMT", 253_402_300_799_000.0),
            Some(1.0)
        );
    }

    #[test]
    fn an_unreachable_endpoint_while_offline_says_so_and_is_not_retried() {
        let offline = ApiError::unreachable("Could not reach the endpoint.", false);
        assert!(offline.is_offline());
        assert!(offline.hint().starts_with("You are offline: "));
        assert!(!offline.retryable());
        assert!(!offline.needs_settings());
        let policy = crate::core::openai::retry::RetryPolicy::default();
        assert_eq!(policy.delay_ms(&offline, 0, 0.5), None);
        assert_eq!(
            offline.kind,
            ErrorKind::Network,
            "readable by earlier builds"
        );
        let back: ApiError =
            serde_json::from_str(&serde_json::to_string(&offline).unwrap()).unwrap();
        assert!(back.is_offline());

        let online = ApiError::unreachable("Could not reach the endpoint.", true);
        assert!(!online.is_offline());
        assert!(online.retryable());
        assert_eq!(online, ApiError::network("Could not reach the endpoint."));
        assert!(!online.hint().contains("offline"));
    }

    #[test]
    fn a_lost_connection_is_a_network_error_that_says_the_reply_is_kept() {
        let lost = ApiError::connection_lost();
        assert!(lost.is_connection_lost() && !lost.is_offline());
        assert_eq!(lost.kind, ErrorKind::Network, "readable by earlier builds");
        assert!(lost.retryable(), "Retry is offered");
        assert!(!lost.needs_settings());
        assert!(!lost.hint().contains("Could not reach"));
        let back: ApiError = serde_json::from_str(&serde_json::to_string(&lost).unwrap()).unwrap();
        assert!(back.is_connection_lost());
        assert!(!ApiError::network("x").is_connection_lost());
    }

    #[test]
    fn errors_round_trip_through_json() {
        let e = ApiError::from_http(429, r#"{"error":{"message":"x"}}"#, Some("3"), 0.0);
        let back: ApiError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
}
