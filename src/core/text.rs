//! Editing text the way the browser addresses it: text fields count positions in UTF-16
//! code units, Rust strings in bytes.

/// The byte offset in `text` of the UTF-16 position `units`, clamped to the text and
/// moved back to the start of a character split in two (a surrogate pair).
pub fn byte_offset_of_utf16(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (byte, c) in text.char_indices() {
        let next = seen + c.len_utf16() as u32;
        if next > units {
            return byte;
        }
        seen = next;
    }
    text.len()
}

/// `text` with the UTF-16 range `start..end` (a text field's selection) replaced by
/// `insert`. An inverted range is read the other way round.
pub fn splice_utf16(text: &str, start: u32, end: u32, insert: &str) -> String {
    let (start, end) = (start.min(end), start.max(end));
    let (from, to) = (
        byte_offset_of_utf16(text, start),
        byte_offset_of_utf16(text, end),
    );
    let mut out = String::with_capacity(text.len() - (to - from) + insert.len());
    out.push_str(&text[..from]);
    out.push_str(insert);
    out.push_str(&text[to..]);
    out
}

/// `value` with exactly `decimals` digits after the point, rounded half away from zero
/// ("–" when it is not a number). Integer arithmetic: the app shell never links the
/// standard library's float formatting, which would cost several KB of wasm.
pub fn fixed(value: f64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals.min(9));
    let scaled = (value.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= u64::MAX as f64 {
        return "–".to_string();
    }
    let n = scaled as u64;
    let mut out = String::new();
    if value < 0.0 && n > 0 {
        out.push('-');
    }
    out.push_str(&(n / scale).to_string());
    if decimals > 0 {
        let frac = (n % scale).to_string();
        out.push('.');
        out.extend(std::iter::repeat_n(
            '0',
            decimals.min(9) as usize - frac.len(),
        ));
        out.push_str(&frac);
    }
    out
}

/// `value` as a short decimal: at most six digits after the point, without trailing
/// zeros ("0.7", "2.5", "12"). For form fields, in place of `f32`/`f64`'s `Display`.
pub fn decimal(value: f64) -> String {
    let text = fixed(value, 6);
    if !text.contains('.') {
        return text;
    }
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" { "0" } else { trimmed }.to_string()
}

/// A plain decimal number such as "0.7", "-2", "1.25" or ".5" (no exponent, no "inf" or
/// "NaN"); `None` for anything else. In place of `str::parse::<f64>`, whose general
/// algorithm the app shell does not need.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut value = 0.0f64;
    for b in whole.bytes() {
        value = value * 10.0 + f64::from(b - b'0');
    }
    let mut scale = 1.0f64;
    let mut part = 0.0f64;
    for b in fraction.bytes().take(17) {
        part = part * 10.0 + f64::from(b - b'0');
        scale *= 10.0;
    }
    let value = value + part / scale;
    value
        .is_finite()
        .then_some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_read_and_write_without_float_formatting() {
        use super::{decimal, parse_decimal};
        assert_eq!(decimal(f64::from(0.7f32)), "0.7");
        assert_eq!(decimal(2.5), "2.5");
        assert_eq!(decimal(12.0), "12");
        assert_eq!(decimal(0.075), "0.075");
        assert_eq!(decimal(-0.0000001), "0");
        for (text, value) in [
            ("0.7", 0.7),
            ("2", 2.0),
            (".5", 0.5),
            ("1.", 1.0),
            ("-1.25", -1.25),
            ("+3", 3.0),
            ("0.15", 0.15),
        ] {
            assert_eq!(parse_decimal(text), Some(value), "{text}");
        }
        for text in [
            "", ".", "-", "1e3", "inf", "NaN", "1.2.3", "0x10", " 1", "1,5",
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }
    #[test]
    fn fixed_rounds_to_the_decimals_asked_for() {
        assert_eq!(super::fixed(0.000_123_456, 5), "0.00012");
        assert_eq!(super::fixed(1.5, 0), "2");
        assert_eq!(super::fixed(2.25, 1), "2.3");
        assert_eq!(super::fixed(12.0, 4), "12.0000");
        assert_eq!(super::fixed(-0.04, 1), "0.0");
        assert_eq!(super::fixed(-2.34567, 2), "-2.35");
        assert_eq!(super::fixed(f64::NAN, 2), "–");
        assert_eq!(super::fixed(5.3e6 / 1e6, 1), "5.3");
    }
    use super::*;

    #[test]
    fn ascii_positions_are_bytes() {
        assert_eq!(byte_offset_of_utf16("hello", 0), 0);
        assert_eq!(byte_offset_of_utf16("hello", 3), 3);
        assert_eq!(byte_offset_of_utf16("hello", 5), 5);
        assert_eq!(byte_offset_of_utf16("hello", 99), 5);
    }

    #[test]
    fn multibyte_and_astral_characters() {
        // "é" is 1 unit and 2 bytes; "🙂" is 2 units and 4 bytes.
        let text = "é🙂x";
        assert_eq!(byte_offset_of_utf16(text, 1), 2);
        assert_eq!(byte_offset_of_utf16(text, 3), 6);
        assert_eq!(byte_offset_of_utf16(text, 4), 7);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(byte_offset_of_utf16(text, 2), 2);
    }

    #[test]
    fn splices_at_the_caret_and_over_a_selection() {
        assert_eq!(splice_utf16("ab", 1, 1, "X"), "aXb");
        assert_eq!(splice_utf16("a🙂b", 1, 3, "X"), "aXb");
        assert_eq!(splice_utf16("abc", 3, 0, ""), "");
        assert_eq!(splice_utf16("", 5, 7, "pasted"), "pasted");
    }
}
