//! Decoding a streamed Chat Completions reply: SSE events in, reply events out.

use serde::Deserialize;

use super::error::{ApiError, ErrorEnvelope, ErrorKind};
use crate::core::message::Usage;
use crate::core::sse::{LineTooLong, SseDecoder};

/// What a part of a streamed reply means for the transcript.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// More reply text.
    Text(String),
    /// More of the model's reasoning (`reasoning_content` or `reasoning`), shown apart
    /// and never sent back.
    Thinking(String),
    /// Why the model stopped (`stop`, `length`, `content_filter`, …).
    Finish(String),
    /// Token usage for the whole request (sent last when `include_usage` is set).
    Usage(Usage),
    /// An error object sent inside the stream: the reply ends here.
    Error(ApiError),
    /// A `data:` line that is not valid JSON: skipped, the stream goes on.
    Malformed(String),
    /// `data: [DONE]`: nothing follows.
    Done,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
    /// Groq reports usage here instead.
    #[serde(default)]
    x_groq: Option<XGroq>,
    /// An error sent after HTTP 200, beside an otherwise ordinary chunk (OpenRouter).
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct XGroq {
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    /// DeepSeek, older vLLM.
    #[serde(default)]
    reasoning_content: Option<String>,
    /// OpenRouter, Ollama, newer vLLM.
    #[serde(default)]
    reasoning: Option<String>,
}

/// Turns the bytes of a streamed reply into [`StreamEvent`]s, whatever the chunking.
#[derive(Debug, Default)]
pub struct ReplyDecoder {
    sse: SseDecoder,
    done: bool,
}

impl ReplyDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `[DONE]` or an error ended the reply.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Feeds the next bytes of the body.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<StreamEvent> {
        let events = self.sse.feed(bytes);
        self.decode(events.into_iter().map(|e| e.map(|e| e.data)))
    }

    /// Ends the body.
    pub fn finish(&mut self) -> Vec<StreamEvent> {
        let events = self.sse.finish();
        self.decode(events.into_iter().map(|e| Ok(e.data)))
    }

    fn decode(
        &mut self,
        data: impl Iterator<Item = Result<String, LineTooLong>>,
    ) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        for data in data {
            if self.done {
                break;
            }
            match data {
                Ok(data) => decode_data(&data, &mut out),
                Err(too_long) => out.push(StreamEvent::Error(line_too_long(too_long))),
            }
            self.done = matches!(out.last(), Some(StreamEvent::Done | StreamEvent::Error(_)));
        }
        out
    }
}

/// The error that ends a reply whose server sent a line longer than the limit: more likely
/// a broken proxy or server than a real reply, so it is a server error (worth a retry).
fn line_too_long(too_long: LineTooLong) -> ApiError {
    ApiError {
        kind: ErrorKind::Server,
        message: format!(
            "The server sent a line longer than {} MiB without a line break; the reply was cut there.",
            too_long.limit / (1024 * 1024)
        ),
        status: None,
        code: None,
        param: None,
        retry_after: None,
    }
}

