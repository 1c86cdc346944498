//! Pure logic: the data model, talking OpenAI's wire format, parsing streams and
//! storing values. Nothing here touches a browser API, so all of it runs in `cargo test`.

pub mod archive;
pub mod conversation;
pub mod markdown;
pub mod memory;
pub mod message;
pub mod meter;
pub mod models;
pub mod names;
pub mod openai;
pub mod order;
pub mod persist;
pub mod search;
pub mod servers;
pub mod settings;
pub mod sse;
pub mod stats;
pub mod text;
pub mod tokens;
pub mod transfer;
pub mod tree;
