//! Copying text to the clipboard.

/// Puts `text` on the clipboard.
///
/// # Errors
/// The name of the browser error when the clipboard refused (no permission, the page
/// not focused); the text is still on screen to copy by hand.
pub async fn copy(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| super::storage::js_error_name(&e))
}
