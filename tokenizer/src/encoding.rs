//! The two encodings Mnemo counts with, and how to build tiktoken's BPE for one of them
//! from its compact vocabulary.
//!
//! The split patterns and special tokens are those of `tiktoken_rs::o200k_base()` and
//! `tiktoken_rs::cl100k_base()` (`tiktoken_ext/openai_public.rs` in tiktoken-rs 0.12).
//! Those constructors are not called here: they embed the vocabularies in the binary.
//! The native tests check that the BPE built here encodes exactly as they do.

use rustc_hash::FxHashMap;
use tiktoken_rs::{CoreBPE, Rank};

use crate::vocab;

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

/// Builds the BPE of `encoding` from its compact vocabulary `bytes`.
///
/// # Errors
/// When `bytes` is not a compact vocabulary, or is the vocabulary of another encoding.
pub fn core_bpe(encoding: Encoding, bytes: &[u8]) -> Result<CoreBPE, String> {
    let vocab =
        vocab::decode(bytes).map_err(|e| format!("bad {} vocabulary: {e}", encoding.name()))?;
    if vocab.name != encoding.name() {
        return Err(format!(
            "expected the {} vocabulary, got {}",
            encoding.name(),
            vocab.name
        ));
    }
    let mut encoder: FxHashMap<Vec<u8>, Rank> = FxHashMap::default();
    encoder.reserve(vocab.len());
    for (rank, token) in vocab.iter() {
        // CoreBPE::new panics on a duplicate token, and the format does not rule them out.
        if encoder.insert(token.to_vec(), rank).is_some() {
            return Err(format!(
                "bad {} vocabulary: a token appears twice",
                encoding.name()
            ));
        }
    }
    let specials = encoding
        .special_tokens()
        .iter()
        .map(|&(text, rank)| (text.to_string(), rank))
        .collect();
    CoreBPE::new(encoder, specials, encoding.pattern()).map_err(|e| e.to_string())
}

/// How many tokens `text` is, every part of it counted as ordinary text: a special
/// token's text such as `<|endoftext|>` is split and counted like any other text (this
/// is how the API counts user content).
pub fn count(bpe: &CoreBPE, text: &str) -> usize {
    bpe.encode_ordinary(text).len()
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

    #[test]
    fn refuses_another_encodings_vocabulary() {
        let bytes = vocab::encode("cl100k_base", &[(0, b"a".to_vec())]).unwrap();
        let err = core_bpe(Encoding::O200kBase, &bytes).err().unwrap();
        assert!(err.contains("expected the o200k_base vocabulary"), "{err}");
        assert!(core_bpe(Encoding::O200kBase, b"junk").is_err());
    }
}
