//! Moving the keyboard to an element that a change is about to draw.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use leptos::prelude::*;
use web_sys::HtmlElement;

/// How many turns of the task queue a change may take to be drawn: a list's effect, then
/// the effects of the rows it makes.
const TURNS: usize = 4;

/// Focuses what `find` returns as soon as the change just made is drawn: once the
/// reactive effects already queued have run, before the browser handles another key
/// press. (Waiting for the next frame left the keyboard on the page for that frame, and
/// a key pressed then was lost.) If it is not there by then, tries once more on the next
/// frame.
pub fn focus_when_drawn(find: impl Fn() -> Option<HtmlElement> + 'static) {
    leptos::task::spawn_local(async move {
        for _ in 0..TURNS {
            NextTurn(false).await;
            if let Some(el) = find() {
                let _ = el.focus();
                return;
            }
        }
        request_animation_frame(move || {
            if let Some(el) = find() {
                let _ = el.focus();
            }
        });
    });
}

/// Lets the tasks queued before it run: pending once, and at once queued again behind them.
struct NextTurn(bool);

impl Future for NextTurn {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
