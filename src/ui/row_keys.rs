//! The conversation list's keys: the list is one Tab stop; Up, Down, Home and End move
//! between rows, Left and Right between a row's buttons, F2 renames and Delete deletes.

use leptos::ev::KeyboardEvent;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The buttons of the row `li`, in order: open, Rename, Delete.
fn buttons(li: &Element) -> Vec<HtmlElement> {
    let Ok(list) = li.query_selector_all("button") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Focuses the button that opens the conversation of row `li`.
fn focus_row(li: Option<Element>) -> bool {
    match li.and_then(|li| buttons(&li).into_iter().next()) {
        Some(b) => b.focus().is_ok(),
        None => false,
    }
}

/// The rows of the list that holds `li`.
fn rows(li: &Element) -> Vec<Element> {
    let Some(list) = li.parent_element() else {
        return Vec::new();
    };
    let children = list.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .collect()
}

/// Handles a key pressed on any button of the list.
pub fn on_keydown(ev: KeyboardEvent) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    // The rename field keeps its keys.
    if target.tag_name() != "BUTTON" || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    let Some(li) = target.closest("li.conversation").ok().flatten() else {
        return;
    };
    let handled = match ev.key().as_str() {
        "ArrowDown" => focus_row(li.next_element_sibling()),
        "ArrowUp" => focus_row(li.previous_element_sibling()),
        "Home" => focus_row(rows(&li).into_iter().next()),
        "End" => focus_row(rows(&li).pop()),
        key @ ("ArrowRight" | "ArrowLeft") => {
            let all = buttons(&li);
            let at = all.iter().position(|b| b.is_same_node(Some(&target)));
            let next = match (at, key == "ArrowRight") {
                (Some(i), true) => (i + 1).min(all.len().saturating_sub(1)),
                (Some(i), false) => i.saturating_sub(1),
                (None, _) => 0,
            };
            all.get(next).is_some_and(|b| b.focus().is_ok())
        }
        "F2" => click_action(&li, "Rename"),
        "Delete" => click_action(&li, "Delete"),
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}

/// Clicks the row's button whose text is `label`.
fn click_action(li: &Element, label: &str) -> bool {
    match buttons(li)
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some(label))
    {
        Some(b) => {
            b.click();
            true
        }
        None => false,
    }
}

/// Moves the keyboard off the row that holds `el`, before that row is deleted: to the
/// row that will take its place (the next one, else the one before), else to New chat.
/// Done before, not after, so that the keyboard is never on the page in between.
pub fn leave_row(el: &Element) {
    let Some(li) = el.closest("li.conversation").ok().flatten() else {
        return;
    };
    let neighbour = li
        .next_element_sibling()
        .or_else(|| li.previous_element_sibling());
    if focus_row(neighbour) {
        return;
    }
    if let Some(b) = li
        .owner_document()
        .and_then(|d| d.query_selector(".new-chat").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = b.focus();
    }
}
