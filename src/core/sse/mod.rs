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
pub use lines::LineSplitter;

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

    /// Feeds the next chunk and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        let events = &mut self.events;
        self.lines.feed(chunk, |line| {
            if let Some(event) = events.line(&String::from_utf8_lossy(line)) {
                out.push(event);
            }
        });
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

    #[test]
    fn splits_anywhere_give_the_same_events() {
        let stream = "data: héllo 🙂\r\n\r\n: keepalive\n\nevent: message\ndata: a\ndata: b\r\r";
        let whole = {
            let mut d = SseDecoder::new();
            let mut e = d.feed(stream.as_bytes());
            e.extend(d.finish());
            e
        };
        assert_eq!(data(&whole), ["héllo 🙂", "a\nb"]);
        for cut in 0..=stream.len() {
            let mut d = SseDecoder::new();
            let mut e = d.feed(&stream.as_bytes()[..cut]);
            e.extend(d.feed(&stream.as_bytes()[cut..]));
            e.extend(d.finish());
            assert_eq!(e, whole, "split at byte {cut}");
        }
    }

    #[test]
    fn an_event_without_a_final_blank_line_is_delivered_at_the_end() {
        let mut d = SseDecoder::new();
        assert!(d.feed(b"data: last").is_empty());
        assert_eq!(data(&d.finish()), ["last"]);
    }
}
