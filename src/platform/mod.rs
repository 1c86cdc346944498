//! The only code that touches browser APIs. It moves bytes and strings and turns
//! JavaScript errors into typed Rust errors; every decision stays in `core`.

pub mod archive;
pub mod clipboard;
pub mod clock;
pub mod download;
pub mod http;
pub mod import_worker;
pub mod markdown;
pub mod storage;
pub mod tokenizer;
