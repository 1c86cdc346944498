//! Offering text to the user as a file download.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::storage::js_error_name;

/// How long a download's object URL is kept: the browser may start reading it only
/// after `click()` returns (Firefox and Safari do), so it is revoked well after.
const REVOKE_AFTER_MS: i32 = 60_000;

/// Offers `text` to the user as a file download named `filename`.
///
/// # Errors
/// The name of the browser error when the file could not be made.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| js_error_name(&e);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            revoke.unchecked_ref(),
            REVOKE_AFTER_MS,
        )
        .map_err(fail)?;
    Ok(())
}
