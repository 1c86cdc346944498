//! Server-sent events, parsed incrementally from raw bytes.
//!
//! Split by concern: [`lines`] finds line ends in a byte stream whose chunks may break
//! anywhere, [`event`] assembles lines into events following the WHATWG grammar.
//! Line ends (`\r`, `\n`) are ASCII and never occur inside a multi-byte UTF-8 sequence,
//! so lines are cut from bytes first and decoded only once complete: a character split
//! across two chunks is reassembled for free.

pub mod event;
pub mod lines;

pub use event::{Event, EventParser};
pub use lines::{LineSplitter, LineTooLong, MAX_LINE_BYTES};

/// Bytes in, events out.
#[derive(Debug, Default)]
pub struct SseDecoder {
    lines: LineSplitter,
    events: EventParser,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder that accepts lines of at most `max_line` bytes.
    pub fn with_max_line(max_line: usize) -> Self {
        SseDecoder {
            lines: LineSplitter::with_max_line(max_line),
            events: EventParser::default(),
        }
    }

    /// Feeds the next chunk and returns, in order, the events it completed. A line longer
    /// than the limit ends the stream: it comes last, as an error, and nothing is decoded
    /// after it (the event it was part of is lost).
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Result<Event, LineTooLong>> {
        let mut out = Vec::new();
        let events = &mut self.events;
        let fed = self.lines.feed(chunk, |line| {
            if let Some(event) = events.line(&String::from_utf8_lossy(line)) {
                out.push(Ok(event));
            }
        });
        if let Err(too_long) = fed {
            self.events = EventParser::default();
            out.push(Err(too_long));
        }
        out
    }

    /// Ends the stream: a last line without a line end, and an event not followed by a
    /// blank line, are still delivered (servers that close early are common).
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        if let Some(line) = self.lines.finish() {
            if let Some(event) = self.events.line(&String::from_utf8_lossy(&line)) {
                out.push(event);
            }
        }
        out.extend(self.events.finish());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    /// The events of `chunks` fed in turn, then the end of the stream.
    fn decode(d: &mut SseDecoder, chunks: &[&[u8]]) -> Vec<Event> {
        let mut out: Vec<Event> = chunks
            .iter()
            .flat_map(|c| d.feed(c))
            .map(|e| e.expect("no line is too long"))
            .collect();
        out.extend(d.finish());
        out
    }

    #[test]
    fn splits_anywhere_give_the_same_events() {
        let stream = "data: héllo 🙂\r\n\r\n: keepalive\n\nevent: message\ndata: a\ndata: b\r\r";
        let bytes = stream.as_bytes();
        let whole = decode(&mut SseDecoder::new(), &[bytes]);
        assert_eq!(data(&whole), ["héllo 🙂", "a\nb"]);
        for cut in 0..=stream.len() {
            let e = decode(&mut SseDecoder::new(), &[&bytes[..cut], &bytes[cut..]]);
            assert_eq!(e, whole, "split at byte {cut}");
        }
    }

    #[test]
    fn an_event_without_a_final_blank_line_is_delivered_at_the_end() {
        let mut d = SseDecoder::new();
        assert!(d.feed(b"data: last").is_empty());
        assert_eq!(data(&d.finish()), ["last"]);
    }

    #[test]
    fn a_line_too_long_comes_after_the_events_before_it_and_ends_the_stream() {
        let mut d = SseDecoder::with_max_line(10);
        let limit = LineTooLong { limit: 10 };
        let e = d.feed(b"data: a\n\ndata: b\ndata: 0123456789");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].as_ref().map(|e| e.data.as_str()), Ok("a"));
        assert_eq!(e[1], Err(limit));
        assert!(d.feed(b"\n\ndata: c\n\n").is_empty());
        assert!(d.finish().is_empty(), "the event it was part of is lost");
    }
}
