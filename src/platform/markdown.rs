//! Markdown rendering by the markdown module (the `markdown/` crate), which `web/start.js`
//! loads beside the app and publishes as `window.mnemoMarkdown` once it runs, with the
//! event `mnemo-markdown-ready`. Until then (or if it cannot load) replies are shown as
//! plain text; nothing the app stores depends on it.

use std::cell::RefCell;

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The event `web/start.js` sends on `window` when the module is ready.
pub const READY_EVENT: &str = "mnemo-markdown-ready";

thread_local! {
    static RENDER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// The module's `render`, once it has loaded.
fn renderer() -> Option<Function> {
    RENDER.with(|cell| {
        if cell.borrow().is_none() {
            let window = web_sys::window()?;
            let module = Reflect::get(&window, &"mnemoMarkdown".into()).ok()?;
            let render = Reflect::get(&module, &"render".into()).ok()?;
            *cell.borrow_mut() = Some(render.dyn_into::<Function>().ok()?);
        }
        cell.borrow().clone()
    })
}

/// Whether the module has loaded, so that [`render`] renders.
pub fn is_ready() -> bool {
    renderer().is_some()
}

/// `markdown` as safe HTML (see `core::markdown`), or `None` while the module is not loaded.
pub fn render(markdown: &str) -> Option<String> {
    renderer()?
        .call1(&JsValue::NULL, &JsValue::from_str(markdown))
        .ok()?
        .as_string()
}
