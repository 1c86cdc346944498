//! The archive in IndexedDB, through `window.mnemoArchive` (web/archive.js): one record
//! per conversation, its stored text keyed by its id. Every call is asynchronous and
//! fails with the browser's error name.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::storage::{js_error_name, StorageError};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = open)]
    fn js_open() -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = get)]
    fn js_get(id: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = put)]
    fn js_put(id: &str, text: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = remove)]
    fn js_remove(id: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = keys)]
    fn js_keys() -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = search)]
    fn js_search(
        needle: &str,
        ids: js_sys::Array,
        found: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = mnemoArchive, js_name = estimate)]
    fn js_estimate() -> Result<js_sys::Promise, JsValue>;
}

/// The event web/archive.js sends when another tab upgraded the database and this tab's
/// connection was closed.
pub const CLOSED_EVENT: &str = "mnemo-archive-closed";

/// Why the archive cannot be used: the browser's error name.
async fn call(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
    JsFuture::from(promise.map_err(|e| js_error_name(&e))?)
        .await
        .map_err(|e| js_error_name(&e))
}

/// A failed write as the app reports it.
fn write_error(name: String) -> StorageError {
    if name == "QuotaExceededError" {
        StorageError::Full
    } else {
        StorageError::Unavailable(name)
    }
}

/// Waits for the database to open.
///
/// # Errors
/// Why it cannot: `VersionBlocked` (another tab holds an older version), `VersionChanged`,
/// a missing IndexedDB, or the browser's error.
pub async fn open() -> Result<(), String> {
    call(js_open()).await.map(|_| ())
}

/// The stored text of conversation `id`, if there is one.
///
/// # Errors
/// The browser's error name.
pub async fn get(id: &str) -> Result<Option<String>, String> {
    Ok(call(js_get(id)).await?.as_string())
}

/// Stores `text` as conversation `id`; resolves once it is written.
///
/// # Errors
/// [`StorageError::Full`] on a quota error.
pub async fn put(id: &str, text: &str) -> Result<(), StorageError> {
    call(js_put(id, text))
        .await
        .map(|_| ())
        .map_err(write_error)
}

/// Removes conversation `id`.
///
/// # Errors
/// The browser's error name.
pub async fn remove(id: &str) -> Result<(), String> {
    call(js_remove(id)).await.map(|_| ())
}

/// The ids of every stored conversation.
///
/// # Errors
/// The browser's error name.
pub async fn keys() -> Result<Vec<String>, String> {
    let keys = call(js_keys()).await?;
    Ok(js_sys::Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .collect())
}

/// Reads the records of `ids`, in that order, and hands each whose stored text may contain
/// `needle` (folded for search) to `found` with its text as soon as it is read. Plain
/// ASCII text is looked at in JavaScript; any other is handed over, for `found` to look
/// closer. Ends early when a newer search starts.
///
/// # Errors
/// The browser's error name.
pub async fn search(
    needle: &str,
    ids: &[String],
    found: impl FnMut(String, String) + 'static,
) -> Result<(), String> {
    let found = Closure::<dyn FnMut(String, String)>::new(found);
    let ids: js_sys::Array = ids.iter().map(|id| JsValue::from_str(id)).collect();
    let result = call(js_search(needle, ids, found.as_ref())).await;
    drop(found);
    result.map(|_| ())
}

/// Bytes this site uses and may use (`navigator.storage.estimate()`), if known.
pub async fn estimate() -> Option<(f64, f64)> {
    let answer = call(js_estimate()).await.ok()?;
    let pair = js_sys::Array::from(&answer);
    Some((pair.get(0).as_f64()?, pair.get(1).as_f64()?))
}
