//! Property tests of every core function that cuts, indexes or decodes text that came
//! from outside (the user, the network, storage, an import): whatever the text, none of
//! them panics (a panic in wasm ends the page), and each keeps its promise.
//!
//! The texts mix arbitrary characters with the ones that break byte arithmetic:
//! characters whose lowercase has another byte length or character count ('Ⱥ', 'ȿ', the
//! Kelvin sign, 'İ', 'ẞ', 'ΐ', 'ﬃ', 'Σ'), accented letters and combining accents (which
//! search folds to their base letter or to nothing), emoji sequences, right-to-left text
//! and controls, and line ends of every kind.
#![cfg(not(target_arch = "wasm32"))]

use mnemo::core::conversation::{title_from, Conversation, ConversationId, TITLE_CHARS};
use mnemo::core::memory::{accept_summary, summary_message, summary_request};
use mnemo::core::message::{Message, MessageId, Role};
use mnemo::core::openai::error::{parse_retry_after, ApiError, ErrorBody};
use mnemo::core::openai::stream::{ReplyDecoder, StreamEvent};
use mnemo::core::search::{excerpt, fold, highlight};
use mnemo::core::sse::{LineSplitter, SseDecoder};
use mnemo::core::text::{byte_offset_of_utf16, splice_utf16};
use mnemo::core::tokens::{char_count, estimate_tokens};
use mnemo::core::transfer::{export_json, import_json};
use proptest::prelude::*;

/// Pieces that break code which assumes one byte per character or that lowercasing
/// keeps lengths.
const TRICKY: &[&str] = &[
    "Ⱥ",
    "ȿ",
    "\u{212A}",
    "K",
    "k",
    "İ",
    "ı",
    "i",
    "ß",
    "ẞ",
    "SS",
    "ΐ",
    "ﬃ",
    "Σ",
    "σ",
    "ς",
    "\u{301}",
    "\u{307}",
    "e\u{301}",
    "é",
    "Ł",
    "ﬀ",
    "ǰ",
    "ά",
    "🙂",
    "👨\u{200D}👩\u{200D}👧",
    "🇫🇷",
    "\u{200F}",
    "\u{202E}",
    "مرحبا",
    "שלום",
    "日本語",
    "\u{feff}",
    "\u{0}",
    "…",
    "\u{10FFFF}",
    "\r",
    "\n",
    "\r\n",
    " ",
    ":",
    "\"",
    "\\",
    "{",
    "}",
];

/// One piece of text: mostly tricky characters, some arbitrary ones, some plain words.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TRICKY).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Z]{1,5}",
    ]
}

/// Text of up to `max` pieces.
fn text_of(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max).prop_map(|pieces| pieces.concat())
}

fn text() -> impl Strategy<Value = String> {
    text_of(40)
}

/// A text and a needle: a stretch of its characters (in another case, sometimes), or
/// any text.
fn text_and_needle() -> impl Strategy<Value = (String, String)> {
    (
        text(),
        any::<prop::sample::Index>(),
        0usize..6,
        0u8..4,
        text_of(3),
    )
        .prop_map(|(text, at, len, case, other)| {
            let chars: Vec<char> = text.chars().collect();
            let needle = if case == 3 || chars.is_empty() {
                other
            } else {
                let start = at.index(chars.len());
                let end = (start + len).min(chars.len());
                let stretch: String = chars[start..end].iter().collect();
                match case {
                    0 => stretch,
                    1 => stretch.to_uppercase(),
                    _ => stretch.to_lowercase(),
                }
            };
            (text, needle)
        })
}

/// Bytes that look like a stream of server-sent events, with arbitrary bytes (broken
/// UTF-8 among them) mixed in.
fn sse_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => prop::sample::select(&[
            "data: ", "data:", "event: ", "event: error", ": comment", "id: 1", "\n", "\r",
            "\r\n", "\n\n", "[DONE]", "{\"choices\":[]}", "\u{feff}", "data",
        ][..])
        .prop_map(|s| s.as_bytes().to_vec()),
        3 => text_of(4).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Cut points in `0..=len`, in order.
