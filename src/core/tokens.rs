//! Token accounting: which encoding a model uses, how chat framing adds to the count,
//! and a cache so recounting a conversation costs only its new messages.
//!
//! The counting itself (tiktoken's BPE) runs behind an async interface outside `core`,
//! in a worker; everything here is arithmetic on the counts it returns.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// A tiktoken encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// gpt-4o, gpt-4.1, o-series, gpt-5.
    O200kBase,
    /// gpt-4, gpt-4-turbo, gpt-3.5-turbo.
    Cl100kBase,
}

super::names::by_name!(Encoding, [
    "o200k_base" => Encoding::O200kBase,
    "cl100k_base" => Encoding::Cl100kBase,
]);

impl Encoding {
    /// tiktoken's name for the encoding.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// The encoding with tiktoken's name `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "o200k_base" => Some(Encoding::O200kBase),
            "cl100k_base" => Some(Encoding::Cl100kBase),
            _ => None,
        }
    }
}

/// Chat framing, from OpenAI's cookbook "How to count tokens with tiktoken"
/// (`num_tokens_from_messages`): every message costs its content plus
/// [`TOKENS_PER_MESSAGE`] (`<|start|>{role}\n … <|end|>\n`), a `name` adds
/// [`TOKENS_PER_NAME`], and every reply is primed with [`REPLY_PRIMING_TOKENS`]
/// (`<|start|>assistant<|message|>`). The cookbook uses these values for gpt-3.5-turbo
/// (0613 and later), gpt-4, gpt-4o and gpt-4o-mini; the API's `usage.prompt_tokens` is the
/// ground truth to compare with.
pub const TOKENS_PER_MESSAGE: u32 = 3;
/// See [`TOKENS_PER_MESSAGE`].
pub const TOKENS_PER_NAME: u32 = 1;
/// See [`TOKENS_PER_MESSAGE`].
pub const REPLY_PRIMING_TOKENS: u32 = 3;

/// The role names ("system", "user", "assistant") are one token each in both encodings.
pub const ROLE_TOKENS: u32 = 1;

/// What one message costs in a request: its framing, its role, its content, and its
/// `name` when it has one (the name's own tokens plus [`TOKENS_PER_NAME`]).
pub fn message_tokens(content_tokens: u32, name_tokens: Option<u32>) -> u32 {
    TOKENS_PER_MESSAGE
        + ROLE_TOKENS
        + content_tokens
        + name_tokens.map_or(0, |n| n + TOKENS_PER_NAME)
}

/// What a whole request's messages cost, given each message's cost from
/// [`message_tokens`]: their sum plus the reply priming.
pub fn prompt_tokens(message_costs: impl IntoIterator<Item = u32>) -> u32 {
    message_costs.into_iter().sum::<u32>() + REPLY_PRIMING_TOKENS
}

/// A rough count for when the vocabulary is not loaded yet: about four characters of
/// English per token, and one token per character outside ASCII (CJK, emoji), which
/// errs on the high side for accented Latin text. Shown to the user as an estimate ("≈").
pub fn estimate_tokens(text: &str) -> u32 {
    // Bytes, not chars: a character outside ASCII is one leading byte (0b11xx_xxxx) plus
    // continuation bytes (0b10xx_xxxx). A byte loop is several times quicker than
    // decoding, which matters for a megabyte pasted into the composer.
    let (ascii, other) = text.bytes().fold((0u32, 0u32), |(a, o), b| {
        (a + u32::from(b < 0x80), o + u32::from(b >= 0xC0))
    });
    ascii.div_ceil(4) + other
}

