//! What went wrong with a request, classified once, in the user's words.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The kind of failure: decides the hint shown and whether retrying can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

crate::core::names::by_name!(ErrorKind, [
    "auth" => ErrorKind::Auth,
    "forbidden" => ErrorKind::Forbidden,
    "model_not_found" => ErrorKind::ModelNotFound,
    "not_found" => ErrorKind::NotFound,
    "bad_request" => ErrorKind::BadRequest,
    "context_too_long" => ErrorKind::ContextTooLong,
    "rate_limited" => ErrorKind::RateLimited,
    "quota" => ErrorKind::Quota,
    "server" => ErrorKind::Server,
    "network" => ErrorKind::Network,
    "timeout" => ErrorKind::Timeout,
    "aborted" => ErrorKind::Aborted,
    "over_budget" => ErrorKind::OverBudget,
]);

/// The `code` of a network error that happened while the browser was offline. A code
/// rather than a kind of its own, so that conversations holding such an error stay
/// readable by a tab still running an earlier build.
const OFFLINE_CODE: &str = "offline";

/// The `code` of a network error that broke a reply which had begun to arrive: the
/// endpoint was reached, and the text that came is kept. A code for the same reason as
/// [`OFFLINE_CODE`].
const CONNECTION_LOST_CODE: &str = "connection_lost";

/// The `code` of a network error whose server answered but does not allow this page's
/// origin: retrying cannot help until the server is set up.
const ORIGIN_REFUSED_CODE: &str = "origin_refused";

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
    /// The request field the server named as the culprit (OpenAI's `error.param`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Seconds to wait before retrying, from `Retry-After`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<f64>,
}

/// An error body as OpenAI-compatible APIs and the servers and proxies in front of them
/// send it, in a response or a stream: `{"error": {...}}` (OpenAI, Anthropic),
/// `[{"error": {...}}]` (Gemini), `{"error": "..."}`, `{"object": "error", "message": ...}`
/// (vLLM, Mistral), `{"detail": ...}` (FastAPI), `{"message": "..."}` or a bare JSON
/// string. Anything else, a chat completion or chunk among them, is not one.
#[derive(Debug)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
    /// The request field the server named as the culprit.
    pub param: Option<String>,
}

/// What an error body says. Every field is optional: proxies vary.
#[derive(Debug, Default)]
pub struct ErrorBody {
    pub message: Option<String>,
    pub kind: Option<String>,
    pub code: Option<String>,
}

impl<'de> Deserialize<'de> for ErrorEnvelope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_error(&Value::deserialize(d)?)
            .ok_or_else(|| serde::de::Error::custom("not an error body"))
    }
}

fn read_error(value: &Value) -> Option<ErrorEnvelope> {
    let said = |message: Option<String>| ErrorEnvelope {
        error: ErrorBody {
            message,
            ..ErrorBody::default()
        },
        param: None,
    };
    let fields = match value {
        Value::String(message) => return Some(said(Some(message.clone()))),
        Value::Array(items) => return items.first().and_then(read_error),
        Value::Object(fields) => fields,
        _ => return None,
    };
    match fields.get("error") {
        Some(Value::String(message)) => return Some(said(Some(message.clone()))),
        Some(Value::Object(inner)) => return Some(read_fields(inner)),
        _ => {}
    }
    if fields.contains_key("choices") {
        return None;
    }
    if let Some(detail) = fields.get("detail") {
        return Some(said(Some(detail_text(detail)?)));
    }
    let envelope = read_fields(fields);
    let is_error = fields.get("object").and_then(Value::as_str) == Some("error");
    (is_error || envelope.error.message.is_some()).then_some(envelope)
}

/// The fields of an error object: `message` (text, or FastAPI's `{"detail": ...}` as
/// Mistral sends it), `type`, `code` (Gemini's textual `status` when the code is a
/// number) and `param`.
fn read_fields(fields: &Map<String, Value>) -> ErrorEnvelope {
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_string);
    let message = match fields.get("message") {
        Some(Value::Object(inner)) => inner.get("detail").and_then(detail_text),
        _ => text("message"),
    };
    let code = match fields.get("code") {
        Some(Value::String(code)) => Some(code.clone()),
        Some(Value::Number(n)) => text("status").or_else(|| n.as_i64().map(|n| n.to_string())),
        _ => None,
    };
    ErrorEnvelope {
        error: ErrorBody {
            message,
            kind: text("type"),
            code,
        },
        param: text("param"),
    }
}

