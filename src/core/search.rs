//! Finding text in conversations: case-insensitive matches and the excerpts and
//! highlights shown for them.

/// Splits `text` into runs, each marked whether it matches `needle`, for highlighting.
/// Matching ignores case (see [`fold`]); the runs keep the original text, cut only
/// between its characters, and concatenate back to it.
pub fn highlight(text: &str, needle: &str) -> Vec<(String, bool)> {
    let needle = fold(needle);
    if needle.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let folded = Folded::new(text);
    let mut runs = Vec::new();
    let mut at = 0;
    for (start, end) in folded.matches(&needle) {
        // A match may begin inside what a character lowercases to (the dot of 'İ'):
        // the previous match may already have taken that character.
        let start = start.max(at);
        if start == end {
            continue;
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

/// Up to `radius` characters either side of the first match of `needle` in `text`
/// (ignoring case, see [`fold`]), with "…" where it was cut; `None` when it does not
/// match.
pub fn excerpt(text: &str, needle: &str, radius: usize) -> Option<String> {
    let needle = fold(needle);
    let (start, end) = Folded::new(text).matches(&needle).next()?;
    let before = match radius.checked_sub(1) {
        None => start,
        Some(skip) => text[..start]
            .char_indices()
            .rev()
            .nth(skip)
            .map_or(0, |(byte, _)| byte),
    };
    let after = text[end..]
        .char_indices()
        .nth(radius)
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

/// Whether `text` contains `needle`, ignoring case as [`highlight`] does.
pub fn contains(text: &str, needle: &str) -> bool {
    fold(text).contains(&fold(needle))
}

/// A cheap look at a stored conversation's JSON text before decoding it: false only when
/// it cannot hold `needle`. JSON escapes quotes, backslashes and control characters, so
/// a needle with one of those is always looked for in the decoded text instead.
pub fn stored_may_contain(json: &str, needle: &str) -> bool {
    needle
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
        || contains(json, needle)
}

/// `text` as search compares it: every character lowercased on its own, and the final
/// sigma 'ς' read as 'σ' (a capital 'Σ' lowercases to either, by position).
///
/// A character's lowercase may differ in byte length ('Ⱥ' 2 → 'ⱥ' 3, 'K' 3 → 'k' 1) and
/// in character count ('İ' → "i̇"), so positions in the folded text are never used on
/// the original; [`Folded`] maps them back.
pub fn fold(text: &str) -> String {
    text.chars().flat_map(fold_char).collect()
}

fn fold_char(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
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
mod tests {
    use super::*;

    #[test]
    fn titles_and_stored_text_are_compared_as_highlight_compares() {
        assert!(contains("ΟΔΟΣ", "οδοσ"), "a final sigma matches a sigma");
        assert!(contains("ȺȺ\u{212A}", "k"));
        assert!(!contains("tea", "coffee"));
        let stored = serde_json::json!({ "content": "She said \"hi\" and left\\" }).to_string();
        assert!(
            stored_may_contain(&stored, "\"hi\""),
            "quotes are escaped in JSON"
        );
        assert!(stored_may_contain(&stored, "LEFT\\"), "so are backslashes");
        assert!(stored_may_contain(&stored, "SHE SAID"));
        assert!(!stored_may_contain(&stored, "goodbye"));
    }

    #[test]
    fn highlights_every_match_ignoring_case() {
        assert_eq!(
            highlight("Tea and TEA", "tea"),
            [
                ("Tea".to_string(), true),
                (" and ".to_string(), false),
                ("TEA".to_string(), true)
            ]
        );
        assert_eq!(highlight("x", ""), [("x".to_string(), false)]);
    }

    #[test]
    fn excerpts_cut_around_the_match() {
        assert_eq!(
            excerpt("one two three four", "three", 4),
            Some("…two three fou…".into())
        );
        assert_eq!(excerpt("short", "sh", 10), Some("short".into()));
        assert_eq!(excerpt("nothing", "zzz", 5), None);
        assert_eq!(
            excerpt("a long way to go", "way", 3),
            Some("…ng way to…".into())
        );
        assert_eq!(excerpt("line\nbreak", "break", 0), Some("…break".into()));
        assert_eq!(excerpt("", "", 3), Some("".into()));
    }

    #[test]
    fn a_kelvin_sign_after_letters_that_grow_when_lowercased_is_highlighted_whole() {
        // 'Ⱥ' is 2 bytes and its lowercase 'ⱥ' 3; the Kelvin sign is 3 bytes and its
        // lowercase 'k' 1: the lowercase text has the same byte length, cut elsewhere.
        let text = "ȺȺ\u{212A}";
        assert_eq!(
            highlight(text, "k"),
            [("ȺȺ".to_string(), false), ("\u{212A}".to_string(), true)]
        );
        assert_eq!(excerpt(text, "k", 1), Some("…Ⱥ\u{212A}".into()));
    }

    #[test]
    fn matches_map_back_onto_whole_characters() {
        // 'İ' lowercases to two characters ("i" and a combining dot): a match on either
        // marks the whole 'İ'.
        assert_eq!(
            highlight("xİy", "i"),
            [
                ("x".to_string(), false),
                ("İ".to_string(), true),
                ("y".to_string(), false)
            ]
        );
        assert_eq!(
            highlight("Straẞe STRASSE", "straß"),
            [
                ("Straẞ".to_string(), true),
                ("e STRASSE".to_string(), false)
            ]
        );
        assert_eq!(
            highlight("ΟΔΟΣ", "οδος"),
            [("ΟΔΟΣ".to_string(), true)],
            "a final sigma matches a capital sigma"
        );
        assert_eq!(excerpt("aİİİİb", "b", 2), Some("…İİb".into()));
        assert_eq!(excerpt("İİİİb", "\u{307}", 1), Some("İİ…".into()));
        assert_eq!(highlight("x", "\u{212A}"), [("x".to_string(), false)]);
        assert_eq!(highlight("kK", "\u{212A}")[1], ("K".to_string(), true));
    }
}
