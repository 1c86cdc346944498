//! Finding text in conversations: case-insensitive matches and the excerpts and
//! highlights shown for them.

/// Splits `text` into runs, each marked whether it matches `needle` (already lowercase),
/// for highlighting. Matching ignores case; the runs keep the original text.
pub fn highlight(text: &str, needle: &str) -> Vec<(String, bool)> {
    if needle.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let lower = text.to_lowercase();
    // Lowercasing can change byte lengths (e.g. 'İ'); fall back to no highlight then.
    if lower.len() != text.len() {
        return vec![(text.to_string(), false)];
    }
    let mut runs = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(needle) {
        let start = at + found;
        let end = start + needle.len();
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

/// Up to `radius` characters around the first match of `needle` (lowercase) in `text`,
/// with "…" where it was cut; `None` when it does not match.
pub fn excerpt(text: &str, needle: &str, radius: usize) -> Option<String> {
    let lower = text.to_lowercase();
    let byte = lower.find(needle)?;
    let chars: Vec<char> = text.chars().collect();
    // The character index of the match (lowercasing may shift bytes, not characters for
    // most scripts; clamp to be safe).
    let at = lower[..byte].chars().count().min(chars.len());
    let start = at.saturating_sub(radius);
    let end = (at + needle.chars().count() + radius).min(chars.len());
    let mut out: String = chars[start..end]
        .iter()
        .collect::<String>()
        .replace('\n', " ");
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
