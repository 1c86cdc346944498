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
//!
//! A line is held until its end arrives, so a server that never sends one would make the
//! buffer grow without bound: past [`MAX_LINE_BYTES`] the splitter gives up instead.

/// The longest line accepted: 8 MiB, far more than any chunk of a streamed reply (a few
/// hundred bytes of JSON) or any error body a server sends.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// A line grew past the limit without a line end. The stream cannot be read further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTooLong {
    /// The limit in bytes.
    pub limit: usize,
}

/// Cuts a byte stream into lines, whatever the chunk boundaries.
#[derive(Debug)]
pub struct LineSplitter {
    partial: Vec<u8>,
    after_cr: bool,
    max_line: usize,
    /// A line was too long: nothing more is read.
    failed: bool,
}

impl Default for LineSplitter {
    fn default() -> Self {
        Self::with_max_line(MAX_LINE_BYTES)
    }
}

impl LineSplitter {
    /// A splitter that accepts lines of at most `max_line` bytes (without their end).
    pub fn with_max_line(max_line: usize) -> Self {
        LineSplitter {
            partial: Vec::new(),
            after_cr: false,
            max_line,
            failed: false,
        }
    }

    /// Feeds a chunk, calling `on_line` with every line it completes (without its end).
    ///
    /// # Errors
    /// [`LineTooLong`] as soon as a line, complete or not, is longer than the limit: the
    /// lines before it have been delivered, the buffer is freed, and every later chunk is
    /// ignored. It is returned once.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        mut on_line: impl FnMut(&[u8]),
    ) -> Result<(), LineTooLong> {
        if self.failed {
            return Ok(());
        }
        let mut rest = chunk;
        if self.after_cr {
            self.after_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let line = &rest[..end];
            self.check(line.len())?;
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
        self.check(rest.len())?;
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    /// Whether `more` bytes fit on the current line; gives up when they do not.
    fn check(&mut self, more: usize) -> Result<(), LineTooLong> {
        if self.partial.len().saturating_add(more) <= self.max_line {
            return Ok(());
        }
        self.failed = true;
        self.partial = Vec::new();
        Err(LineTooLong {
            limit: self.max_line,
        })
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
            s.feed(c, |l| out.push(String::from_utf8_lossy(l).into_owned()))
                .unwrap();
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

    /// What a splitter with a limit of `max` bytes gives for `chunks`: lines, then
    /// "<too long>" where it gave up.
    fn split_limited(max: usize, chunks: &[&[u8]]) -> Vec<String> {
        let mut s = LineSplitter::with_max_line(max);
        let mut out = Vec::new();
        for c in chunks {
            let fed = s.feed(c, |l| out.push(String::from_utf8_lossy(l).into_owned()));
            assert!(s.partial.len() <= max, "the buffer stays within the limit");
            if let Err(e) = fed {
                assert_eq!(e, LineTooLong { limit: max });
                out.push("<too long>".into());
            }
        }
        out.extend(s.finish().map(|l| String::from_utf8_lossy(&l).into_owned()));
        out
    }

    #[test]
    fn a_line_without_an_end_stops_at_the_limit() {
        assert_eq!(
            split_limited(4, &[b"ab\nabcd\n", b"abc", b"de", b"fgh\nmore\n"]),
            ["ab", "abcd", "<too long>"]
        );
        assert_eq!(
            split_limited(4, &[b"abcd"]),
            ["abcd"],
            "the limit itself fits"
        );
    }

    #[test]
    fn a_long_line_is_refused_at_every_split_point() {
        let stream = b"a\r\nbcdef\nx\n";
        for cut in 0..=stream.len() {
            assert_eq!(
                split_limited(4, &[&stream[..cut], &stream[cut..]]),
                ["a", "<too long>"],
                "split at byte {cut}"
            );
        }
    }
}
