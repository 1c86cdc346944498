//! Browser tests (wasm-bindgen-test in headless Chromium): storage and the IndexedDB
//! archive, the fetch → bytes → SSE pipeline on a real `ReadableStream`, and mounting the
//! app.
#![cfg(target_arch = "wasm32")]

use mnemo::core::conversation::{Conversation, ConversationId};
use mnemo::core::message::{Message, MessageId};
use mnemo::core::openai::stream::{ReplyDecoder, StreamEvent};
use mnemo::core::persist::{self, Index};
use mnemo::platform::http::ByteStream;
use mnemo::platform::storage;
use mnemo::state::store;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function byte_stream(parts) {
  const chunks = parts.map((p) => new Uint8Array(p));
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next); else controller.close();
    },
  });
}
export function response_body(parts) {
  return new Response(byte_stream(parts)).body;
}
"#)]
extern "C" {
    fn response_body(parts: js_sys::Array) -> web_sys::ReadableStream;
}

#[wasm_bindgen(inline_js = r#"
export function watch_revoked_urls() {
  const revoked = [];
  const revoke = URL.revokeObjectURL.bind(URL);
  URL.revokeObjectURL = (url) => {
    revoked.push(url);
    revoke(url);
  };
  return revoked;
}
"#)]
extern "C" {
    /// From now on, records every object URL the page revokes.
    fn watch_revoked_urls() -> js_sys::Array;
}

fn clear() {
    for key in storage::keys_with_prefix(persist::PREFIX) {
        storage::remove(&key);
    }
}

/// Splits `bytes` into chunks of `size` bytes as JS arrays.
fn parts(bytes: &[u8], size: usize) -> js_sys::Array {
    bytes
        .chunks(size)
        .map(|c| JsValue::from(js_sys::Uint8Array::from(c)))
        .collect()
}

#[wasm_bindgen_test]
fn a_conversation_round_trips_through_local_storage() {
    clear();
    let mut conversation = Conversation::new(ConversationId("t1".into()), 1.0);
    conversation.push_user(Message::user(MessageId("m1".into()), "héllo 🙂", 2.0));
    let mut index = Index::default();
    index.touch(&conversation);
    index.current = Some(conversation.id.clone());
    store::write(&persist::conversation_key(&conversation.id), &conversation).unwrap();
    store::write(persist::INDEX_KEY, &index).unwrap();
    let loaded = store::load();
    assert_eq!(loaded.conversation, Some(conversation));
    assert_eq!(loaded.index.current, Some(ConversationId("t1".into())));
    assert!(loaded.problems.is_empty());
}

#[wasm_bindgen_test]
fn a_corrupt_value_is_quarantined_and_left_in_place() {
    clear();
    storage::set(persist::SETTINGS_KEY, "{\"v\":1,\"data\":{oops").unwrap();
    let loaded = store::load();
    assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
    assert_eq!(
        storage::get(persist::SETTINGS_KEY).as_deref(),
        Some("{\"v\":1,\"data\":{oops")
    );
    let copies = storage::keys_with_prefix("mnemo.quarantine.");
    assert_eq!(copies.len(), 1);
    assert_eq!(
        storage::get(&copies[0]).as_deref(),
        Some("{\"v\":1,\"data\":{oops")
    );
}

#[wasm_bindgen_test]
fn the_key_is_stored_only_when_remembered() {
    clear();
    let mut settings = mnemo::core::settings::Settings::default();
    store::save_settings(&settings, "sk-secret").unwrap();
    assert_eq!(storage::get(persist::API_KEY_KEY), None);
    settings.remember_key = true;
    store::save_settings(&settings, "sk-secret").unwrap();
    assert_eq!(store::load().api_key, "sk-secret");
    settings.remember_key = false;
    store::save_settings(&settings, "sk-secret").unwrap();
    assert_eq!(storage::get(persist::API_KEY_KEY), None);
}

#[wasm_bindgen_test]
async fn a_reply_streamed_through_a_readable_stream_decodes_at_any_chunk_size() {
    let body = concat!(
        ": keepalive\r\n\r\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n\r\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Héllo \"}}]}\r\n\r\n",
        "event: message\r\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"🙂 there\"}}]}\r\n\r\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\r\n\r\n",
        "data: [DONE]\r\n\r\n",
    );
    for size in [1, 2, 3, 7, 64, body.len()] {
        let mut stream = ByteStream::from_body(response_body(parts(body.as_bytes(), size)));
        let mut decoder = ReplyDecoder::new();
        let mut text = String::new();
        let mut usage = None;
        let mut done = false;
        while let Some(chunk) = stream.next().await {
            for event in decoder.feed(&chunk.unwrap()) {
                match event {
                    StreamEvent::Text(t) => text.push_str(&t),
                    StreamEvent::Usage(u) => usage = Some(u.total_tokens),
                    StreamEvent::Done => done = true,
                    _ => {}
                }
            }
        }
        assert_eq!(text, "Héllo 🙂 there", "chunk size {size}");
        assert_eq!(usage, Some(12), "chunk size {size}");
        assert!(done, "chunk size {size}");
    }
}

