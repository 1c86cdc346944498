//! The markdown renderer as a wasm module of its own. pulldown-cmark and its tables are
//! about 65 KB gzip of wasm: in the app shell they would delay the first paint, so the
//! page loads this module beside the app (web/start.js), and the app shows replies as
//! plain text until it is in (src/platform/markdown.rs).

/// [`mnemo_markdown::render`], for the page.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn render(markdown: &str) -> String {
    mnemo_markdown::render(markdown)
}

fn main() {}
