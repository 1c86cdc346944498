//! The transcript, oldest first, following a streaming reply unless the user scrolled up.

use leptos::html::Div;
use leptos::prelude::*;

use super::message_item::MessageItem;
use crate::core::conversation::ConversationId;
use crate::core::tokens::content_hash;
use crate::state::ChatState;

/// How close to the bottom (in pixels) still counts as "at the latest message".
const FOLLOW_SLACK: i32 = 48;

/// Messages rendered at first, and added each time the reader reaches the top: a long
/// conversation opens as fast as a short one.
const SLICE: usize = 24;

/// How close to the top (in pixels) starts rendering the earlier slice.
const EARLIER_SLACK: i32 = 300;

/// Pixels of content below the view.
fn gap_below(el: &web_sys::HtmlElement) -> i32 {
    el.scroll_height() - el.scroll_top() - el.client_height()
}

fn scroll_to_end(el: &web_sys::HtmlElement) {
    el.set_scroll_top(el.scroll_height());
}

/// The messages of the open conversation, newest last: when it opens, its newest
/// [`SLICE`], then earlier ones a slice at a time as the reader scrolls up. Rows are keyed by position, id, status,
/// content hash and pin, so a streamed chunk (which changes none of them until the reply
/// ends, the stream writes past the signal) re-renders only the streaming row, and an
/// edit re-renders its row.
#[component]
pub fn MessageList() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let scroller = NodeRef::<Div>::new();
    let following = RwSignal::new(true);
    // For the open conversation: how many of its oldest messages are not rendered. Set
    // when it opens, lowered by "Show earlier"; messages added later are always rendered.
    let window = StoredValue::new((ConversationId(String::new()), 0usize));
    let revealed = RwSignal::new(0u32);
    let hidden = move || {
        revealed.track();
        state.conversation.with(|c| {
            let len = c.messages.len();
            window.update_value(|(id, n)| {
                if *id != c.id {
                    *id = c.id.clone();
                    *n = len.saturating_sub(SLICE);
                }
            });
            window.with_value(|(_, n)| (*n).min(len))
        })
    };
    // Another conversation opens at its newest message, and a new request (a message
    // sent, a retry, a regeneration) brings the reader down to its reply.
    let open_id = Memo::new(move |_| state.conversation.with(|c| c.id.clone()));
    Effect::new(move |_| {
        // Read, not only tracked: a memo nobody has read has no sources yet, so tracking
        // it alone never re-runs this effect.
        open_id.with(|_| ());
        following.set(true);
    });
    Effect::new(move |_| {
        if state.streaming.with(Option::is_some) {
            following.set(true);
        }
    });
    let rows = move || {
        let skip = hidden();
        state.conversation.with(|c| {
            c.messages
                .iter()
                .enumerate()
                .skip(skip)
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
    // Whether there is more below the view: "Jump to latest" needs somewhere to go.
    let below = RwSignal::new(false);
    // New rows and streamed text keep the view at the bottom while the user follows. The
    // choice is made in the frame, after every effect of this change has run (opening
    // another conversation sets `following` in one of them).
    Effect::new(move |_| {
        state.stream_revision.track();
        state.conversation.track();
        following.track();
        request_animation_frame(move || {
            let Some(el) = scroller.try_get_untracked().flatten() else {
                return;
            };
            if following.try_get_untracked().unwrap_or(false) {
                scroll_to_end(&el);
            }
            below.maybe_update(|b| std::mem::replace(b, gap_below(&el) > FOLLOW_SLACK) != *b);
        });
    });
    // Renders the earlier slice and keeps the messages in view where they were.
    let show_earlier = move || {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let (height, top) = (el.scroll_height(), el.scroll_top());
        window.update_value(|(_, n)| *n = n.saturating_sub(SLICE));
        revealed.update(|r| *r += 1);
        request_animation_frame(move || el.set_scroll_top(top + el.scroll_height() - height));
    };
    // Where the last scroll event left the view, and how tall the content was then.
    let last = StoredValue::new((0, 0));
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            let (top, height) = (el.scroll_top(), el.scroll_height());
            let (last_top, last_height) = last.get_value();
            last.set_value((top, height));
            let gap = gap_below(&el);
            // Only the reader moves the view up over content that did not shrink: a
            // shorter conversation or a removed message moves it up by itself.
            let moved_up = top < last_top && height >= last_height;
            // Only a reader who had already left the bottom is scrolling up to read: a
            // scroll event while following comes from the content changing.
            let reading_back = !following.get_untracked();
            if gap <= FOLLOW_SLACK {
                following.set(true);
            } else if moved_up {
                following.set(false);
            }
            below.maybe_update(|b| std::mem::replace(b, gap > FOLLOW_SLACK) != *b);
            if reading_back && top <= EARLIER_SLACK && hidden() > 0 {
                show_earlier();
            }
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
            <Show when=move || { hidden() > 0 }>
                <button type="button" class="quiet earlier" on:click=move |_| show_earlier()>
                    {move || format!("Show earlier messages ({} more)", hidden())}
                </button>
            </Show>
            <Show when=move || state.conversation.with(|c| c.messages.is_empty())>
                <EmptyChat />
            </Show>
            <ol class="messages" aria-label="Messages">
                <For each=rows key=|row| row.clone() let:row>
                    <MessageItem id=row.1 />
                </For>
            </ol>
        </div>
        <Show when=move || !following.get() && below.get()>
            <button type="button" class="jump" on:click=jump>"Jump to latest ↓"</button>
        </Show>
    }
}

/// What a chat with no messages shows instead of a blank page: how to start, and what is
/// missing before Mnemo can answer.
#[component]
fn EmptyChat() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let needs_setup = move || {
        let key = state.api_key.get();
        state.settings.with(|s| s.needs_setup(&key))
    };
    view! {
        <div class="empty-chat">
            <h2>"Start a conversation"</h2>
            <Show when=needs_setup fallback=|| view! {
                <p>"Type below and press Enter. Everything you write stays in this browser."</p>
            }>
                <p>"Mnemo needs an API key — or the Base URL of a proxy that holds one — before it can answer."</p>
                <button type="button" class="primary" on:click=move |_| state.settings_open.set(true)>
                    "Add a key in Settings"
                </button>
            </Show>
            <p class="help">"Press ? for keyboard shortcuts, Ctrl+, for Settings."</p>
        </div>
    }
}
