//! The text of a message: markdown rendered safely, re-rendered at most once per frame
//! while it streams, and then only from its last finished block on. Until the markdown
//! module has loaded (it loads beside the app), replies show as plain text.

use leptos::html::Div;
use leptos::prelude::*;

use crate::core::markdown::stable_prefix_len;
use crate::core::message::{Message, MessageStatus, Role};
use crate::platform::markdown::render;
use crate::state::ChatState;

/// Shows `text` in `node`: replies as markdown (rendered safely) once the markdown module
/// is in, the user's own words as they were typed.
fn paint(node: &web_sys::HtmlElement, text: &str, markdown: bool) {
    match markdown.then(|| render(text)).flatten() {
        Some(html) => node.set_inner_html(&html),
        None => node.set_text_content(Some(text)),
    }
}

/// Shows the reasoning streamed so far in the Thinking section before `body` (drawn
/// hidden with the row; see `thinking.rs`).
fn paint_thinking(body: &web_sys::HtmlElement, reasoning: &str) {
    if reasoning.is_empty() {
        return;
    }
    let Some(section) = body.previous_element_sibling() else {
        return;
    };
    if !section.class_list().contains("thinking") {
        return;
    }
    let _ = section.remove_attribute("hidden");
    if let Ok(Some(text)) = section.query_selector(".thinking-text") {
        text.set_text_content(Some(reasoning));
    }
}

/// A streaming reply as painted so far: its finished blocks are rendered once into
/// `done`, and only what follows is rendered again, into `tail`, on each frame.
#[derive(Default)]
struct StreamPaint {
    rendered: usize,
    parts: Option<(web_sys::Element, web_sys::Element)>,
}

impl StreamPaint {
    fn paint(&mut self, node: &web_sys::HtmlElement, text: &str) {
        if !crate::platform::markdown::is_ready() {
            // Plain until the markdown module is in; then rendered from the start.
            return self.plain(node, text);
        }
        let Some((done, tail)) = self.parts.clone().or_else(|| {
            let document = node.owner_document()?;
            let done = document.create_element("div").ok()?;
            let tail = document.create_element("div").ok()?;
            node.set_text_content(None);
            node.append_with_node_2(&done, &tail).ok()?;
            self.parts = Some((done.clone(), tail.clone()));
            Some((done, tail))
        }) else {
            return paint(node, text, true);
        };
        let cut = stable_prefix_len(text);
        if cut < self.rendered || !text.is_char_boundary(self.rendered) {
            // The text was replaced rather than extended: start over.
            done.set_inner_html("");
            self.rendered = 0;
        }
        if cut > self.rendered {
            let Some(html) = render(&text[self.rendered..cut]) else {
                return self.plain(node, text);
            };
            let _ = done.insert_adjacent_html("beforeend", &html);
            self.rendered = cut;
        }
        let Some(html) = render(&text[self.rendered..]) else {
            return self.plain(node, text);
        };
        tail.set_inner_html(&html);
    }

    /// Shows the whole text plain (the module is not in, or failed on it), and starts over.
    fn plain(&mut self, node: &web_sys::HtmlElement, text: &str) {
        *self = StreamPaint::default();
        paint(node, text, false);
    }
}

/// A message's content. A streaming reply repaints on the next animation frame after a
/// chunk, never more than once per frame, so the cost per chunk does not grow with the
/// number of chunks that arrive between two frames.
#[component]
pub fn MessageBody(
    /// The message as it was when the row was created.
    message: Message,
) -> impl IntoView {
    let state = expect_context::<ChatState>();
    let node = NodeRef::<Div>::new();
    let id = message.id.clone();
    let markdown = message.role != Role::User;
    if message.status == MessageStatus::Streaming {
        // Plain shared state, not a reactive value: the frame callback may run after the
        // row was replaced (when the reply ends), and must then do nothing.
        let scheduled = std::rc::Rc::new(std::cell::Cell::new(false));
        let painted = std::rc::Rc::new(std::cell::RefCell::new(StreamPaint::default()));
        Effect::new(move |_| {
            state.stream_revision.track();
            state.markdown_ready.track();
            if scheduled.replace(true) {
                return;
            }
            let id = id.clone();
            let scheduled = scheduled.clone();
            let painted = painted.clone();
            request_animation_frame(move || {
                scheduled.set(false);
                if let Some(el) = node.try_get_untracked().flatten() {
                    state.conversation.with_untracked(|c| {
                        if let Some(m) = c.messages.iter().find(|m| m.id == id) {
                            paint_thinking(&el, &m.reasoning);
                            if markdown {
                                painted.borrow_mut().paint(&el, &m.content);
                            } else {
                                paint(&el, &m.content, false);
                            }
                        }
                    });
                }
            });
        });
    } else {
        let content = message.content.clone();
        Effect::new(move |_| {
            // Painted again when the markdown module comes in.
            state.markdown_ready.track();
            if let Some(el) = node.get() {
                paint(&el, &content, markdown);
            }
        });
    }
    // Copy buttons inside code blocks copy the code next to them.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if !target.class_list().contains("copy-code") {
            return;
        }
        if let Some(code) = target
            .closest(".code-block")
            .ok()
            .flatten()
            .and_then(|block| block.query_selector("code").ok().flatten())
        {
            let text = code.text_content().unwrap_or_default();
            leptos::task::spawn_local(async move {
                target.set_text_content(Some(
                    match crate::platform::clipboard::copy(&text).await {
                        Ok(()) => "Copied",
                        Err(_) => "Copy failed — select the text to copy it",
                    },
                ));
            });
        }
    };
    // A reply is shown as plain text, line breaks kept, until it can be rendered.
    let rendered = move || markdown && state.markdown_ready.get();
    view! { <div class="content" dir="auto" class:markdown=rendered class:plain=move || !rendered() node_ref=node on:click=on_click></div> }
}
