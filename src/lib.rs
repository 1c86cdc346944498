//! Mnemo: a chatbot that lives in the browser.
//!
//! `core` is plain Rust (every decision, tested natively); `platform` moves bytes and
//! strings to and from browser APIs; `state` owns the signals and runs the send loop;
//! `ui` renders state and turns gestures into actions.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod platform;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// Installs the panic hook and mounts the app on `<body>`.
///
/// The hook logs the panic's message and place to the console. A panic then ends in a
/// trap (`unreachable`) that stops the app; the page's own script (web/start.js) sees that
/// trap, or any other, and tells the user, with a Reload button.
#[cfg(target_arch = "wasm32")]
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ui::app::App);
}