/// The number of characters (Unicode scalar values) in `text`, counted from its bytes.
pub fn char_count(text: &str) -> usize {
    text.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// A 64-bit hash of a text, to key the count cache without keeping the text. Eight
/// bytes per step (a multiply and a fold each, as in wyhash/fxhash), so hashing a 1 MB
/// draft takes well under a millisecond; the length is part of every cache key too.
pub fn content_hash(text: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |h: u64, word: u64| {
        let h = (h ^ word).wrapping_mul(K);
        h ^ (h >> 29)
    };
    let mut chunks = text.as_bytes().chunks_exact(8);
    let mut hash = 0xcbf2_9ce4_8422_2325u64 ^ text.len() as u64;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8 bytes"));
        hash = mix(hash, word);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(mix(hash, u64::from_le_bytes(tail)), K)
}

/// Exact content counts already known, keyed by content hash and encoding.
///
/// Bounded: past [`TokenCache::CAPACITY`] counts, the least recently used are dropped
/// (a quarter at a time, so the cost of finding them is spread over many inserts). A
/// count is used when it is read, so the texts of the open conversation, read for every
/// plan, stay. Reads take `&self` (the cache is read from inside reactive closures), so
/// the time of last use is kept in an atomic.
#[derive(Debug)]
pub struct TokenCache {
    counts: HashMap<(u64, usize, Encoding), Cached>,
    /// Counts every read and insert: the time of a use, in uses.
    clock: AtomicU64,
    capacity: usize,
}

#[derive(Debug)]
struct Cached {
    count: u32,
    used: AtomicU64,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::with_capacity(Self::CAPACITY)
    }
}

impl Clone for TokenCache {
    fn clone(&self) -> Self {
        TokenCache {
            counts: self
                .counts
                .iter()
                .map(|(key, cached)| {
                    let used = AtomicU64::new(cached.used.load(Ordering::Relaxed));
                    let count = cached.count;
                    (*key, Cached { count, used })
                })
                .collect(),
            clock: AtomicU64::new(self.clock.load(Ordering::Relaxed)),
            capacity: self.capacity,
        }
    }
}

impl TokenCache {
    /// How many counts the cache keeps: far more than the messages of a long
    /// conversation, and about a megabyte of memory.
    pub const CAPACITY: usize = 20_000;

