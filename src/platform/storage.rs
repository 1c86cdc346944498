//! localStorage as strings in, strings out, with its failures typed.

use wasm_bindgen::{JsCast, JsValue};

/// Why a write did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The browser refused for lack of space.
    Full,
    /// localStorage is missing or blocked (private mode, disabled cookies, sandbox).
    Unavailable(String),
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageError::Full => f.write_str("this browser's storage for Mnemo is full"),
            StorageError::Unavailable(why) => {
                write!(f, "this browser's storage is unavailable ({why})")
            }
        }
    }
}

fn local_storage() -> Result<web_sys::Storage, StorageError> {
    web_sys::window()
        .ok_or_else(|| StorageError::Unavailable("no window".into()))?
        .local_storage()
        .map_err(|e| StorageError::Unavailable(js_error_name(&e)))?
        .ok_or_else(|| StorageError::Unavailable("localStorage is disabled".into()))
}

/// The value under `key`, if any. A blocked storage reads as empty.
pub fn get(key: &str) -> Option<String> {
    local_storage().ok()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`.
///
/// # Errors
/// [`StorageError::Full`] on a quota error; nothing already stored is changed then.
pub fn set(key: &str, value: &str) -> Result<(), StorageError> {
    local_storage()?.set_item(key, value).map_err(write_error)
}

/// What a failed `setItem` means.
fn write_error(e: JsValue) -> StorageError {
    let name = js_error_name(&e);
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
        StorageError::Full
    } else {
        StorageError::Unavailable(name)
    }
}

/// Stores `prefix` + `text` as a JSON string + `suffix` under `key`. The browser quotes
/// the text and the result never crosses into wasm, so a long text costs little.
///
/// # Errors
/// As [`set`].
pub fn set_text(key: &str, prefix: &str, text: &str, suffix: &str) -> Result<(), StorageError> {
    let storage = local_storage()?;
    let quoted = js_sys::JSON::stringify(&JsValue::from_str(text))
        .map_err(|e| StorageError::Unavailable(js_error_name(&e)))?;
    let value = js_sys::JsString::from(prefix)
        .concat(&quoted)
        .concat(&JsValue::from_str(suffix));
    let set_item: js_sys::Function = js_sys::Reflect::get(&storage, &"setItem".into())
        .map_err(|e| StorageError::Unavailable(js_error_name(&e)))?
        .unchecked_into();
    set_item
        .call2(&storage, &key.into(), &value)
        .map(|_| ())
        .map_err(write_error)
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Ok(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Every key that starts with `prefix`.
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let Ok(storage) = local_storage() else {
        return Vec::new();
    };
    let len = storage.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

/// The `name` of a JavaScript error (`QuotaExceededError`, `AbortError`, …).
pub fn js_error_name(error: &wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Bytes localStorage holds for this site (browsers store it as UTF-16: two bytes per
/// code unit of every key and value).
pub fn used_bytes() -> f64 {
    let Ok(storage) = local_storage() else {
        return 0.0;
    };
    let len = storage.length().unwrap_or(0);
    let units: usize = (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .map(|k| {
            let value = storage.get_item(&k).ok().flatten().unwrap_or_default();
            k.encode_utf16().count() + value.encode_utf16().count()
        })
        .sum();
    units as f64 * 2.0
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    Some(web_sys::window()?.navigator().storage())
}

async fn resolve(
    promise: Result<js_sys::Promise, wasm_bindgen::JsValue>,
) -> Option<wasm_bindgen::JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise.ok()?)
        .await
        .ok()
}

/// Asks the browser not to evict this origin's data under storage pressure
/// (`navigator.storage.persist()`); whether it agreed.
pub async fn request_persistence() -> Option<bool> {
    resolve(storage_manager()?.persist()).await?.as_bool()
}
