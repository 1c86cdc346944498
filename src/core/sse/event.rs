//! Event assembly from lines.
//!
//! The grammar (WHATWG HTML, "Server-sent events", §9.2.5–9.2.6):
//!
//! ```text
//! stream  = [ bom ] *event
//! event   = *( comment / field ) end-of-line
//! comment = colon *any-char end-of-line
//! field   = 1*name-char [ colon [ space ] *any-char ] end-of-line
//! ```
//!
//! A `data` field appends its value and a newline to the data buffer; an empty line
//! dispatches the event (without the last newline) unless the buffer is empty; `event`
//! sets the type; `id` and `retry` do not matter for a one-shot request and are ignored.

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The `event:` field, empty when absent (the spec's default type is "message").
    pub kind: String,
    pub data: String,
}

/// Turns lines into events.
#[derive(Debug, Default)]
pub struct EventParser {
    kind: String,
    data: String,
    has_data: bool,
}

impl EventParser {
    /// Takes one line (without its end); returns the event a blank line completes.
    pub fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            return self.dispatch();
        }
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if line.starts_with(':') {
            return None;
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match name {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.kind = value.to_string(),
            _ => {}
        }
        None
    }

    /// Ends the stream, delivering an event that had no closing blank line.
    pub fn finish(&mut self) -> Option<Event> {
        self.dispatch()
    }

    fn dispatch(&mut self) -> Option<Event> {
        let kind = std::mem::take(&mut self.kind);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(Event {
            kind,
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> Vec<Event> {
        let mut p = EventParser::default();
        let mut out: Vec<Event> = lines.iter().filter_map(|l| p.line(l)).collect();
        out.extend(p.finish());
        out
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored() {
        let e = parse(&[": keepalive", "id: 7", "retry: 10", "data: x", ""]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].data, "x");
    }

    #[test]
    fn one_leading_space_is_removed_and_others_kept() {
        assert_eq!(parse(&["data:  two", ""])[0].data, " two");
        assert_eq!(parse(&["data:none", ""])[0].data, "none");
    }

    #[test]
    fn event_type_is_reported_and_reset() {
        let e = parse(&["event: error", "data: {}", "", "data: y", ""]);
        assert_eq!(e[0].kind, "error");
        assert_eq!(e[1].kind, "");
    }

    #[test]
    fn blank_lines_without_data_dispatch_nothing() {
        assert!(parse(&["", "", "event: x", ""]).is_empty());
    }

    #[test]
    fn empty_data_field_is_an_event() {
        assert_eq!(parse(&["data", ""])[0].data, "");
    }
}
