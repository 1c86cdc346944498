//! The tokenizer Web Worker (built by Trunk as `mnemo-tokenizer_loader.js`,
//! `mnemo-tokenizer.js` and `mnemo-tokenizer_bg.wasm`); see `mnemo_tokenizer::worker`.

#[cfg(target_arch = "wasm32")]
fn main() {
    mnemo_tokenizer::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mnemo-tokenizer runs as a Web Worker: build it with trunk (see index.html).");
    std::process::exit(2);
}
