//! Markdown for the transcript: the renderer lives in its own crate (`markdown/`), which
//! the page loads as a wasm module after the app shell (see `platform::markdown`). The app
//! itself only cuts a streaming reply where its finished blocks end; native code (tests,
//! benchmarks) renders through here as well.

pub use mnemo_markdown::{render, stable_prefix_len};
