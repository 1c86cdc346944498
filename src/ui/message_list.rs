//! The transcript, oldest first, following a streaming reply unless the user scrolled up.

use leptos::html::Div;
use leptos::prelude::*;

use super::message_item::MessageItem;
use crate::core::tokens::content_hash;
use crate::state::ChatState;

/// How close to the bottom (in pixels) still counts as "at the latest message".
const FOLLOW_SLACK: i32 = 48;

fn scroll_to_end(el: &web_sys::HtmlElement) {
    el.set_scroll_top(el.scroll_height());
}

/// Every message of the open conversation. Rows are keyed by position, id, status,
/// content hash and pin, so a streamed chunk (which changes none of them until the reply
/// ends, the stream writes past the signal) re-renders only the streaming row, and an
/// edit re-renders its row.
#[component]
pub fn MessageList() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let scroller = NodeRef::<Div>::new();
    let following = RwSignal::new(true);
    let rows = move || {
        state.conversation.with(|c| {
            c.messages
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    (
                        i,
                        m.id.clone(),
                        m.status.as_str(),
                        content_hash(&m.content),
                        m.pinned,
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    // New rows and streamed text keep the view at the bottom while the user follows.
    Effect::new(move |_| {
        state.stream_revision.track();
        state.conversation.track();
        if following.get_untracked() {
            if let Some(el) = scroller.get_untracked() {
                request_animation_frame(move || scroll_to_end(&el));
            }
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            following.set(gap <= FOLLOW_SLACK);
        }
    };
    let jump = move |_| {
        following.set(true);
        if let Some(el) = scroller.get_untracked() {
            scroll_to_end(&el);
        }
    };
    view! {
        <div class="transcript" node_ref=scroller on:scroll=on_scroll>
            <ol class="messages" aria-label="Messages">
                <For each=rows key=|row| row.clone() let:row>
                    <MessageItem index=row.0 id=row.1 />
                </For>
            </ol>
        </div>
        <Show when=move || !following.get()>
            <button type="button" class="jump" on:click=jump>"Jump to latest ↓"</button>
        </Show>
    }
}
