//! The two encodings Mnemo counts with, and how to build tiktoken's BPE for one of them
//! from its compact vocabulary.
//!
//! The split patterns and special tokens are those of `tiktoken_rs::o200k_base()` and
//! `tiktoken_rs::cl100k_base()` (`tiktoken_ext/openai_public.rs` in tiktoken-rs 0.12).
//! Those constructors are not called here: they embed the vocabularies in the binary.
//! The native tests check that the BPE built here encodes exactly as they do.

use rustc_hash::FxHashMap;
use tiktoken_rs::{CoreBPE, Rank};

use crate::{merge, vocab};

/// A tiktoken encoding the worker can count with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// gpt-4o, gpt-4.1, o-series, gpt-5.
    O200kBase,
    /// gpt-4, gpt-4-turbo, gpt-3.5-turbo.
    Cl100kBase,
}

/// cl100k_base's split pattern (tiktoken-rs has no public constant for it).
pub const CL100K_BASE_PAT_STR: &str = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";

impl Encoding {
    /// Every encoding, in a fixed order.
    pub const ALL: [Encoding; 2] = [Encoding::O200kBase, Encoding::Cl100kBase];

    /// tiktoken's name for the encoding.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// The encoding with tiktoken's name `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The regular expression that splits text into pieces before BPE.
    pub fn pattern(self) -> &'static str {
        match self {
            Encoding::O200kBase => tiktoken_rs::O200K_BASE_PAT_STR,
            Encoding::Cl100kBase => CL100K_BASE_PAT_STR,
        }
    }

    /// The special tokens and their ranks (outside the vocabulary file).
    pub fn special_tokens(self) -> &'static [(&'static str, Rank)] {
        use tiktoken_rs::{ENDOFPROMPT, ENDOFTEXT, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX};
        match self {
            Encoding::O200kBase => &[(ENDOFTEXT, 199_999), (ENDOFPROMPT, 200_018)],
            Encoding::Cl100kBase => &[
                (ENDOFTEXT, 100_257),
                (FIM_PREFIX, 100_258),
                (FIM_MIDDLE, 100_259),
                (FIM_SUFFIX, 100_260),
                (ENDOFPROMPT, 100_276),
            ],
        }
    }
}

/// Pieces of this many bytes or more are merged with a heap ([`merge::count_large`]),
/// shorter ones by tiktoken-rs's `byte_pair_split`: tiktoken's own threshold.
pub const LONG_PIECE: usize = 100;

/// Counts tokens exactly as tiktoken-rs's `CoreBPE::encode_ordinary` does, and is ready
/// about three times sooner than a `CoreBPE`.
///
/// `CoreBPE::new` also builds a decoder and a sorted copy of every token, which counting
/// never reads: two thirds of its build time. A `Counter` builds only the rank map and
/// tiktoken-rs's split pattern. Each piece the pattern splits off is one token when it
/// is in the map; otherwise it is merged as tiktoken merges it: with tiktoken-rs's
/// `byte_pair_split` when shorter than [`LONG_PIECE`] bytes, else with tiktoken's heap
/// merge ([`merge`]), whose time grows as `n log n` with the piece's length.
///
/// The counts of merged pieces are kept (up to [`MERGED_KEPT`] of them), as gpt-tokenizer
/// keeps its merges: prose repeats its words, so most merges are done once.
pub struct Counter {
    ranks: FxHashMap<Vec<u8>, Rank>,
    split: fancy_regex::Regex,
    merged: std::cell::RefCell<FxHashMap<Box<[u8]>, u32>>,
}

/// How many merged pieces a [`Counter`] keeps the count of; past that it forgets them all
/// and starts again (a few MB at most).
pub const MERGED_KEPT: usize = 100_000;

impl Counter {
    /// Reads the compact vocabulary `bytes` of `encoding`.
    ///
    /// # Errors
    /// When `bytes` is not a compact vocabulary, is the vocabulary of another encoding,
    /// repeats a token or lacks a single byte (tiktoken's BPE needs all 256).
    pub fn new(encoding: Encoding, bytes: &[u8]) -> Result<Counter, String> {
        let ranks = rank_map(encoding, bytes)?;
        let split = fancy_regex::Regex::new(encoding.pattern()).map_err(|e| e.to_string())?;
        Ok(Counter {
            ranks,
            split,
            merged: std::cell::RefCell::default(),
        })
    }

