//! The BPE the worker builds from a compact vocabulary encodes exactly like tiktoken-rs's
//! own `o200k_base()` and `cl100k_base()` (which embed the vocabularies, so only native
//! code may call them).
#![cfg(not(target_arch = "wasm32"))]

use mnemo_tokenizer::encoding::{self, Counter, Encoding, LONG_PIECE};
use mnemo_tokenizer::generate;
use mnemo_tokenizer::vocab;
use tiktoken_rs::CoreBPE;

fn compact(encoding: Encoding) -> Vec<u8> {
    let assets = generate::tiktoken_assets_dir().expect("tiktoken-rs's assets");
    generate::compact_vocab(&assets, encoding).expect("a compact vocabulary")
}

fn reference(encoding: Encoding) -> CoreBPE {
    match encoding {
        Encoding::O200kBase => tiktoken_rs::o200k_base(),
        Encoding::Cl100kBase => tiktoken_rs::cl100k_base(),
    }
    .expect("tiktoken-rs's encoding")
}

/// Text of every kind the app counts.
fn sample() -> Vec<String> {
    let mut texts: Vec<String> = [
        "",
        "Hello, world!",
        "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX.",
        "I'm sure you'll see he'd've said it's THEIR'S, we're told. They've 'quoted' it",
        "Numbers: 0 7 42 1234567890 3.14159 -273.15 1,000,000 ２０２４",
        "  leading and trailing spaces   \n\n\n\t\ttabs\r\nCRLF\rCR  \n ",
        "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽 thumbs, 🧑🏿‍💻 coder, ❤️‍🔥, 🇯🇵🇫🇷 flags",
        "日本語のテキストを数えます。東京は晴れです。",
        "中文分词测试：你好，世界！",
        "한국어 문장입니다. 안녕하세요?",
        "مرحبا بالعالم! هذا نص عربي.",
        "שלום עולם, זה טקסט בעברית (with English) ו-123.",
        "नमस्ते दुनिया — हिन्दी पाठ",
        "สวัสดีชาวโลก ภาษาไทย",
        "Zalgo: Z̴̡̢͓̈́a̷̛̺͌l̶̰̈g̵̣̈́ő̸̳ e\u{301} a\u{308}\u{304}",
        "Привет, мир! Ελληνικά κείμενα. Türkçe İı ß ẞ",
        "fn main() {\n    let x: Vec<u8> = vec![1, 2, 3];\n    println!(\"{x:?}\");\n}\n",
        "def f(x):\n\treturn {'a': [x, None, True]}  # comment\n",
        "{\"key\": \"value\", \"list\": [1, 2.5, null], \"nested\": {\"ok\": false}}",
        "<div class=\"a\">&amp; &lt;tag&gt;</div> <!-- c --> https://example.com/a?b=c#d",
        "<|endoftext|>",
        "before <|endoftext|> after <|endofprompt|>",
        "<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>z",
        "<|im_start|>user\nhi<|im_end|>",
        "\u{0}\u{1}\u{7f} control \u{200b}zero width\u{feff} \u{2028}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push("a".repeat(10_000));
    texts.push(" ".repeat(5_000) + "x");
    texts.push("\n".repeat(1_000));
    texts.push("ab".repeat(3_000));
    texts.push("🙂".repeat(500));
    texts.push("1".repeat(999));
    texts.push("日本".repeat(700));
    texts.push("<|endoftext|>".repeat(50));
    texts
}

fn same_tokens_as_tiktoken_rs(encoding: Encoding) {
    let bytes = compact(encoding);
    let ours = encoding::core_bpe(encoding, &bytes).expect("a BPE from the compact bytes");
    let counter = Counter::new(encoding, &bytes).expect("a counter from the compact bytes");
    let theirs = reference(encoding);
    for text in sample() {
        let preview: String = text.chars().take(40).collect();
        assert_eq!(
            ours.encode_ordinary(&text),
            theirs.encode_ordinary(&text),
            "{} tokens of {preview:?}",
            encoding.name()
        );
        assert_eq!(
            counter.count(&text),
            Ok(theirs.encode_ordinary(&text).len()),
            "{} count of {preview:?}",
            encoding.name()
        );
    }
}

fn same_vocabulary_as_tiktoken_rs(encoding: Encoding) {
    let bytes = compact(encoding);
    let vocab = vocab::decode(&bytes).expect("a compact vocabulary");
    assert_eq!(vocab.name, encoding.name());
    let theirs = reference(encoding);
    let mut last = None;
    for (rank, token) in vocab.iter() {
        assert_eq!(
            theirs.decode_bytes(&[rank]).expect("a known rank"),
            token,
            "rank {rank}"
        );
        last = Some(rank);
    }
    let last = last.expect("tokens");
    // Past the vocabulary: only the special tokens, with the ranks we give them.
    for rank in last + 1..last + 2_000 {
        let special = encoding.special_tokens().iter().find(|(_, r)| *r == rank);
        match special {
            Some((text, _)) => assert_eq!(theirs.decode_bytes(&[rank]).unwrap(), text.as_bytes()),
            None => assert!(theirs.decode_bytes(&[rank]).is_err(), "rank {rank} exists"),
        }
    }
    let ours = encoding::core_bpe(encoding, &bytes).unwrap();
    assert_eq!(ours.special_tokens(), theirs.special_tokens());
}

#[test]
fn o200k_base_encodes_like_tiktoken_rs() {
    same_tokens_as_tiktoken_rs(Encoding::O200kBase);
}

#[test]
fn cl100k_base_encodes_like_tiktoken_rs() {
    same_tokens_as_tiktoken_rs(Encoding::Cl100kBase);
}

#[test]
fn o200k_base_vocabulary_is_tiktoken_rs_one() {
    same_vocabulary_as_tiktoken_rs(Encoding::O200kBase);
}

#[test]
fn cl100k_base_vocabulary_is_tiktoken_rs_one() {
    same_vocabulary_as_tiktoken_rs(Encoding::Cl100kBase);
}

#[test]
fn vocabularies_are_compact() {
    // Raw sizes; the gzip sizes are in the size report (o200k ≈ 0.95 MB, cl100k ≈ 0.41 MB).
    assert!(compact(Encoding::O200kBase).len() < 1_700_000);
    assert!(compact(Encoding::Cl100kBase).len() < 800_000);
}

#[test]
fn the_compact_format_round_trips_a_real_vocabulary() {
    let bytes = compact(Encoding::Cl100kBase);
    let tokens: Vec<(u32, Vec<u8>)> = vocab::decode(&bytes)
        .unwrap()
        .iter()
        .map(|(r, t)| (r, t.to_vec()))
        .collect();
    assert_eq!(tokens.len(), 100_256);
    assert_eq!(vocab::encode("cl100k_base", &tokens).unwrap(), bytes);
}

/// Many texts of short pieces, pieces just under, at and over the length where the
/// counter changes merges, and long pieces of every kind.
fn counter_agrees_on_short_and_long_pieces(encoding: Encoding) {
    let counter = Counter::new(encoding, &compact(encoding)).unwrap();
    let theirs = reference(encoding);
    let check = |text: &str, what: &str| {
        assert_eq!(
            counter.count(text),
            Ok(theirs.encode_ordinary(text).len()),
            "{} count of {what}",
            encoding.name()
        );
    };
    // Pseudo-random words of letters from several scripts, punctuation and numbers.
    let mut state = 0x2545_f491_u32;
    let mut next = move |n: u32| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state % n
    };
    let alphabet: Vec<char> = "etaoinshrdlucmfwypvbgkqjxzéüñßøæçтывапролджэ日本語中文한국"
        .chars()
        .collect();
    let mut word = |len: u32| -> String {
        (0..len)
            .map(|_| alphabet[next(alphabet.len() as u32) as usize])
            .collect()
    };
    let mut prose = String::new();
    for i in 0..5_000u32 {
        prose.push_str(&word(1 + i % 14));
        prose.push_str([" ", ", ", ". ", "\n", " 42 ", "'s ", "  "][(i % 7) as usize]);
    }
    for line in prose.split_inclusive('\n') {
        check(line, &format!("{line:?}"));
    }
    // Long pieces whose merges are many and varied: random letters, 40 to 3,000 of them.
    for len in [40, 99, 100, 101, 150, 300, 1_000, 3_000] {
        let long = word(len);
        check(&long, &format!("{len} random letters"));
        check(
            &format!("Say {long}, twice: {long}!"),
            &format!("{len} random letters in a sentence"),
        );
    }
    let units = ["a", "ab", "é", "日本", " ", "\n", "🙂", "xyz", "1", "\t "];
    for unit in units {
        for len in (LONG_PIECE - 6..LONG_PIECE + 6).chain([1_000, 20_000]) {
            let run: String = unit.repeat(len.div_ceil(unit.len()));
            let what = format!("{} bytes of {unit:?}", run.len());
            check(&run, &what);
            check(&format!("Hi {run} there"), &what);
            check(&format!("{run}!"), &what);
        }
    }
}

#[test]
fn o200k_base_counter_agrees_on_short_and_long_pieces() {
    counter_agrees_on_short_and_long_pieces(Encoding::O200kBase);
}

#[test]
fn cl100k_base_counter_agrees_on_short_and_long_pieces() {
    counter_agrees_on_short_and_long_pieces(Encoding::Cl100kBase);
}