/// FastAPI's `detail`: text, or a list of `{loc, msg}` read as
/// `stream_options: Extra inputs are not permitted` (the location inside the body, then
/// the complaint), joined with "; ".
fn detail_text(detail: &Value) -> Option<String> {
    let items = match detail {
        Value::String(text) => return Some(text.clone()),
        Value::Array(items) => items,
        _ => return None,
    };
    let said: Vec<String> = items
        .iter()
        .filter_map(|item| {
            let msg = item.get("msg")?.as_str()?;
            let loc = item
                .get("loc")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let inside_body = match loc {
                [first, rest @ ..] if *first == "body" => rest,
                all => all,
            };
            let loc: Vec<String> = inside_body
                .iter()
                .filter_map(|part| match part {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => n.as_u64().map(|n| n.to_string()),
                    _ => None,
                })
                .collect();
            Some(if loc.is_empty() {
                msg.to_string()
            } else {
                format!("{}: {msg}", loc.join("."))
            })
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

impl ApiError {
    /// Classifies an HTTP error response from its status, body and `Retry-After` header.
    /// `now_ms` is used to turn a `Retry-After` date into seconds.
    pub fn from_http(status: u16, body: &str, retry_after: Option<&str>, now_ms: f64) -> Self {
        let said = serde_json::from_str::<ErrorEnvelope>(body).ok();
        let (parsed, param) = said.map(|e| (e.error, e.param)).unwrap_or_default();
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
            param,
            retry_after: retry_after.and_then(|v| parse_retry_after(v, now_ms)),
        }
    }

    /// An error object that arrived inside a stream, or as a reply's whole body.
    pub fn from_stream(body: ErrorBody) -> Self {
        let message = body
            .message
            .filter(|m| !m.trim().is_empty())
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
            param: None,
            retry_after: None,
        }
    }

    /// Whether the server refused the request because of the request field `field`
    /// (`stream_options`, `max_tokens`, …): a 400 or 422 whose `param` is that field or,
    /// when it names none, whose message names it as a whole word. The `param` decides
    /// when there is one: OpenAI's refusal of `max_tokens` also names
    /// `max_completion_tokens`, as the field to use instead.
    pub fn rejects_field(&self, field: &str) -> bool {
        if self.kind != ErrorKind::BadRequest || !matches!(self.status, Some(400 | 422)) {
            return false;
        }
        if let Some(param) = &self.param {
            return param == field;
        }
        let part_of_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !field.is_empty()
            && self.message.match_indices(field).any(|(at, _)| {
                !part_of_word(self.message[..at].chars().next_back())
                    && !part_of_word(self.message[at + field.len()..].chars().next())
            })
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
            param: None,
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
        if self.is_origin_refused() {
            return "The server must allow this page first: set it up as said, then press Retry.";
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
            && !self.is_origin_refused()
    }

    /// This network error, known to be a server that answered but refuses this page's
    /// origin (its message says what to set).
    pub fn origin_refused(self) -> Self {
        ApiError {
            code: Some(ORIGIN_REFUSED_CODE.into()),
            ..self
        }
    }

    /// Whether the server answered but refuses this page's origin.
    pub fn is_origin_refused(&self) -> bool {
        self.kind == ErrorKind::Network && self.code.as_deref() == Some(ORIGIN_REFUSED_CODE)
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

/// The message for a body that is not an error object: the text of an HTML page's
/// `<title>` (or first `<h1>`), never its tags; the start of a plain-text body.
fn fallback_message(status: u16, body: &str) -> String {
    let body = body.trim();
    let said = if body.starts_with('<') {
        html_heading(body, "title").or_else(|| html_heading(body, "h1"))
    } else {
        Some(collapse(body).chars().take(300).collect())
    };
    match said.filter(|s| !s.is_empty()) {
        Some(said) => format!("The endpoint answered with HTTP {status}: {said}"),
        None => format!("The endpoint answered with HTTP {status}."),
    }
}

/// The text inside the first `<tag>` of `html`, without inner tags.
fn html_heading(html: &str, tag: &str) -> Option<String> {
    // ASCII lowercasing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    let open = lower.find(&format!("<{tag}"))?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find(&format!("</{tag}"))?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(collapse(&text), |t, (entity, c)| t.replace(entity, c));
    Some(text)
}

/// `text` with each run of whitespace made one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
mod tests;
