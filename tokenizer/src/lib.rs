//! Mnemo's token counter. Counting with tiktoken's BPE needs about 350 KB (gzip) of code
//! and a 0.4–1 MB vocabulary, too much for the app shell, so it runs in a Web Worker of
//! its own, built by Trunk from this crate, and loads a vocabulary only when the app
//! first counts with that encoding.
//!
//! - [`vocab`]: the compact vocabulary format, served as a static, content-hashed file;
//! - [`encoding`]: counting with it exactly as tiktoken-rs does ([`merge`]: tiktoken's
//!   merge for long pieces), and building tiktoken-rs's `CoreBPE` from it;
//! - `worker` (wasm32 only): the worker's message protocol;
//! - `generate` (native only): writing the vocabularies and their URL manifest from
//!   tiktoken-rs's own vocabulary files (the `mnemo-vocab` binary, run by Trunk).

pub mod encoding;
pub mod merge;
pub mod vocab;

#[cfg(not(target_arch = "wasm32"))]
pub mod generate;

#[cfg(target_arch = "wasm32")]
pub mod worker;