fn decode_data(data: &str, out: &mut Vec<StreamEvent>) {
    let data = data.trim();
    if data == "[DONE]" {
        out.push(StreamEvent::Done);
        return;
    }
    if data.is_empty() {
        return;
    }
    // A chunk is read once; only one that carries an error, or no reply at all (an
    // error object of another shape, a bare string), is read again as an error body.
    let chunk = serde_json::from_str::<Chunk>(data).ok();
    let maybe_error = chunk.as_ref().is_none_or(|c| {
        c.error.is_some() || (c.choices.is_empty() && c.usage.is_none() && c.x_groq.is_none())
    });
    if maybe_error {
        if let Ok(envelope) = serde_json::from_str::<ErrorEnvelope>(data) {
            out.push(StreamEvent::Error(ApiError::from_stream(envelope.error)));
            return;
        }
    }
    let Some(chunk) = chunk else {
        out.push(StreamEvent::Malformed(data.chars().take(200).collect()));
        return;
    };
    for choice in chunk.choices {
        if let Some(delta) = choice.delta {
            let thinking = delta.reasoning_content.or(delta.reasoning);
            if let Some(text) = thinking.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::Thinking(text));
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::Text(text));
            }
        }
        if let Some(reason) = choice.finish_reason {
            out.push(StreamEvent::Finish(reason));
        }
    }
    if let Some(usage) = chunk.usage.or(chunk.x_groq.and_then(|x| x.usage)) {
        out.push(StreamEvent::Usage(usage));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(body: &str) -> Vec<StreamEvent> {
        let mut d = ReplyDecoder::new();
        let mut out = d.feed(body.as_bytes());
        out.extend(d.finish());
        out
    }

    #[test]
    fn a_final_usage_chunk_with_empty_delta_adds_no_text() {
        let body = concat!(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n",
            "data: [DONE]\n\n",
        );
        assert_eq!(
            decode_all(body),
            [
                StreamEvent::Text("Hi".into()),
                StreamEvent::Finish("stop".into()),
                StreamEvent::Usage(Usage {
                    prompt_tokens: 5,
                    completion_tokens: 1,
                    total_tokens: 6,
                    reasoning_tokens: 0,
                }),
                StreamEvent::Done,
            ]
        );
    }

    #[test]
    fn reasoning_tokens_are_read_from_the_usage_details() {
        let body = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":300,\"total_tokens\":305,\"completion_tokens_details\":{\"reasoning_tokens\":256}}}\n\ndata: [DONE]\n\n";
        let events = decode_all(body);
        let Some(StreamEvent::Usage(usage)) = events.first() else {
            panic!("expected usage, got {events:?}");
        };
        let stored = serde_json::to_value(usage).unwrap();
        assert_eq!(stored["reasoning_tokens"], 256, "{stored}");
        assert_eq!(stored["completion_tokens"], 300);
    }

    #[test]
    fn usage_stored_before_reasoning_tokens_still_reads() {
        let old: Usage =
            serde_json::from_str(r#"{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#)
                .unwrap();
        assert_eq!(old.total_tokens, 3);
        let stored = serde_json::to_value(old).unwrap();
        assert!(stored.get("reasoning_tokens").is_none(), "{stored}");
    }

    #[test]
    fn an_error_inside_the_stream_ends_the_reply() {
        let body = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n";
        let events = decode_all(body);
        assert_eq!(events.len(), 2);
        match &events[1] {
            StreamEvent::Error(e) => {
                assert_eq!(e.kind, ErrorKind::Server);
                assert_eq!(e.message, "boom");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_reported_and_skipped() {
        let body = "data: {not json\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n";
        let events = decode_all(body);
        assert!(matches!(events[0], StreamEvent::Malformed(_)));
        assert_eq!(events[1], StreamEvent::Text("ok".into()));
    }

    #[test]
    fn a_line_that_never_ends_fails_the_reply_and_keeps_its_text() {
        let mut d = ReplyDecoder::new();
        let mut events =
            d.feed(b"data: {\"choices\":[{\"delta\":{\"content\":\"Partial\"}}]}\n\ndata: ");
        let megabyte = vec![b'x'; 1024 * 1024];
        for _ in 0..9 {
            events.extend(d.feed(&megabyte));
        }
        assert_eq!(events.len(), 2, "{:?}", &events[..events.len().min(3)]);
        assert_eq!(events[0], StreamEvent::Text("Partial".into()));
        match &events[1] {
            StreamEvent::Error(e) => {
                assert!(
                    e.message
                        .contains("a line longer than 8 MiB without a line break"),
                    "{}",
                    e.message
                );
                assert!(e.retryable());
            }
            other => panic!("expected an error, got {other:?}"),
        }
        assert!(d.is_done());
        assert!(d.feed(b"more\n\n").is_empty());
        assert!(d.finish().is_empty());
    }

    #[test]
    fn reasoning_in_either_field_is_thinking_and_never_text() {
        let body = concat!(
            ": OPENROUTER PROCESSING\n\n",
            "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"Let me \"}}]}\n\n",
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"delta\":{\"reasoning\":\"think.\",\"content\":null}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"Answer\",\"reasoning\":\"\"}}]}\n\n",
            "data: [DONE]\n\n",
        );
        assert_eq!(
            decode_all(body),
            [
                StreamEvent::Thinking("Let me ".into()),
                StreamEvent::Thinking("think.".into()),
                StreamEvent::Text("Answer".into()),
                StreamEvent::Done,
            ]
        );
    }

    #[test]
    fn groq_usage_under_x_groq_is_read() {
        let body = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"r\",\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}}\n\ndata: [DONE]\n\n";
        let events = decode_all(body);
        assert!(
            matches!(&events[1], StreamEvent::Usage(u) if u.prompt_tokens == 9 && u.total_tokens == 11),
            "{events:?}"
        );
    }

    #[test]
    fn an_openrouter_error_after_200_ends_the_reply_with_its_words() {
        let body = concat!(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Part\"}}]}\n\n",
            "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"provider\":\"P\",\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n",
        );
        let events = decode_all(body);
        assert_eq!(events[0], StreamEvent::Text("Part".into()));
        match &events[1] {
            StreamEvent::Error(e) => assert_eq!(e.message, "Provider disconnected"),
            other => panic!("expected an error, got {other:?}"),
        }
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn nothing_after_done_is_read() {
        let events =
            decode_all("data: [DONE]\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n");
        assert_eq!(events, [StreamEvent::Done]);
    }
}
