//! Exact token counts from the tokenizer Web Worker (the `tokenizer/` crate; its
//! `worker` module documents the message protocol). The worker and the vocabularies are
//! files of their own, never part of the app shell: [`Tokenizer::start`] starts the
//! worker, and a vocabulary (0.4–1 MB gzip) is fetched by the worker the first time
//! [`Tokenizer::count`] or [`Tokenizer::load`] is called with its encoding.
//!
//! The URLs come from a manifest that the build inlines into index.html (Trunk's
//! `pre_build` hook writes it, see `tokenizer/src/generate.rs`):
//!
//! ```html
//! <script type="application/json" id="mnemo-tokenizer">
//!   {"worker": "/mnemo-tokenizer_loader.js",
//!    "vocab": {"o200k_base": "/vocab/vocab-o200k_base-<hash>.bin", "cl100k_base": "…"}}
//! </script>
//! ```
//!
//! The vocabularies' names carry a hash of their content, so index.html always names
//! the vocabularies of its own build and the browser may cache them for good.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::tokens::Encoding;

/// The id of the manifest element in index.html.
const MANIFEST_ELEMENT_ID: &str = "mnemo-tokenizer";

type Reply = Result<Vec<u32>, String>;

/// A handle on the tokenizer worker. Cheap to clone: clones share the worker.
#[derive(Clone)]
pub struct Tokenizer {
    inner: Rc<Inner>,
}

struct Inner {
    worker_url: String,
    vocab_urls: HashMap<Encoding, String>,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    next_id: u32,
    connections: u32,
    connection: Option<Connection>,
}

/// One running worker, with the requests it has not answered yet.
struct Connection {
    number: u32,
    worker: web_sys::Worker,
    pending: HashMap<u32, oneshot::Sender<Reply>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Deserialize)]
struct Manifest {
    worker: String,
    vocab: HashMap<String, String>,
}

impl Tokenizer {
    /// Reads the URLs from index.html's manifest and starts the worker (which loads no
    /// vocabulary yet), or takes over the one index.html started while the app loaded.
    ///
    /// # Errors
    /// When index.html has no valid manifest (the page was not built by trunk) or the
    /// browser refuses to start the worker.
    pub fn start() -> Result<Tokenizer, String> {
        let (worker_url, vocab_urls) = read_manifest()?;
        let inner = Rc::new(Inner {
            worker_url,
            vocab_urls,
            state: RefCell::default(),
        });
        let connection = Inner::connect(&inner)?;
        inner.state.borrow_mut().connection = Some(connection);
        Ok(Tokenizer { inner })
    }

    /// How many tokens each of `texts` is in `encoding`, every text counted as ordinary
    /// text (`<|endoftext|>` is counted like any other text, never as a special token).
    /// The first call for an encoding waits for its vocabulary to load.
    ///
    /// Requests are answered in order. If the worker fails, the pending requests fail and
    /// the next call starts a new worker.
    ///
    /// # Errors
    /// A message for the user when the vocabulary cannot be loaded or the worker failed.
    pub async fn count(&self, encoding: Encoding, texts: Vec<String>) -> Result<Vec<u32>, String> {
        let expected = texts.len();
        let receiver = self.inner.send(encoding, texts)?;
        let counts = receiver
            .await
            .unwrap_or_else(|_| Err("The tokenizer stopped before answering.".to_string()))?;
        if counts.len() != expected {
            return Err(format!(
                "The tokenizer returned {} counts for {expected} texts.",
                counts.len()
            ));
        }
        Ok(counts)
    }

    /// Asks the worker to load the vocabulary of `encoding` now, without waiting for it:
    /// the next counts find it loaded, or on its way. Failures are left to those counts.
    pub fn preload(&self, encoding: Encoding) {
        let _ = self.inner.send(encoding, Vec::new());
    }

    /// Loads the vocabulary of `encoding` in the worker, if it is not loaded yet, so
    /// that the next [`count`](Self::count) with it answers at once.
    ///
    /// # Errors
    /// As [`count`](Self::count).
    pub async fn load(&self, encoding: Encoding) -> Result<(), String> {
        self.count(encoding, Vec::new()).await.map(drop)
    }
}

