//! Finding text in conversations: matches that ignore case and accents, and the
//! excerpts and highlights shown for them.

pub mod fold;

pub use fold::fold;
use fold::fold_char;

/// Splits `text` into runs, each marked whether it matches `needle`, for highlighting.
/// Matching ignores case and accents (see [`fold`]); the runs keep the original text,
/// cut only between its characters, and concatenate back to it. A match takes in the
/// combining accents that follow it, and matches that touch make one run.
pub fn highlight(text: &str, needle: &str) -> Vec<(String, bool)> {
    let needle = fold(needle);
    if needle.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let folded = Folded::new(text);
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut at = 0;
    for (start, end) in folded.matches(&needle) {
        // A match may begin inside what a character folds to (the second 'f' of 'ﬀ'):
        // the previous match may already have taken that character.
        let start = start.max(at);
        if start == end {
            continue;
        }
        if start == at {
            if let Some((run, true)) = runs.last_mut() {
                // What is left may be only accents, which fold to nothing: they belong
                // with the match before.
                run.push_str(&text[start..end]);
                at = end;
                continue;
            }
        }
        if start > at {
            runs.push((text[at..start].to_string(), false));
        }
        runs.push((text[start..end].to_string(), true));
        at = end;
    }
    if at < text.len() {
        runs.push((text[at..].to_string(), false));
    }
    runs
}

/// The first match of `needle` in `text` (ignoring case and accents, see [`fold`]) with
/// up to `lead` characters before it and `tail` after, and "…" where it was cut; `None`
/// when it does not match.
pub fn excerpt(text: &str, needle: &str, lead: usize, tail: usize) -> Option<String> {
    let needle = fold(needle);
    let (start, end) = Folded::new(text).matches(&needle).next()?;
    let before = match lead.checked_sub(1) {
        None => start,
        Some(skip) => text[..start]
            .char_indices()
            .rev()
            .nth(skip)
            .map_or(0, |(byte, _)| byte),
    };
    let after = text[end..]
        .char_indices()
        .nth(tail)
        .map_or(text.len(), |(byte, _)| end + byte);
    let mut out = String::with_capacity(after - before + 8);
    if before > 0 {
        out.push('…');
    }
    out.push_str(&text[before..after].replace('\n', " "));
    if after < text.len() {
        out.push('…');
    }
    Some(out)
}

/// Whether `text` contains `needle`, ignoring case and accents as [`highlight`] does.
pub fn contains(text: &str, needle: &str) -> bool {
    fold(text).contains(&fold(needle))
}

/// A cheap look at a stored conversation's JSON text before decoding it: false only when
/// it cannot hold `needle`. Folding goes character by character, so text that JSON
/// holds as it is still matches inside it. JSON escapes quotes, backslashes and control
/// characters, so a needle with one of those is always looked for in the decoded text
/// instead; so is any needle when the JSON escapes other characters (`\u00e9` for 'é',
/// `\/` for '/'), as other writers than Mnemo's may.
pub fn stored_may_contain(json: &str, needle: &str) -> bool {
    needle
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
        || json.contains("\\u")
        || json.contains("\\/")
        || contains(json, needle)
}

/// A text folded for search, with the way back from folded positions to its own.
struct Folded<'a> {
    text: &'a str,
    folded: String,
}

impl<'a> Folded<'a> {
    fn new(text: &'a str) -> Self {
        Folded {
            text,
            folded: fold(text),
        }
    }

    /// The matches of `needle` (folded, not empty) as byte ranges of the original text,
    /// widened to whole characters, in order.
    fn matches<'s>(&'s self, needle: &'s str) -> impl Iterator<Item = (usize, usize)> + 's {
        // One walk over the original characters, alongside the folded text: each comes
        // with its byte range in the original and the byte range of its folded form.
        let mut chars = self
            .text
            .char_indices()
            .scan(0, |folded_at, (byte, c)| {
                let folded_start = *folded_at;
                *folded_at += fold_char(c).map(char::len_utf8).sum::<usize>();
                Some(Span {
                    start: byte,
                    end: byte + c.len_utf8(),
                    folded_start,
                    folded_end: *folded_at,
                })
            })
            .peekable();
        self.folded
            .match_indices(needle)
            .map(move |(folded_start, found)| {
                let folded_end = folded_start + found.len();
                // The first character whose folded form reaches into the match…
                while chars.next_if(|c| c.folded_end <= folded_start).is_some() {}
                // (Only an empty needle matches past the last character.)
                let start = chars.peek().map_or(self.text.len(), |c| c.start);
                // …through the last one: those wholly inside are passed, and one the
                // match ends within is included but kept for the next match.
                let mut end = start;
                while let Some(inside) = chars.next_if(|c| c.folded_end <= folded_end) {
                    end = inside.end;
                }
                if let Some(last) = chars.peek().filter(|c| c.folded_start < folded_end) {
                    end = last.end;
                }
                (start, end)
            })
    }
}

/// Where one character of the original text lies, and where its folded form lies.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    folded_start: usize,
    folded_end: usize,
}

#[cfg(test)]
mod tests;