    /// A cache that keeps at most `capacity` counts (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        TokenCache {
            counts: HashMap::new(),
            clock: AtomicU64::new(0),
            capacity: capacity.max(1),
        }
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The cached count of `text`, if it was counted before.
    pub fn get(&self, text: &str, encoding: Encoding) -> Option<u32> {
        let cached = self
            .counts
            .get(&(content_hash(text), text.len(), encoding))?;
        cached.used.store(self.tick(), Ordering::Relaxed);
        Some(cached.count)
    }

    /// Remembers the exact count of `text`, dropping the least recently used counts when
    /// the cache is full.
    pub fn insert(&mut self, text: &str, encoding: Encoding, count: u32) {
        let used = AtomicU64::new(self.tick());
        self.counts.insert(
            (content_hash(text), text.len(), encoding),
            Cached { count, used },
        );
        if self.counts.len() > self.capacity {
            self.keep_most_recent(self.capacity - self.capacity / 4);
        }
    }

    /// Drops all but the `keep` most recently used counts.
    fn keep_most_recent(&mut self, keep: usize) {
        let mut uses: Vec<u64> = self
            .counts
            .values()
            .map(|c| c.used.load(Ordering::Relaxed))
            .collect();
        let Some(drop) = uses.len().checked_sub(keep).filter(|&n| n > 0) else {
            return;
        };
        // Every use has its own time, so exactly `keep` are at or after the cut.
        let (_, &mut cut, _) = uses.select_nth_unstable(drop);
        self.counts
            .retain(|_, c| c.used.load(Ordering::Relaxed) >= cut);
    }

    /// The texts among `texts` whose count is not known yet (each once).
    pub fn missing<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
        encoding: Encoding,
    ) -> Vec<&'a str> {
        let mut seen = std::collections::HashSet::new();
        texts
            .into_iter()
            .filter(|t| self.get(t, encoding).is_none() && seen.insert((content_hash(t), t.len())))
            .collect()
    }

    /// The count of `text`: exact when cached, otherwise an estimate (and `false`).
    pub fn count_or_estimate(&self, text: &str, encoding: Encoding) -> (u32, bool) {
        match self.get(text, encoding) {
            Some(n) => (n, true),
            None => (estimate_tokens(text), false),
        }
    }

    /// How many counts are cached.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_adds_four_per_message_and_one_for_a_name() {
        assert_eq!(message_tokens(10, None), 14);
        assert_eq!(message_tokens(10, Some(2)), 17);
        assert_eq!(prompt_tokens([14, 17]), 34);
    }

    #[test]
    fn the_cache_keys_by_content_and_encoding() {
        let mut cache = TokenCache::default();
        cache.insert("hello", Encoding::O200kBase, 1);
        assert_eq!(cache.get("hello", Encoding::O200kBase), Some(1));
        assert_eq!(cache.get("hello", Encoding::Cl100kBase), None);
        assert_eq!(cache.get("hellO", Encoding::O200kBase), None);
        assert_eq!(
            cache.missing(["hello", "new", "new"], Encoding::O200kBase),
            ["new"]
        );
        assert_eq!(
            cache.count_or_estimate("abcdefgh", Encoding::O200kBase),
            (2, false)
        );
    }

    #[test]
    fn the_cache_is_bounded_and_keeps_what_was_used_recently() {
        let mut cache = TokenCache::default();
        cache.insert("kept", Encoding::O200kBase, 7);
        for i in 0..60_000 {
            cache.insert(&format!("text {i}"), Encoding::O200kBase, i);
            if i % 1_000 == 0 {
                assert_eq!(
                    cache.count_or_estimate("kept", Encoding::O200kBase),
                    (7, true)
                );
            }
        }
        assert!(
            cache.len() <= TokenCache::CAPACITY,
            "{} entries",
            cache.len()
        );
        assert_eq!(cache.get("kept", Encoding::O200kBase), Some(7));
        assert_eq!(cache.get("text 0", Encoding::O200kBase), None);
        assert_eq!(cache.get("text 59999", Encoding::O200kBase), Some(59_999));
    }

    #[test]
    fn a_full_cache_drops_the_least_recently_used_counts() {
        let mut cache = TokenCache::with_capacity(8);
        let texts: Vec<String> = (0..8).map(|i| format!("t{i}")).collect();
        for (i, t) in texts.iter().enumerate() {
            cache.insert(t, Encoding::O200kBase, i as u32);
        }
        assert_eq!(cache.len(), 8);
        // Read the oldest two: they are now the most recently used.
        assert_eq!(cache.get("t0", Encoding::O200kBase), Some(0));
        assert_eq!(cache.missing(["t1", "new"], Encoding::O200kBase), ["new"]);
        cache.insert("new", Encoding::O200kBase, 99);
        assert_eq!(cache.len(), 6, "a quarter fewer than the capacity");
        let kept: Vec<&str> = ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "new"]
            .into_iter()
            .filter(|t| cache.get(t, Encoding::O200kBase).is_some())
            .collect();
        assert_eq!(kept, ["t0", "t1", "t5", "t6", "t7", "new"]);
        let copy = cache.clone();
        assert_eq!(copy.len(), 6);
        assert_eq!(copy.get("new", Encoding::O200kBase), Some(99));
    }

    #[test]
    fn estimates_are_never_zero_for_text() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("a"), 1);
        assert_eq!(estimate_tokens("日本語"), 3);
        assert_eq!(estimate_tokens("naïve café 🙂"), 3 + 3);
        assert_eq!(char_count("naïve café 🙂"), 12);
    }

    #[test]
    fn hashes_tell_close_texts_apart() {
        let texts = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "bbcdefgh",
            "The quick brown fox",
            "The quick brown fox ",
            "the quick brown fox",
        ];
        let hashes: std::collections::HashSet<u64> =
            texts.iter().map(|t| content_hash(t)).collect();
        assert_eq!(hashes.len(), texts.len());
        assert_eq!(content_hash("same text"), content_hash("same text"));
    }

    #[test]
    fn encodings_have_tiktoken_names() {
        for e in [Encoding::O200kBase, Encoding::Cl100kBase] {
            assert_eq!(Encoding::from_name(e.name()), Some(e));
        }
    }
}