impl Inner {
    /// Starts a worker; its messages and errors go to `this`.
    fn connect(this: &Rc<Inner>) -> Result<Connection, String> {
        let number = {
            let mut state = this.state.borrow_mut();
            state.connections = state.connections.wrapping_add(1);
            state.connections
        };
        let worker = match (number == 1).then(take_early_worker).flatten() {
            Some(worker) => worker,
            None => web_sys::Worker::new(&this.worker_url)
                .map_err(|e| format!("Could not start the tokenizer ({}).", js_message(&e)))?,
        };
        let weak: Weak<Inner> = Rc::downgrade(this);
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
            let weak = weak.clone();
            move |event: web_sys::MessageEvent| {
                if let Some(inner) = weak.upgrade() {
                    inner.receive(number, &event.data());
                }
            }
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let message = match event.dyn_ref::<web_sys::ErrorEvent>() {
                Some(error) => format!("The tokenizer failed: {}", error.message()),
                None => "The tokenizer could not be loaded.".to_string(),
            };
            if let Some(inner) = weak.upgrade() {
                inner.fail(number, message);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Connection {
            number,
            worker,
            pending: HashMap::new(),
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends a request to the worker (starting one if needed); the receiver gets its reply.
    fn send(
        self: &Rc<Self>,
        encoding: Encoding,
        texts: Vec<String>,
    ) -> Result<oneshot::Receiver<Reply>, String> {
        let vocab_url = self
            .vocab_urls
            .get(&encoding)
            .ok_or_else(|| format!("This build has no {} vocabulary.", encoding.name()))?;
        if self.state.borrow().connection.is_none() {
            let connection = Inner::connect(self)?;
            self.state.borrow_mut().connection = Some(connection);
        }
        let mut state = self.state.borrow_mut();
        let id = state.next_id;
        state.next_id = id.wrapping_add(1);
        let request = object(&[
            ("id", id.into()),
            ("encoding", encoding.name().into()),
            ("vocab_url", vocab_url.into()),
            (
                "texts",
                texts
                    .iter()
                    .map(|t| JsValue::from_str(t))
                    .collect::<Array>()
                    .into(),
            ),
        ]);
        let connection = state.connection.as_mut().expect("connected above");
        // Sent at once, even to a worker still loading: its entry script keeps the request
        // and starts fetching the vocabulary meanwhile.
        connection
            .worker
            .post_message(&request)
            .map_err(|e| format!("Could not reach the tokenizer ({}).", js_message(&e)))?;
        let (sender, receiver) = oneshot::channel();
        connection.pending.insert(id, sender);
        Ok(receiver)
    }

    /// Handles a message from worker number `number`.
    fn receive(&self, number: u32, data: &JsValue) {
        let field = |name: &str| Reflect::get(data, &name.into()).unwrap_or(JsValue::UNDEFINED);
        if let Some(fatal) = field("fatal").as_string() {
            return self.fail(number, fatal);
        }
        let mut state = self.state.borrow_mut();
        let Some(connection) = state.connection.as_mut().filter(|c| c.number == number) else {
            return;
        };
        let Some(sender) = field("id")
            .as_f64()
            .and_then(|id| connection.pending.remove(&(id as u32)))
        else {
            return;
        };
        drop(state);
        let reply = match field("error").as_string() {
            Some(error) => Err(error),
            None => {
                let counts = field("counts");
                if Array::is_array(&counts) {
                    Array::from(&counts)
                        .iter()
                        .map(|n| n.as_f64().map(|n| n as u32))
                        .collect::<Option<Vec<u32>>>()
                        .ok_or_else(|| {
                            "The tokenizer returned a count that is not a number.".to_string()
                        })
                } else {
                    Err("The tokenizer returned no counts.".to_string())
                }
            }
        };
        let _ = sender.send(reply);
    }

    /// Stops worker number `number` after a failure: its pending requests fail with
    /// `message`, and the next request starts a new worker.
    fn fail(&self, number: u32, message: String) {
        let connection = {
            let mut state = self.state.borrow_mut();
            match &state.connection {
                Some(c) if c.number == number => state.connection.take(),
                _ => None,
            }
        };
        let Some(mut connection) = connection else {
            return;
        };
        connection.worker.terminate();
        for (_, sender) in connection.pending.drain() {
            let _ = sender.send(Err(message.clone()));
        }
        // This may run inside one of the connection's own handlers: drop them later.
        wasm_bindgen_futures::spawn_local(async move { drop(connection) });
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// The worker that index.html's `web/start.js` started while the app loaded, if it
/// did and nothing has failed in it yet (a failed one is stopped: the caller starts another).
fn take_early_worker() -> Option<web_sys::Worker> {
    let window = web_sys::window()?;
    let early = Reflect::get(&window, &"mnemoTokenizer".into()).ok()?;
    let _ = Reflect::delete_property(&window, &"mnemoTokenizer".into());
    let worker = Reflect::get(&early, &"worker".into())
        .ok()?
        .dyn_into::<web_sys::Worker>()
        .ok()?;
    let failed = Reflect::get(&early, &"error".into()).is_ok_and(|e| e.is_truthy());
    if failed {
        worker.terminate();
        return None;
    }
    Some(worker)
}

/// The worker's URL and each vocabulary's URL, made absolute against the page's base URL.
fn read_manifest() -> Result<(String, HashMap<Encoding, String>), String> {
    let missing = || {
        format!(
            "This page has no tokenizer manifest (#{MANIFEST_ELEMENT_ID}): build it with trunk."
        )
    };
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(missing)?;
    let text = document
        .get_element_by_id(MANIFEST_ELEMENT_ID)
        .and_then(|e| e.text_content())
        .ok_or_else(missing)?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| format!("The tokenizer manifest is not valid: {e}."))?;
    let base = document
        .base_uri()
        .ok()
        .flatten()
        .ok_or("The page has no base URL.")?;
    let absolute = |url: &str| {
        web_sys::Url::new_with_base(url, &base)
            .map(|u| u.href())
            .map_err(|_| format!("The tokenizer manifest has a bad URL: {url}."))
    };
    let vocab_urls = manifest
        .vocab
        .iter()
        .filter_map(|(name, url)| Some((Encoding::from_name(name)?, url)))
        .map(|(encoding, url)| Ok((encoding, absolute(url)?)))
        .collect::<Result<_, String>>()?;
    Ok((absolute(&manifest.worker)?, vocab_urls))
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}

fn js_message(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => value.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}
