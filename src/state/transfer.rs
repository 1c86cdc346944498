//! Export and import of conversations, as files. Every JSON export is core's export
//! file, which import takes back; an import stores everything or nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatState;
use crate::core::archive::megabytes;
use crate::core::conversation::ConversationId;
use crate::core::persist;
use crate::core::transfer::{
    export_file, export_json, export_markdown, export_text, gather, import_json, ExportPieces,
    Imported,
};
use crate::platform::archive;
use crate::platform::clock::{new_id, now_ms, sleep};
use crate::platform::download::download;
use crate::platform::import_worker::{self, Split};
use crate::platform::storage::{self, StorageError};

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
        self.offer_file(&name, mime, &text);
    }

    /// Downloads every stored conversation, and the stored values that cannot be read as
    /// they are, as one export file (also the backup offered when storage is full). The
    /// API key is never part of it.
    pub fn export_all(&self) {
        self.save();
        let state = *self;
        spawn_local(async move { state.export_all_stored().await });
    }

    async fn export_all_stored(&self) {
        let (conversations, set_aside) = gather(self.stored_values().await);
        if !set_aside.is_empty() {
            self.notify(format!(
                "{} stored value(s) could not be read; they are in the file under \"set_aside\", as they were stored.",
                set_aside.len()
            ));
        }
        // The open conversation as this tab has it: it may hold messages that storage had
        // no room for.
        let mut conversations = conversations;
        self.conversation.with_untracked(|open| {
            match conversations.iter_mut().find(|c| c.id == open.id) {
                Some(stored) => *stored = open.clone(),
                None if persist::worth_storing(open) => conversations.insert(0, open.clone()),
                None => {}
            }
        });
        let text = export_file(&conversations, &set_aside);
        self.offer_file("mnemo-conversations.json", "application/json", &text);
    }

    /// Downloads the values set aside because they could not be read, as an export file
    /// with no conversations (import accepts it and says what it holds).
    pub fn export_set_aside(&self) {
        let state = *self;
        spawn_local(async move {
            let (_, set_aside) = gather(state.stored_values().await);
            let text = export_file(&[], &set_aside);
            state.offer_file("mnemo-set-aside.json", "application/json", &text);
        });
    }

    /// Offers `text` as a file download; a failure is told.
    fn offer_file(&self, name: &str, mime: &str, text: &str) {
        if let Err(e) = download(name, mime, text) {
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

    /// Stores imported conversations and lists them, all or nothing: when a write fails,
    /// what was written is removed, the list stays as it was, and the user is told why.
    /// Opens the first one imported.
    async fn store_imported(&self, imported: Imported) {
        let Imported {
            conversations,
            set_aside,
        } = imported;
        let mut written: Vec<&ConversationId> = Vec::new();
        let mut slice = Slice::new();
        let mut failed = None;
        for c in &conversations {
            if let Err(e) = self.store_record(c).await {
                failed = Some(e);
                break;
            }
            written.push(&c.id);
            slice.maybe_yield().await;
        }
        if failed.is_none() {
            let mut index = self.index.get_untracked();
            index.touch_all(&conversations);
            match self.write_tracked(persist::INDEX_KEY, persist::encode(&index)) {
                Ok(()) => self.index.set(index),
                Err(e) => failed = Some(e),
            }
        }
        if let Some(error) = failed {
            for id in written {
                self.forget_record(id);
            }
            return self.notify(match error {
                StorageError::Full => {
                    let in_use = if self.archive_ready() {
                        let (used, quota) = archive::estimate().await.unwrap_or((0.0, 0.0));
                        megabytes(used, (quota > 0.0).then_some(quota))
                    } else {
                        megabytes(storage::used_bytes(), None)
                    };
                    format!("Nothing was imported: storage is full ({in_use} in use). Free space by exporting and deleting conversations, then try again.")
                }
                other => format!("Nothing was imported: {other}."),
            });
        }
        let mut told = format!("Imported {} conversation(s).", conversations.len());
        if set_aside > 0 {
            told.push_str(&format!(
                " {set_aside} set-aside value(s) were not imported; they stay in the file."
            ));
        }
        self.notify(told);
        if let Some(first) = conversations.first() {
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