#[wasm_bindgen_test]
async fn the_app_mounts_and_opens_settings_on_first_visit() {
    clear();
    mnemo::mount();
    leptos::task::tick().await;
    let document = web_sys::window().unwrap().document().unwrap();
    let composer = document
        .query_selector("textarea[aria-label='Message']")
        .unwrap();
    assert!(composer.is_some(), "the composer is rendered");
    let dialog = document
        .query_selector("dialog.settings")
        .unwrap()
        .expect("the settings dialog is rendered");
    assert!(
        dialog.has_attribute("open"),
        "the dialog opens by itself without a key"
    );
}

#[wasm_bindgen_test]
fn a_download_keeps_its_file_url_after_the_click() {
    let revoked = watch_revoked_urls();
    mnemo::platform::download::download("notes.txt", "text/plain", "hello")
        .expect("the download is offered");
    // Firefox and Safari read the file only after click() returns: revoking its URL at
    // once makes their download fail.
    assert_eq!(
        revoked.length(),
        0,
        "the file's URL is still there to be read"
    );
}

#[wasm_bindgen(inline_js = r#"
export function fail_puts_with(name) {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function () {
    throw new DOMException('as the browser says it', name);
  };
  return () => { IDBObjectStore.prototype.put = put; };
}
"#)]
extern "C" {
    fn fail_puts_with(name: &str) -> js_sys::Function;
}

/// A conversation titled `title` with one question.
fn conversation(title: &str, question: &str) -> Conversation {
    let mut c = Conversation::new(ConversationId(title.to_lowercase()), 1.0);
    c.push_user(Message::user(MessageId("q".into()), question, 2.0));
    c.title = title.into();
    c
}

/// The page's archive glue (web/archive.js), as index.html loads it before the app.
fn load_archive() {
    let window = web_sys::window().unwrap();
    if js_sys::Reflect::get(&window, &"mnemoArchive".into())
        .unwrap()
        .is_undefined()
    {
        js_sys::eval(include_str!("../web/archive.js")).expect("archive.js runs");
    }
}

/// What `archive::search` hands over for `needle` among `ids`: (id, text), in order.
async fn found_by(ids: &[String], needle: &str) -> Vec<(String, String)> {
    let found = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let into = found.clone();
    mnemo::platform::archive::search(needle, ids, move |id, text| {
        into.borrow_mut().push((id, text));
    })
    .await
    .expect("the search reads the archive");
    let all = found.borrow().clone();
    all
}

/// The ids `archive::search` hands over for `needle` among `ids`, in order.
async fn ids_found_by(ids: &[String], needle: &str) -> Vec<String> {
    found_by(ids, needle)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

#[wasm_bindgen_test]
async fn the_archive_stores_finds_lists_and_removes_records() {
    use mnemo::platform::archive;
    load_archive();
    archive::open().await.expect("IndexedDB opens");
    let text = persist::encode(&conversation("Heron", "Remember the word heron."));
    archive::put("web-1", &text).await.expect("stored");
    assert_eq!(
        archive::get("web-1").await.unwrap().as_deref(),
        Some(text.as_str())
    );
    assert!(archive::keys()
        .await
        .unwrap()
        .contains(&"web-1".to_string()));
    // Plain ASCII text is looked at in JavaScript: only what may hold the word comes back.
    let ids = [
        "web-2".to_string(),
        "web-1".to_string(),
        "web-missing".to_string(),
    ];
    assert_eq!(
        found_by(&ids, "heron").await,
        [("web-1".to_string(), text.clone())]
    );
    assert!(found_by(&ids, "egret").await.is_empty());
    // Text with an accent comes back for the app to look closer (an accent may fold to
    // the letter looked for); records come in the order asked for.
    let accented = persist::encode(&conversation("Café", "Un café, s'il vous plaît."));
    archive::put("web-2", &accented).await.unwrap();
    assert_eq!(
        ids_found_by(&ids, "egret").await,
        ["web-2"],
        "only the record with an accent"
    );
    let both = persist::encode(&conversation("Café heron", "A heron at the café."));
    archive::put("web-1", &both).await.unwrap();
    assert_eq!(
        ids_found_by(&ids, "cafe").await,
        ["web-2", "web-1"],
        "in the order of the ids"
    );
    for id in ["web-1", "web-2"] {
        archive::remove(id).await.unwrap();
        assert_eq!(archive::get(id).await.unwrap(), None);
    }
    let (used, quota) = archive::estimate().await.expect("the browser estimates");
    assert!(used >= 0.0 && quota > 0.0);
}

#[wasm_bindgen_test]
async fn a_quota_error_from_indexeddb_reads_as_full_and_stores_nothing() {
    use mnemo::platform::archive;
    load_archive();
    archive::open().await.expect("IndexedDB opens");
    let restore = fail_puts_with("QuotaExceededError");
    let result = archive::put("web-full", "{}").await;
    restore.call0(&JsValue::NULL).unwrap();
    assert_eq!(result, Err(storage::StorageError::Full));
    assert_eq!(archive::get("web-full").await.unwrap(), None);
}