    /// How many tokens `text` is, every part of it counted as ordinary text: a special
    /// token's text such as `<|endoftext|>` is split and counted like any other text
    /// (this is how the API counts user content).
    ///
    /// # Errors
    /// When the split pattern gives up on the text (fancy-regex's backtracking limit;
    /// tiktoken-rs would panic).
    pub fn count(&self, text: &str) -> Result<usize, String> {
        let mut count = 0;
        let mut merged = self.merged.borrow_mut();
        for piece in self.split.find_iter(text) {
            let piece = piece
                // Not formatted: printing fancy-regex's error links in its VM's Debug code.
                .map_err(|_| "The text is too intricate to split into tokens.".to_string())?
                .as_str()
                .as_bytes();
            if self.ranks.contains_key(piece) {
                count += 1;
                continue;
            }
            if let Some(&n) = merged.get(piece) {
                count += n as usize;
                continue;
            }
            let n = if piece.len() < LONG_PIECE {
                // Not a token, so at least 2 bytes long: every single byte is a token.
                tiktoken_rs::byte_pair_split(piece, &self.ranks).len()
            } else {
                merge::count_large(&self.ranks, piece)
            };
            if merged.len() >= MERGED_KEPT {
                merged.clear();
            }
            merged.insert(piece.into(), n as u32);
            count += n;
        }
        Ok(count)
    }
}

/// Builds tiktoken-rs's BPE of `encoding` from its compact vocabulary `bytes`. The worker
/// counts with a [`Counter`]; the native tests check with this that the compact
/// vocabularies make exactly tiktoken-rs's encodings.
///
/// # Errors
/// As [`Counter::new`].
pub fn core_bpe(encoding: Encoding, bytes: &[u8]) -> Result<CoreBPE, String> {
    let ranks = rank_map(encoding, bytes)?;
    let specials = encoding
        .special_tokens()
        .iter()
        .map(|&(text, rank)| (text.to_string(), rank))
        .collect();
    CoreBPE::new(ranks, specials, encoding.pattern()).map_err(|e| e.to_string())
}

/// The rank of every token of the compact vocabulary `bytes` of `encoding`.
fn rank_map(encoding: Encoding, bytes: &[u8]) -> Result<FxHashMap<Vec<u8>, Rank>, String> {
    let name = encoding.name();
    let vocab = vocab::decode(bytes).map_err(|e| format!("bad {name} vocabulary: {e}"))?;
    if vocab.name != name {
        return Err(format!(
            "expected the {name} vocabulary, got {}",
            vocab.name
        ));
    }
    let mut ranks: FxHashMap<Vec<u8>, Rank> = FxHashMap::default();
    ranks.reserve(vocab.len());
    for (rank, token) in vocab.iter() {
        // CoreBPE::new panics on a duplicate token, and the format does not rule them out.
        if ranks.insert(token.to_vec(), rank).is_some() {
            return Err(format!("bad {name} vocabulary: a token appears twice"));
        }
    }
    // The merges index the map with every single byte.
    if (0..=255u8).any(|byte| !ranks.contains_key([byte].as_slice())) {
        return Err(format!(
            "bad {name} vocabulary: a single byte is not a token"
        ));
    }
    Ok(ranks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in Encoding::ALL {
            assert_eq!(Encoding::from_name(e.name()), Some(e));
        }
        assert_eq!(Encoding::from_name("p50k_base"), None);
    }

    fn bytes_and(extra: &[&[u8]]) -> Vec<(Rank, Vec<u8>)> {
        let mut tokens: Vec<(Rank, Vec<u8>)> =
            (0..=255u8).map(|b| (Rank::from(b), vec![b])).collect();
        for token in extra {
            tokens.push((tokens.len() as Rank, token.to_vec()));
        }
        tokens
    }

    #[test]
    fn refuses_another_encodings_vocabulary() {
        let bytes = vocab::encode("cl100k_base", &bytes_and(&[])).unwrap();
        let err = core_bpe(Encoding::O200kBase, &bytes).err().unwrap();
        assert!(err.contains("expected the o200k_base vocabulary"), "{err}");
        assert!(core_bpe(Encoding::O200kBase, b"junk").is_err());
        assert!(Counter::new(Encoding::O200kBase, &bytes).is_err());
    }

    #[test]
    fn refuses_a_vocabulary_without_every_byte() {
        let mut tokens = bytes_and(&[b"ab"]);
        tokens.remove(b'z' as usize);
        let bytes = vocab::encode("o200k_base", &tokens).unwrap();
        let err = Counter::new(Encoding::O200kBase, &bytes).err().unwrap();
        assert!(err.contains("a single byte is not a token"), "{err}");
    }

    #[test]
    fn counts_with_a_small_vocabulary() {
        let bytes = vocab::encode("o200k_base", &bytes_and(&[b"ab", b"abab", b" x"])).unwrap();
        let counter = Counter::new(Encoding::O200kBase, &bytes).unwrap();
        assert_eq!(counter.count("").unwrap(), 0);
        assert_eq!(counter.count("abab").unwrap(), 1);
        assert_eq!(counter.count("ababab x").unwrap(), 3);
        // Again, from the kept merge: "ababab" twice, with a newline between.
        assert_eq!(counter.count("ababab\nababab").unwrap(), 5);
        // 100 letters and more are one piece, merged with the heap.
        assert_eq!(counter.count(&"ab".repeat(50)).unwrap(), 25);
        assert_eq!(counter.count(&"ab".repeat(51)).unwrap(), 26);
        assert_eq!(counter.count(&"ab".repeat(10_000)).unwrap(), 5_000);
    }
}
