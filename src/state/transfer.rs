//! Export and import of conversations, as files.

use leptos::prelude::*;

use super::ChatState;
use crate::core::persist;
use crate::core::transfer::{export_json, export_markdown, export_text, import_json};
use crate::platform::clock::{new_id, now_ms};
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
        if let Err(e) = storage::download(&name, mime, &text) {
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
        if let Err(e) = storage::download(
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
        let mut written = 0;
        for c in &imported {
            let result = self.write_tracked(&persist::conversation_key(&c.id), persist::encode(c));
            if result.is_err() {
                self.report(result);
                break;
            }
            self.index.update(|i| i.touch(c));
            written += 1;
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
