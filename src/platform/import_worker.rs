//! Splits a large import file into its conversations in a Web Worker
//! (`assets/import-worker.js`), so that reading it never holds the page.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, MessageEvent, Worker};

/// What the worker found in the file.
pub enum Split {
    /// A Mnemo export: its `format` and `v` as a JSON object, and each conversation as JSON.
    Export {
        header: String,
        entries: js_sys::Array,
    },
    /// Anything else: to be read whole, as a small file is.
    Other,
}

/// Reads `file` in a worker. Fails only when the worker cannot run (then the file can
/// still be read on the page).
pub async fn split(file: &File) -> Result<Split, String> {
    let worker = Worker::new("./import-worker.js").map_err(|e| format!("{e:?}"))?;
    let (send, receive) = oneshot::channel::<JsValue>();
    let send = Rc::new(RefCell::new(Some(send)));
    let answer = move |send: &Rc<RefCell<Option<oneshot::Sender<JsValue>>>>, data: JsValue| {
        if let Some(send) = send.borrow_mut().take() {
            let _ = send.send(data);
        }
    };
    // The conversations arrive in batches, each a message of its own; the last message
    // says what the file was.
    let entries = js_sys::Array::new();
    let on_message = {
        let send = Rc::clone(&send);
        let entries = entries.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            match field(&data, "entries").dyn_into::<js_sys::Array>() {
                Ok(batch) => {
                    for entry in batch.iter() {
                        entries.push(&entry);
                    }
                }
                Err(_) => answer(&send, data),
            }
        })
    };
    // A worker that fails to load or crashes answers nothing: read the file on the page.
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| answer(&send, JsValue::NULL));
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let result = match worker.post_message(file) {
        Ok(()) => receive
            .await
            .map_err(|_| "the import worker stopped".to_string()),
        Err(e) => Err(format!("{e:?}")),
    };
    worker.terminate();
    drop((on_message, on_error));
    match field(&result?, "header").as_string() {
        Some(header) => Ok(Split::Export { header, entries }),
        None => Ok(Split::Other),
    }
}

/// `data.key`, or undefined.
fn field(data: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(data, &key.into()).unwrap_or(JsValue::UNDEFINED)
}
