//! Mnemo's entry point: mount the app, nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    mnemo::mount();
}

// The app only runs in the browser; a native build exists for `cargo test` and clippy.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Mnemo runs in the browser: build it with `trunk build` and open dist/index.html.");
}
