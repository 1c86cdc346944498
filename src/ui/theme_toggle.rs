//! Light, dark, or following the system.

use leptos::prelude::*;

use crate::platform::storage;

const THEME_KEY: &str = "mnemo.theme";
const THEMES: [&str; 3] = ["auto", "light", "dark"];

fn apply(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// A button that cycles the theme: system (`prefers-color-scheme`), light, dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let stored = storage::get(THEME_KEY)
        .and_then(|t| crate::core::persist::decode::<String>(&t).ok())
        .filter(|t| THEMES.contains(&t.as_str()))
        .unwrap_or_else(|| "auto".to_string());
    let theme = RwSignal::new(stored);
    Effect::new(move |_| theme.with(|t| apply(t)));
    let next = move |_| {
        theme.update(|t| {
            let i = THEMES.iter().position(|x| x == t).unwrap_or(0);
            *t = THEMES[(i + 1) % THEMES.len()].to_string();
        });
        // A theme that cannot be saved still applies to this page.
        let _ = storage::set(
            THEME_KEY,
            &crate::core::persist::encode(&theme.get_untracked()),
        );
    };
    let label = move || match theme.get().as_str() {
        "light" => "Theme: light",
        "dark" => "Theme: dark",
        _ => "Theme: system",
    };
    view! { <button type="button" class="quiet" on:click=next>{label}</button> }
}
