//! Export and import of conversations, as files.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatState;
use crate::core::conversation::Conversation;
use crate::core::persist;
use crate::core::transfer::{export_json, export_markdown, export_text, import_json, ExportPieces};
use crate::platform::clock::{new_id, now_ms, sleep};
use crate::platform::import_worker::{self, Split};
use crate::platform::storage;

/// The formats a conversation can be exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Markdown,
    Text,
}

/// A file name made from a conversation title.
fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "conversation".into()
    } else {
        stem
    }
}

impl ChatState {
    /// Downloads the open conversation.
    pub fn export_open(&self, format: ExportFormat) {
        let (name, mime, text) = self.conversation.with_untracked(|c| {
            let stem = file_stem(c.display_title());
            match format {
                ExportFormat::Json => (
                    format!("{stem}.json"),
                    "application/json",
                    export_json(std::slice::from_ref(c)),
                ),
                ExportFormat::Markdown => {
                    (format!("{stem}.md"), "text/markdown", export_markdown(c))
                }
                ExportFormat::Text => (format!("{stem}.txt"), "text/plain", export_text(c)),
            }
        });
        if let Err(e) = crate::platform::download::download(&name, mime, &text) {
            self.notify(format!("The export failed: {e}."));
        }
    }

    /// Downloads every conversation as one JSON file (the API key is never part of it).
    pub fn export_all(&self) {
        self.save();
        let ids: Vec<_> = self
            .index
            .with_untracked(|i| i.conversations.iter().map(|e| e.id.clone()).collect());
        let conversations: Vec<_> = ids
            .iter()
            .filter_map(|id| storage::get(&persist::conversation_key(id)))
            .filter_map(|text| persist::decode(&text).ok())
            .collect();
        if let Err(e) = crate::platform::download::download(
            "mnemo-conversations.json",
            "application/json",
            &export_json(&conversations),
        ) {
            self.notify(format!("The export failed: {e}."));
        }
    }

    /// Imports a file's text: Mnemo's own export (any past schema) or a plain OpenAI
    /// `messages` array. Nothing changes when the file is invalid; imported conversations
    /// never replace existing ones.
    pub fn import_text(&self, text: &str) {
        let existing: Vec<_> = self
            .index
            .with_untracked(|i| i.conversations.iter().map(|e| e.id.clone()).collect());
        let mut fresh_id = new_id;
        let imported = match import_json(text, &existing, &mut fresh_id, now_ms()) {
            Ok(imported) => imported,
            Err(error) => {
                self.notify(format!("Nothing was imported: {error}."));
                return;
            }
        };
        let state = *self;
        spawn_local(async move { state.store_imported(imported).await });
    }

    /// Imports a file. A large one is split into its conversations in a worker and then
    /// checked and stored a few at a time, so that the page never stops answering.
    pub async fn import_file(&self, file: web_sys::File) {
        if file.size() >= LARGE_IMPORT_BYTES {
            let progress = format!("Importing {}…", file.name());
            self.notify(progress.clone());
            let split = import_worker::split(&file).await;
            if let Ok(Split::Export { header, entries }) = &split {
                self.import_pieces(header, entries).await;
            }
            self.notices.update(|n| n.retain(|line| *line != progress));
            if let Ok(Split::Export { .. }) = split {
                return;
            }
        }
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => self.import_text(&text.as_string().unwrap_or_default()),
            Err(_) => self.notify("That file could not be read.".to_string()),
        }
    }

    /// Checks every conversation of a split export, then stores them; nothing is stored
    /// when one is invalid.
    async fn import_pieces(&self, header: &str, entries: &js_sys::Array) {
        let mut pieces = match ExportPieces::start(header) {
            Ok(pieces) => pieces,
            Err(error) => return self.notify(format!("Nothing was imported: {error}.")),
        };
        let mut slice = Slice::new();
        for entry in entries.iter() {
            if let Err(error) = pieces.decode(&entry.as_string().unwrap_or_default()) {
                return self.notify(format!("Nothing was imported: {error}."));
            }
            slice.maybe_yield().await;
        }
        let existing: Vec<_> = self
            .index
            .with_untracked(|i| i.conversations.iter().map(|e| e.id.clone()).collect());
        let mut fresh_id = new_id;
        self.store_imported(pieces.finish(&existing, &mut fresh_id))
            .await;
    }

    /// Stores imported conversations until storage is full, and opens the first.
    async fn store_imported(&self, imported: Vec<Conversation>) {
        let mut written = 0;
        let mut slice = Slice::new();
        for c in &imported {
            let result = self.write_tracked(&persist::conversation_key(&c.id), persist::encode(c));
            if result.is_err() {
                self.report(result);
                break;
            }
            self.index.update(|i| i.touch(c));
            written += 1;
            slice.maybe_yield().await;
        }
        let index = self.index.with_untracked(persist::encode);
        let result = self.write_tracked(persist::INDEX_KEY, index);
        self.report(result);
        self.notify(format!("Imported {written} conversation(s)."));
        if let Some(first) = imported.first() {
            self.open(&first.id);
        }
    }
}

/// Files this large are read in a worker and stored in slices.
const LARGE_IMPORT_BYTES: f64 = 1_000_000.0;

/// Work done in slices of about 20 ms, so that the page answers in between.
struct Slice {
    started: f64,
}

impl Slice {
    const MS: f64 = 20.0;

    fn new() -> Self {
        Slice { started: now_ms() }
    }

    /// Lets the page run if this slice has used its time.
    async fn maybe_yield(&mut self) {
        if now_ms() - self.started >= Self::MS {
            sleep(0.0).await;
            self.started = now_ms();
        }
    }
}
