//! What search compares: text lowercased and stripped of its accents, character by
//! character, so "resume" finds "Résumé" and "lodz" finds "Łódź".
//!
//! A hand-kept table rather than Unicode normalisation: the decomposition tables would
//! cost the app shell more than its size budget has left, and search needs only the
//! letters people type without their accents.

/// `text` as search compares it: every character lowercased and stripped of its accents
/// on its own ([`fold_char`]).
///
/// A character's folded form may differ in byte length ('Ⱥ' 2 → 'ⱥ' 3, 'K' 3 → 'k' 1),
/// in character count ('İ' → "i"), or be empty (a combining accent), so positions in the
/// folded text are never used on the original; `Folded` maps them back.
pub fn fold(text: &str) -> String {
    text.chars().flat_map(fold_char).collect()
}

/// One character as search compares it: lowercased, then each character of that without
/// its accents; the final sigma 'ς' is read as 'σ' (a capital 'Σ' lowercases to either,
/// by position).
pub(super) fn fold_char(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().filter_map(without_accents)
}

/// `c` (already lowercase) without its accents; `None` for a combining accent.
fn without_accents(c: char) -> Option<char> {
    Some(match c {
        // Combining Diacritical Marks: the accents of decomposed text ("e\u{301}").
        '\u{300}'..='\u{36F}' => return None,
        '\u{C0}'..='\u{24F}' => base_letter(LATIN, 0xC0, c),
        '\u{1E00}'..='\u{1EFF}' => base_letter(LATIN_ADDITIONAL, 0x1E00, c),
        'ς' => 'σ',
        // Greek with tonos or dialytika.
        'ά' => 'α',
        'έ' => 'ε',
        'ή' => 'η',
        'ί' | 'ϊ' | 'ΐ' => 'ι',
        'ό' => 'ο',
        'ύ' | 'ϋ' | 'ΰ' => 'υ',
        'ώ' => 'ω',
        _ => c,
    })
}

/// The letter `table` gives for `c`, whose range starts at `first`; `c` itself where the
/// table has '.'.
fn base_letter(table: &[u8], first: u32, c: char) -> char {
    match table.get((u32::from(c) - first) as usize) {
        Some(&b) if b != b'.' => char::from(b),
        _ => c,
    }
}

/// The base letter of every code point from U+00C0 to U+024F (Latin-1 Supplement
/// letters, Latin Extended-A and -B), lowercase, 32 to a line; '.' where there is none
/// ('Æ', 'ß', '×', …). From the Unicode canonical decompositions (the first character of
/// each one), plus the letters with a stroke or hook that have none ('ø', 'đ', 'ł', 'ħ').
const LATIN: &[u8] = b"\
    aaaaaa.ceeeeiiii.nooooo.ouuuuy..\
    aaaaaa.ceeeeiiii.nooooo.ouuuuy.y\
    aaaaaaccccccccddddeeeeeeeeeegggg\
    gggghhhhiiiiiiii....jjkk.lllllll\
    lllnnnnnn...oooooo..rrrrrrssssss\
    ssttttttuuuuuuuuuuuuwwyyyzzzzzz.\
    bb.....cc.d........g...ikkl..n..\
    oo..pp.....ttt.uu..yyzz.........\
    .............aaiioouuuuuuuuuu.aa\
    aa..ggggkkoooo..j...gg..nnaa..oo\
    aaaaeeeeiiiioooorrrruuuusstt..hh\
    .d..zzaaeeooooooooyylnt....ccl..\
    ...bu.eejj..rryy";

/// The same for U+1E00 to U+1EFF (Latin Extended Additional: Vietnamese, Welsh, and the
/// letters with a dot below).
const LATIN_ADDITIONAL: &[u8] = b"\
    aabbbbbbccddddddddddeeeeeeeeeeff\
    gghhhhhhhhhhiiiikkkkkkllllllllmm\
    mmmmnnnnnnnnoooooooopppprrrrrrrr\
    ssssssssssttttttttuuuuuuuuuuvvvv\
    wwwwwwwwwwxxxxyyzzzzzzhtwy......\
    aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee\
    eeeeeeeeiiiioooooooooooooooooooo\
    oooouuuuuuuuuuuuuuyyyyyyyy......";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_cover_their_ranges_exactly() {
        assert_eq!(LATIN.len(), 0x250 - 0xC0);
        assert_eq!(LATIN_ADDITIONAL.len(), 0x100);
        assert!(LATIN
            .iter()
            .chain(LATIN_ADDITIONAL)
            .all(|&b| b == b'.' || b.is_ascii_lowercase()));
    }

    #[test]
    fn accented_letters_lose_their_accents_in_either_case() {
        assert_eq!(fold("ÀÉÎÕÜÇÑÝŸ àéîõüçñýÿ"), "aeioucnyy aeioucnyy");
        assert_eq!(
            fold("ĀăĄćČďĐěĞħĪĴĶĹŁńŇőŘśŠŧŮűŹżŽ"),
            "aaaccddeghijkllnnorsstuuzzz"
        );
        assert_eq!(fold("ǍǏǑǓǛȘȚơư"), "aiouustou");
        assert_eq!(fold("Tiếng Việt ḌḤṢṬẒ ẞ"), "tieng viet dhstz ß");
        assert_eq!(fold("ΆΈΉΊΌΎΏ ΪΫ ΐΰ"), "αεηιουω ιυ ιυ");
        assert_eq!(
            fold("ØÆßŒ×÷"),
            "oæßœ×÷",
            "only accents go, not ligatures or signs"
        );
        assert_eq!(fold("e\u{301}\u{308}"), "e");
        assert_eq!(fold("İ"), "i", "the dot above 'I' is an accent too");
    }
}
