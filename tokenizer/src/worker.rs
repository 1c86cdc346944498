//! The Web Worker: counts tokens for the app's main thread, so that neither loading a
//! vocabulary (a fetch and a few hundred milliseconds of hashing) nor counting a long
//! text ever blocks the page.
//!
//! # Protocol
//!
//! Messages are plain objects (structured clone), one reply per request:
//!
//! - worker → main, once, when its wasm has loaded: `{ready: true}`. Requests may be
//!   sent before: the worker's entry script (`tokenizer/mnemo-tokenizer_loader.js`) keeps
//!   them, and starts fetching the vocabulary they name while the wasm loads.
//! - main → worker: `{id, encoding, vocab_url, texts}`: `encoding` is `"o200k_base"` or
//!   `"cl100k_base"`, `vocab_url` the absolute URL of that encoding's compact vocabulary
//!   (see [`crate::vocab`]), `texts` an array of strings; `id` is anything, returned as is.
//! - worker → main: `{id, counts}`, `counts[i]` being the number of tokens of
//!   `texts[i]` (special tokens' text counted as ordinary text), or `{id, error}` with a
//!   message when the request is malformed or the vocabulary cannot be loaded (the load
//!   is tried again by the next request).
//! - worker → main: `{fatal}`, a message, if the worker panics; it is unusable after
//!   that and should be terminated (the pending requests get no reply).
//!
//! Requests are handled one at a time, in order. A vocabulary is fetched on the first
//! request for its encoding (through the browser's HTTP cache) and kept for the
//! worker's lifetime; later `vocab_url`s for that encoding are ignored.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

use crate::encoding::{Counter, Encoding};

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    inbox: RefCell<VecDeque<JsValue>>,
    draining: Cell<bool>,
    loaded: RefCell<HashMap<Encoding, Rc<Counter>>>,
}

/// Starts listening for requests, takes over those that came while the wasm loaded, and
/// tells the main thread it is ready.
pub fn run() {
    std::panic::set_hook(Box::new(|info| {
        // Runs before the abort: the main thread learns why the worker stopped answering.
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let message = format!("The tokenizer crashed: {info}");
        let _ = scope.post_message(&object(&[("fatal", message.into())]));
    }));

    let worker = Rc::new(Worker {
        scope: js_sys::global().unchecked_into(),
        inbox: RefCell::default(),
        draining: Cell::new(false),
        loaded: RefCell::default(),
    });
    let on_message = {
        let worker = Rc::clone(&worker);
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            receive(&worker, event.data());
        })
    };
    worker
        .scope
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // Nothing is dispatched while this runs: the early messages come before any other.
    let early = Reflect::get(&worker.scope, &"mnemoEarly".into()).unwrap_or(JsValue::UNDEFINED);
    let messages = Reflect::get(&early, &"messages".into()).unwrap_or(JsValue::UNDEFINED);
    if Array::is_array(&messages) {
        for message in Array::from(&messages).iter() {
            receive(&worker, message);
        }
    }
    let _ = worker
        .scope
        .post_message(&object(&[("ready", JsValue::TRUE)]));
}

/// Puts a request in the inbox, and starts answering if the worker is not already.
fn receive(worker: &Rc<Worker>, request: JsValue) {
    worker.inbox.borrow_mut().push_back(request);
    if !worker.draining.replace(true) {
        wasm_bindgen_futures::spawn_local(drain(Rc::clone(worker)));
    }
}

/// Answers the requests in the inbox, one after the other, until it is empty.
async fn drain(worker: Rc<Worker>) {
    loop {
        let next = worker.inbox.borrow_mut().pop_front();
        let Some(request) = next else {
            worker.draining.set(false);
            return;
        };
        let id = Reflect::get(&request, &"id".into()).unwrap_or(JsValue::NULL);
        let reply = match worker.answer(&request).await {
            Ok(counts) => object(&[("id", id), ("counts", counts.into())]),
            Err(error) => object(&[("id", id), ("error", error.into())]),
        };
        let _ = worker.scope.post_message(&reply);
    }
}

impl Worker {
    async fn answer(&self, request: &JsValue) -> Result<Array, String> {
        let field = |name: &str| Reflect::get(request, &name.into()).unwrap_or(JsValue::UNDEFINED);
        let name = field("encoding")
            .as_string()
            .ok_or("The request has no encoding.")?;
        let encoding =
            Encoding::from_name(&name).ok_or_else(|| format!("Unknown encoding {name:?}."))?;
        let texts = field("texts");
        if !Array::is_array(&texts) {
            return Err("The request's texts are not an array.".into());
        }
        let texts = Array::from(&texts)
            .iter()
            .enumerate()
            .map(|(i, text)| text.as_string().ok_or(format!("Text {i} is not a string.")))
            .collect::<Result<Vec<String>, String>>()?;
        let counter = self
            .counter(encoding, field("vocab_url").as_string())
            .await?;
        texts
            .iter()
            .map(|text| Ok(JsValue::from(counter.count(text)? as u32)))
            .collect()
    }

    /// The counter of `encoding`, loaded from `vocab_url` the first time.
    async fn counter(
        &self,
        encoding: Encoding,
        vocab_url: Option<String>,
    ) -> Result<Rc<Counter>, String> {
        if let Some(counter) = self.loaded.borrow().get(&encoding) {
            return Ok(Rc::clone(counter));
        }
        let name = encoding.name();
        let url = vocab_url.ok_or_else(|| format!("The request has no vocab_url for {name}."))?;
        let bytes = fetch(&self.scope, &url)
            .await
            .map_err(|e| format!("Could not load the {name} vocabulary from {url}: {e}."))?;
        let counter = Rc::new(Counter::new(encoding, &bytes)?);
        self.loaded
            .borrow_mut()
            .insert(encoding, Rc::clone(&counter));
        Ok(counter)
    }
}

/// The bytes at `url`: those the entry script started fetching early, the first time, or
/// else fetched now.
async fn fetch(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<Vec<u8>, String> {
    let early = Reflect::get(scope, &"mnemoEarly".into())
        .and_then(|early| Reflect::get(&early, &"vocab".into()))
        .ok()
        .and_then(|vocab| vocab.dyn_into::<js_sys::Map>().ok());
    let started = early.as_ref().and_then(|vocab| {
        let promise = vocab.get(&url.into()).dyn_into::<js_sys::Promise>().ok()?;
        // Used once: a failed early fetch is retried by the next request.
        vocab.delete(&url.into());
        Some(promise)
    });
    if let Some(promise) = started {
        let buffer = JsFuture::from(promise).await.map_err(js_message)?;
        return Ok(js_sys::Uint8Array::new(&buffer).to_vec());
    }
    let response: Response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(js_message)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(js_message)?)
        .await
        .map_err(js_message)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn js_message(value: JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => value.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}
