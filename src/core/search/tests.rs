//! Tests of `core::search`.

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
fn a_search_without_accents_finds_accented_text() {
    assert!(contains("Résumé", "resume"), "a title");
    assert!(contains("Mon CV: un résumé de deux pages", "RESUME"));
    assert!(contains("résumé", "résumé"), "accents typed match too");
    assert!(contains("Łódź", "lodz"), "letters with a stroke too");
    for (text, needle) in [
        ("Dvořák", "dvorak"),
        ("Nguyễn", "nguyen"),
        ("FAÇADE", "facade"),
        ("Ærø", "æro"),
        ("Αθήνα", "αθηνα"),
        ("re\u{301}sume\u{301}", "resume"),
    ] {
        assert!(contains(text, needle), "{text} holds {needle}");
    }
    assert!(
        contains("resume", "résumé"),
        "accents typed in the search are dropped too"
    );
    assert!(!contains("Résumé", "resumes"));
    assert_eq!(
        excerpt("Here is my résumé, two pages", "RESUME", 3, 3),
        Some("…my résumé, t…".into())
    );
}

#[test]
fn an_accented_match_is_highlighted_whole() {
    assert_eq!(
        highlight("My Résumé", "resume"),
        [("My ".to_string(), false), ("Résumé".to_string(), true)]
    );
    // Combining accents belong to the letter they follow.
    assert_eq!(
        highlight("Re\u{301}sume\u{301}!", "resume"),
        [
            ("Re\u{301}sume\u{301}".to_string(), true),
            ("!".to_string(), false)
        ]
    );
    assert_eq!(
        highlight("café", "e"),
        [("caf".to_string(), false), ("é".to_string(), true)]
    );
}

#[test]
fn stored_text_with_accents_or_escapes_is_never_ruled_out() {
    let raw = serde_json::json!({ "title": "Résumé" }).to_string();
    assert!(raw.contains("Résumé"), "serde_json keeps UTF-8 as it is");
    assert!(stored_may_contain(&raw, "resume"));
    let escaped = r#"{"title":"R\u00e9sum\u00e9"}"#;
    assert!(stored_may_contain(escaped, "resume"));
    assert!(stored_may_contain(escaped, "résumé"));
    let slash = r#"{"content":"either\/or"}"#;
    assert!(stored_may_contain(slash, "either/or"));
    assert!(!stored_may_contain(&raw, "cover letter"));
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
        excerpt("one two three four", "three", 4, 4),
        Some("…two three fou…".into())
    );
    // Fewer before than after: the match stays near the start of a narrow row.
    assert_eq!(
        excerpt("one two three four five", "three", 2, 5),
        Some("…o three four…".into())
    );
    assert_eq!(excerpt("short", "sh", 10, 10), Some("short".into()));
    assert_eq!(excerpt("nothing", "zzz", 5, 5), None);
    assert_eq!(
        excerpt("a long way to go", "way", 3, 3),
        Some("…ng way to…".into())
    );
    assert_eq!(excerpt("line\nbreak", "break", 0, 0), Some("…break".into()));
    assert_eq!(excerpt("", "", 3, 3), Some("".into()));
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
    assert_eq!(excerpt(text, "k", 1, 1), Some("…Ⱥ\u{212A}".into()));
}

#[test]
fn matches_map_back_onto_whole_characters() {
    // 'İ' lowercases to two characters, "i" and a combining dot (an accent, which search
    // drops): a match on the "i" marks the whole 'İ'.
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
    assert_eq!(excerpt("aİİİİb", "b", 2, 2), Some("…İİb".into()));
    assert_eq!(excerpt("İİİİb", "ii", 1, 1), Some("İİİ…".into()));
    assert_eq!(highlight("x", "\u{212A}"), [("x".to_string(), false)]);
    assert_eq!(
        highlight("kK", "\u{212A}"),
        [("kK".to_string(), true)],
        "matches that touch make one run"
    );
}