fn cuts(len: usize, at: &[prop::sample::Index]) -> Vec<usize> {
    let mut cuts: Vec<usize> = at.iter().map(|i| i.index(len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

/// `bytes` cut at `cuts` (sorted).
fn chunks<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut from = 0;
    for &cut in cuts {
        out.push(&bytes[from..cut]);
        from = cut;
    }
    out.push(&bytes[from..]);
    out
}

/// Everything a decoder makes of `chunks`, the end of the stream included.
fn sse_decode(max_line: usize, chunks: &[&[u8]]) -> Vec<String> {
    let mut d = SseDecoder::with_max_line(max_line);
    let mut out: Vec<String> = chunks
        .iter()
        .flat_map(|c| d.feed(c))
        .map(|e| match e {
            Ok(e) => format!("{}|{}", e.kind, e.data),
            Err(too_long) => format!("too long: {}", too_long.limit),
        })
        .collect();
    out.extend(
        d.finish()
            .into_iter()
            .map(|e| format!("{}|{}", e.kind, e.data)),
    );
    out
}

fn reply_decode(chunks: &[&[u8]]) -> Vec<StreamEvent> {
    let mut d = ReplyDecoder::new();
    let mut out: Vec<StreamEvent> = chunks.iter().flat_map(|c| d.feed(c)).collect();
    out.extend(d.finish());
    out
}

/// A conversation titled `title` with `contents` as alternating user and assistant
/// messages.
fn conversation(id: usize, title: &str, contents: &[String]) -> Conversation {
    let mut c = Conversation::new(ConversationId(format!("c{id}")), 1.0);
    c.title = title.to_string();
    for (i, content) in contents.iter().enumerate() {
        let mut m = Message::user(MessageId(format!("c{id}m{i}")), content.clone(), 2.0);
        if i % 2 == 1 {
            m.role = Role::Assistant;
        }
        c.push(m);
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn highlight_runs_give_back_the_text_and_mark_every_match((text, needle) in text_and_needle()) {
        let runs = highlight(&text, &needle);
        let joined: String = runs.iter().map(|(run, _)| run.as_str()).collect();
        prop_assert_eq!(&joined, &text);
        let folded_needle = fold(&needle);
        let matches = !folded_needle.is_empty() && fold(&text).contains(&folded_needle);
        prop_assert_eq!(runs.iter().any(|(_, hit)| *hit), matches);
        for (run, hit) in &runs {
            prop_assert!(!run.is_empty() || runs.len() == 1);
            if *hit {
                // A marked run is whole characters of the text that, folded, hold part
                // of a match at least.
                prop_assert!(fold(run).chars().any(|c| folded_needle.contains(c)), "{:?}", run);
            }
        }
    }

    #[test]
    fn excerpts_are_a_stretch_of_the_text_around_a_match(
        (text, needle) in text_and_needle(),
        lead in 0usize..8,
        tail in 0usize..8,
    ) {
        let found = excerpt(&text, &needle, lead, tail);
        prop_assert_eq!(found.is_some(), fold(&text).contains(&fold(&needle)));
        if let Some(found) = found {
            // The excerpt is a stretch of the text (line breaks shown as spaces) holding
            // the match, with "…" where it was cut (the text may hold "…" of its own).
            let shown = text.replace('\n', " ");
            let needle = fold(&needle.replace('\n', " "));
            let stretches = [
                Some(found.as_str()),
                found.strip_prefix('…'),
                found.strip_suffix('…'),
                found.strip_prefix('…').and_then(|f| f.strip_suffix('…')),
            ];
            prop_assert!(
                stretches
                    .into_iter()
                    .flatten()
                    .any(|s| shown.contains(s) && fold(s).contains(&needle)),
                "{:?} in {:?}",
                found,
                text
            );
            // A match takes in the accents that follow it, however many: only the
            // characters that fold to something are bounded by the needle.
            let longest = lead + tail + needle.chars().count().max(1) * 3 + 2;
            let letters = found.chars().filter(|c| !fold(&c.to_string()).is_empty()).count();
            prop_assert!(letters <= longest + 2);
        }
    }

    #[test]
    fn titles_are_the_start_of_the_first_line(text in text()) {
        let title = title_from(&text);
        prop_assert!(title.chars().count() <= TITLE_CHARS + 1);
        prop_assert!(!title.contains('\n') && !title.contains('\r'));
        let first = text.trim().split(['\n', '\r']).next().unwrap_or("").trim();
        let start = title.strip_suffix('…').unwrap_or(&title);
        prop_assert!(first.starts_with(start), "{:?} / {:?}", title, first);
    }

    #[test]
    fn utf16_positions_land_on_characters(text in text(), units in 0u32..200) {
        let byte = byte_offset_of_utf16(&text, units);
        prop_assert!(byte <= text.len());
        prop_assert!(text.is_char_boundary(byte));
        prop_assert!(text[..byte].encode_utf16().count() as u32 <= units);
    }

    #[test]
    fn splices_replace_the_selection(
        text in text(),
        start in 0u32..120,
        end in 0u32..120,
        insert in text_of(4),
    ) {
        let spliced = splice_utf16(&text, start, end, &insert);
        let from = byte_offset_of_utf16(&text, start.min(end));
        let to = byte_offset_of_utf16(&text, start.max(end));
        prop_assert_eq!(spliced, format!("{}{}{}", &text[..from], insert, &text[to..]));
        // Where both ends fall between characters, it is the browser's own edit.
        let units: Vec<u16> = text.encode_utf16().collect();
        let (lo, hi) = (start.min(end) as usize, start.max(end) as usize);
        let (lo, hi) = (lo.min(units.len()), hi.min(units.len()));
        let between = |i: usize| i == units.len() || !(0xDC00..0xE000).contains(&units[i]);
        if between(lo) && between(hi) {
            let mut edited = units[..lo].to_vec();
            edited.extend(insert.encode_utf16());
            edited.extend(&units[hi..]);
            prop_assert_eq!(
                splice_utf16(&text, start, end, &insert),
                String::from_utf16(&edited).unwrap()
            );
        }
    }

    #[test]
    fn token_estimates_and_character_counts(text in text()) {
        prop_assert_eq!(char_count(&text), text.chars().count());
        prop_assert!(estimate_tokens(&text) as usize <= text.len());
        prop_assert_eq!(estimate_tokens(&text) == 0, text.is_empty());
    }

    #[test]
    fn sse_decodes_the_same_whatever_the_chunks(
        bytes in sse_bytes(),
        at in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        max_line in prop_oneof![Just(usize::MAX), 1usize..24],
    ) {
        let whole = sse_decode(max_line, &[&bytes]);
        let split = sse_decode(max_line, &chunks(&bytes, &cuts(bytes.len(), &at)));
        prop_assert_eq!(split, whole);
    }

    #[test]
    fn lines_never_hold_more_than_the_limit(
        bytes in sse_bytes(),
        at in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        max_line in 0usize..24,
    ) {
        let mut splitter = LineSplitter::with_max_line(max_line);
        let mut failed = false;
        for chunk in chunks(&bytes, &cuts(bytes.len(), &at)) {
            let fed = splitter.feed(chunk, |line| assert!(line.len() <= max_line));
            failed |= fed.is_err();
        }
        let last = splitter.finish();
        prop_assert!(last.as_ref().is_none_or(|l| l.len() <= max_line));
        prop_assert!(!failed || last.is_none());
    }

    #[test]
    fn replies_decode_the_same_whatever_the_chunks(
        lines in prop::collection::vec(
            prop_oneof![
                text_of(6),
                text_of(6).prop_map(|t| serde_json::json!({
                    "choices": [{"delta": {"content": t}}]
                }).to_string()),
                text_of(6).prop_map(|t| serde_json::json!({
                    "error": {"message": t}
                }).to_string()),
                text_of(3).prop_map(|t| format!("{{\"choices\":[{{\"delta\":{{\"content\":\"{t}")),
                Just("[DONE]".to_string()),
            ],
            0..8,
        ),
        at in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let body: String = lines.iter().map(|l| format!("data: {l}\n\n")).collect();
        let bytes = body.as_bytes();
        let whole = reply_decode(&[bytes]);
        prop_assert_eq!(&reply_decode(&chunks(bytes, &cuts(bytes.len(), &at))), &whole);
        for event in &whole {
            if let StreamEvent::Malformed(quoted) = event {
                prop_assert!(quoted.chars().count() <= 200);
            }
        }
        let ends = whole
            .iter()
            .filter(|e| matches!(e, StreamEvent::Done | StreamEvent::Error(_)))
            .count();
        prop_assert!(ends <= 1);
        if ends == 1 {
            prop_assert!(matches!(whole.last(), Some(StreamEvent::Done | StreamEvent::Error(_))));
        }
    }

    #[test]
    fn http_errors_read_any_body_and_header(
        status in any::<u16>(),
        body in prop_oneof![
            text_of(200),
            text_of(20).prop_map(|t| serde_json::json!({"error": {"message": t, "code": t}}).to_string()),
        ],
        retry_after in prop_oneof![
            text_of(5),
            (any::<i64>(), 0usize..12, any::<i64>(), any::<i64>(), any::<i64>(), any::<i64>())
                .prop_map(|(day, month, year, h, m, s)| {
                    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                    format!("Sun, {day} {} {year} {h}:{m}:{s} GMT", months[month])
                }),
            (1i64..32, 0usize..12, 0i64..10_000, 0i64..24, 0i64..60, 0i64..61)
                .prop_map(|(day, month, year, h, m, s)| {
                    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                    format!("Sun, {day:02} {} {year:04} {h:02}:{m:02}:{s:02} GMT", months[month])
                }),
        ],
        now in any::<f64>(),
    ) {
        let e = ApiError::from_http(status, &body, Some(&retry_after), now);
        prop_assert!(!e.message.is_empty());
        prop_assert!(e.message.chars().count() <= body.chars().count() + 60);
        prop_assert!(e.retry_after.is_none_or(|s| s >= 0.0 || s.is_nan()));
        let _ = parse_retry_after(&retry_after, now);
        let _ = e.hint();
    }

    #[test]
    fn stream_errors_read_any_message(message in prop::option::of(text()), code in prop::option::of(text())) {
        let e = ApiError::from_stream(ErrorBody { message, kind: code.clone(), code });
        prop_assert!(!e.hint().is_empty());
    }

    #[test]
    fn imports_of_any_text_fail_or_succeed_without_panicking(text in prop_oneof![
        text_of(60),
        text_of(10).prop_map(|t| format!("[{{\"role\":\"user\",\"content\":{}}}]", serde_json::Value::String(t))),
        text_of(20).prop_map(|t| format!("{{\"format\":\"mnemo\",\"v\":1,\"conversations\":[{t}]}}")),
    ]) {
        let mut n = 0;
        let mut new_id = || { n += 1; format!("new{n}") };
        if let Ok(imported) = import_json(&text, &[], &mut new_id, 0.0) {
            for c in imported.conversations {
                prop_assert!(c.title.chars().count() <= TITLE_CHARS + 1 || !c.messages.is_empty());
            }
        }
    }

    #[test]
    fn exports_with_any_titles_and_texts_import_as_they_were(
        conversations in prop::collection::vec(
            (text(), prop::collection::vec(text(), 0..5)),
            0..4,
        ),
    ) {
        let originals: Vec<Conversation> = conversations
            .iter()
            .enumerate()
            .map(|(i, (title, contents))| conversation(i, title, contents))
            .collect();
        let mut n = 0;
        let mut new_id = || { n += 1; format!("new{n}") };
        let imported = import_json(&export_json(&originals), &[], &mut new_id, 0.0)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .conversations;
        prop_assert_eq!(imported.len(), originals.len());
        for (back, original) in imported.iter().zip(&originals) {
            prop_assert_eq!(&back.title, &original.title);
            // Replies with no text (one that never started) are left out.
            let texts = |c: &Conversation| {
                c.messages
                    .iter()
                    .filter(|m| m.role == Role::User || !m.content.is_empty())
                    .map(|m| m.content.clone())
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(texts(back), texts(original));
        }
    }

    #[test]
    fn messages_arrays_with_any_texts_are_titled_by_the_first_user_message(
        contents in prop::collection::vec(text(), 1..5),
    ) {
        let messages: Vec<serde_json::Value> = contents
            .iter()
            .map(|t| serde_json::json!({"role": "user", "content": t}))
            .collect();
        let mut n = 0;
        let mut new_id = || { n += 1; format!("new{n}") };
        let imported = import_json(&serde_json::Value::from(messages).to_string(), &[], &mut new_id, 0.0)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .conversations;
        prop_assert_eq!(&imported[0].title, &title_from(&contents[0]));
    }

    #[test]
    fn summaries_of_any_text(
        text in text(),
        previous in prop::option::of(text()),
        dropped in prop::collection::vec(text(), 0..4),
        tokens in any::<u32>(),
        max in any::<u32>(),
    ) {
        match accept_summary(&text, tokens, max) {
            Ok(kept) => {
                prop_assert_eq!(kept.as_str(), text.trim());
                prop_assert!(!kept.is_empty() && tokens <= max);
            }
            Err(_) => prop_assert!(text.trim().is_empty() || tokens > max),
        }
        prop_assert!(summary_message(&text).ends_with(text.as_str()));
        let messages: Vec<Message> = dropped
            .iter()
            .enumerate()
            .map(|(i, t)| Message::user(MessageId(format!("m{i}")), t.clone(), 0.0))
            .collect();
        let refs: Vec<&Message> = messages.iter().collect();
        let request = summary_request(previous.as_deref(), &refs, max);
        prop_assert_eq!(request.len(), 2);
        for m in &messages {
            prop_assert!(request[1].content.contains(m.content.trim()));
        }
    }
}

#[test]
fn a_match_followed_by_many_accents_is_excerpted_whole() {
    let text = format!("say e{} now", "\u{301}".repeat(12));
    let found = excerpt(&text, "e", 1, 1).unwrap_or_default();
    assert_eq!(found, format!("… e{} …", "\u{301}".repeat(12)));
    let runs = highlight(&text, "E");
    assert_eq!(runs[1], (format!("e{}", "\u{301}".repeat(12)), true));
}

#[test]
fn the_reported_search_crash_is_covered_by_the_texts() {
    // The text of the report: two 'Ⱥ' and a Kelvin sign, searched for "k".
    assert_eq!(
        highlight("ȺȺ\u{212A}", "k"),
        [("ȺȺ".to_string(), false), ("\u{212A}".to_string(), true)]
    );
}
