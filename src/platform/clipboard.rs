//! Copying text, and asking the user to confirm.

/// Puts `text` on the clipboard (asynchronously; failures are silent, the text stays on
/// screen to copy by hand).
pub fn copy(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Asks a yes/no question with the browser's own dialog.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
