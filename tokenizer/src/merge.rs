//! tiktoken's merge for long pieces, counting only.
//!
//! tiktoken merges a piece of 100 bytes or more with a heap, in time `n log n`, instead of
//! the linear scan per merge it uses for shorter pieces (which is quadratic). tiktoken-rs
//! keeps that merge private to `CoreBPE`, and building a `CoreBPE` takes three times as long
//! as the rank map alone, so the function below is tiktoken's `_byte_pair_merge_large`
//! (tiktoken 0.9, vendored by tiktoken-rs 0.12 in `vendor_tiktoken.rs`; both MIT), cut down
//! to return how many tokens the piece is instead of their ranks. Every step is kept so
//! that it merges in the same order and ends with the same tokens; the native tests check
//! the counts against tiktoken-rs's `CoreBPE` on long pieces of every kind.

use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;
use tiktoken_rs::Rank;

#[derive(Eq, PartialEq, Clone, Copy)]
struct Merge {
    start: usize,
    rank: Rank,
}

impl Ord for Merge {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // BinaryHeap is a max-heap: the lowest rank, then the leftmost start, comes first.
        other
            .rank
            .cmp(&self.rank)
            .then_with(|| other.start.cmp(&self.start))
    }
}

impl PartialOrd for Merge {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

struct State {
    prev: usize,
    end: usize,
    next_end: usize,
    next_rank: Rank,
}

/// How many tokens the byte-pair merge of `piece` (at least 2 bytes) ends with.
pub fn count_large(ranks: &FxHashMap<Vec<u8>, Rank>, piece: &[u8]) -> usize {
    debug_assert!(piece.len() >= 2);
    let mut state = Vec::with_capacity(piece.len());
    state.push(State {
        prev: usize::MAX,
        end: 1,
        next_end: 2,
        next_rank: Rank::MAX,
    });
    let mut heap = BinaryHeap::with_capacity(piece.len());
    for i in 0..piece.len() - 1 {
        if let Some(&rank) = ranks.get(&piece[i..i + 2]) {
            heap.push(Merge { start: i, rank });
            state[i].next_rank = rank;
        }
        // Offset by one: this is the state of the byte at i + 1.
        state.push(State {
            prev: i,
            end: i + 2,
            next_end: i + 3,
            next_rank: Rank::MAX,
        });
    }

    // The merge of the token at `start` with the one after it, ending at `next_end`.
    let potential_merge =
        |state: &mut Vec<State>, heap: &mut BinaryHeap<Merge>, start: usize, next_end: usize| {
            state[start].next_end = next_end;
            state[start].next_rank = Rank::MAX; // Always invalidate the old merge.
            if next_end <= piece.len() {
                if let Some(&rank) = ranks.get(&piece[start..next_end]) {
                    heap.push(Merge { start, rank });
                    state[start].next_rank = rank;
                }
            }
        };

    // Repeatedly take the valid merge of lowest rank.
    while let Some(left) = heap.pop() {
        if left.rank == Rank::MAX {
            break;
        }
        if left.rank != state[left.start].next_rank {
            continue; // Invalidated since it was pushed.
        }
        let left_start = left.start;
        let right_start = state[left_start].end;
        let right_end = state[left_start].next_end;
        let right_next_end = state[right_start].next_end;

        state[left_start].end = right_end;
        potential_merge(&mut state, &mut heap, left_start, right_next_end);
        if right_end < state.len() {
            state[right_end].prev = left_start;
        }
        if left_start > 0 {
            let prev_start = state[left_start].prev;
            potential_merge(&mut state, &mut heap, prev_start, right_end);
        }
        state[right_start].next_rank = Rank::MAX;
    }

    // One token per remaining part.
    let mut count = 0;
    let mut i = 0;
    while i < state.len() {
        count += 1;
        i = state[i].end;
    }
    count
}
