//! Export and import buttons under the conversation list.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::transfer::ExportFormat;
use crate::state::ChatState;

/// Export the open conversation (JSON, Markdown, text) or all of them; import a file.
#[component]
pub fn TransferPanel() -> impl IntoView {
    let state = expect_context::<ChatState>();
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move { state.import_file(file).await });
    };
    view! {
        <details class="transfer">
            <summary>"Export / import"</summary>
            <div class="transfer-buttons">
                <span class="help">"This chat:"</span>
                <button type="button" class="quiet" on:click=move |_| state.export_open(ExportFormat::Json)>"JSON"</button>
                <button type="button" class="quiet" on:click=move |_| state.export_open(ExportFormat::Markdown)>"Markdown"</button>
                <button type="button" class="quiet" on:click=move |_| state.export_open(ExportFormat::Text)>"Text"</button>
                <button type="button" class="quiet" on:click=move |_| state.export_all()>"Export all (JSON)"</button>
                <label class="import">
                    "Import JSON"
                    <input type="file" accept=".json,application/json" on:change=on_file />
                </label>
            </div>
        </details>
    }
}
