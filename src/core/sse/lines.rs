//! Line splitting for a byte stream.
//!
//! The grammar (WHATWG HTML, "Server-sent events", §9.2.5):
//!
//! ```text
//! end-of-line = ( cr lf / cr / lf )
//! ```
//!
//! A chunk may end between `\r` and `\n`; the splitter remembers the `\r` so the `\n`
//! that starts the next chunk does not produce an extra empty line.

/// Cuts a byte stream into lines, whatever the chunk boundaries.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    after_cr: bool,
}

impl LineSplitter {
    /// Feeds a chunk, calling `on_line` with every line it completes (without its end).
    pub fn feed(&mut self, chunk: &[u8], mut on_line: impl FnMut(&[u8])) {
        let mut rest = chunk;
        if self.after_cr {
            self.after_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let line = &rest[..end];
            if self.partial.is_empty() {
                on_line(line);
            } else {
                self.partial.extend_from_slice(line);
                on_line(&self.partial);
                self.partial.clear();
            }
            if rest[end] == b'\r' {
                match rest.get(end + 1) {
                    Some(b'\n') => rest = &rest[end + 2..],
                    Some(_) => rest = &rest[end + 1..],
                    None => {
                        self.after_cr = true;
                        rest = &[];
                    }
                }
            } else {
                rest = &rest[end + 1..];
            }
        }
        self.partial.extend_from_slice(rest);
    }

    /// The unterminated last line, if the stream ended without a line end.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        self.after_cr = false;
        if self.partial.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.partial))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<String> {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c, |l| out.push(String::from_utf8_lossy(l).into_owned()));
        }
        out.extend(s.finish().map(|l| String::from_utf8_lossy(&l).into_owned()));
        out
    }

    #[test]
    fn cr_lf_and_crlf_all_end_lines() {
        assert_eq!(split(&[b"a\rb\nc\r\nd"]), ["a", "b", "c", "d"]);
    }

    #[test]
    fn crlf_split_across_chunks_is_one_line_end() {
        assert_eq!(split(&[b"a\r", b"\nb\r", b"\r\n"]), ["a", "b", ""]);
    }

    #[test]
    fn blank_lines_are_kept() {
        assert_eq!(split(&[b"a\n\nb\n"]), ["a", "", "b"]);
    }
}
