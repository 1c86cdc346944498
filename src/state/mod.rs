//! The app's state: one `Copy` handle over the signals, and the actions that change
//! them. Components read signals and call actions; every decision is made in `core`.

pub mod archive;
mod background;
pub mod conversations;
mod edit;
pub mod endpoint;
mod reply;
mod send;
pub mod store;
mod summary;
pub mod tokens;
pub mod transfer;

use leptos::prelude::*;

use crate::core::conversation::{Conversation, ConversationId};
use crate::core::message::MessageId;
use crate::core::models::ModelInfo;
use crate::core::persist::{self, Index};
use crate::core::settings::{Overrides, Settings};
use crate::core::tokens::TokenCache;
use crate::core::tree::Versions;
use crate::platform::clock::{new_id, now_ms};
use crate::platform::storage::{self, StorageError};
use crate::platform::tokenizer::Tokenizer;
pub use reply::RetryNotice;
use tokens::{plan_for, PlanView, TokenizerState};

/// How long the composer must be idle before the plan includes the draft.
const DRAFT_SETTLE_MS: u32 = 150;

/// Everything the UI shows, as signals, plus the running request's cancel handle.
#[derive(Clone, Copy)]
pub struct ChatState {
    /// The defaults, as set in the settings dialog.
    pub settings: RwSignal<Settings>,
    /// What the open conversation uses: the defaults with its own settings in place.
    pub effective: Memo<Settings>,
    /// The API key; stored only when the user ticked "Remember on this device".
    pub api_key: RwSignal<String>,
    pub conversation: RwSignal<Conversation>,
    /// A conversation the user left while its reply streams: the reply goes on into it,
    /// and it is saved under its own key.
    background: RwSignal<Option<Conversation>>,
    /// Bumped for every streamed chunk: the streaming message re-reads its text, and
    /// nothing else in the list re-renders.
    pub stream_revision: RwSignal<u64>,
    /// The id of the reply that is streaming, if any.
    pub streaming: RwSignal<Option<MessageId>>,
    pub settings_open: RwSignal<bool>,
    /// Why the settings opened by themselves, shown at the top of the dialog.
    pub settings_reason: RwSignal<Option<&'static str>>,
    pub draft: RwSignal<String>,
    /// The text the composer box is set to when the app, not the user, changes it.
    pub composer_text: RwSignal<String>,
    /// Storage problems to tell the user about.
    pub notices: RwSignal<Vec<String>>,
    /// Whether values had to be set aside at startup (they can be exported).
    pub has_quarantine: RwSignal<bool>,
    /// Whether the browser agreed to keep this origin's data under storage pressure.
    pub persisted: RwSignal<Option<bool>>,
    /// A retry that is counting down.
    pub retrying: RwSignal<Option<RetryNotice>>,
    /// The draft as the plan sees it: follows `draft` once typing pauses.
    pub draft_for_plan: RwSignal<String>,
    /// The next request: what is sent, dropped and summarised, and its tokens.
    pub plan: Memo<PlanView>,
    pub tokenizer_state: RwSignal<TokenizerState>,
    /// Whether replies can be rendered as markdown yet (the module loads beside the app).
    pub markdown_ready: RwSignal<bool>,
    /// Bumped whenever exact counts arrive.
    pub counts_revision: RwSignal<u64>,
    token_cache: StoredValue<TokenCache>,
    tokenizer: StoredValue<Option<Tokenizer>, LocalStorage>,
    draft_timer: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>, LocalStorage>,
    /// Bumped by every change of the draft: a save that was overtaken is skipped.
    draft_revision: StoredValue<u64>,
    /// The conversation list, newest first.
    pub index: RwSignal<Index>,
    /// Which version each message with other versions on the shown path is.
    pub forks: Memo<Vec<(MessageId, Versions)>>,
    /// The user message being edited in place.
    pub editing: RwSignal<Option<MessageId>>,
    /// The last deleted conversation, restorable for a while.
    pub deleted: RwSignal<Option<conversations::Deleted>>,
    /// Ends the Undo offer of `deleted`; replaced (and the old one cleared) by each deletion.
    undo_timer: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>, LocalStorage>,
    /// A fingerprint of what this tab last wrote under each key: anything else there came
    /// from another tab and is merged before the next write.
    last_written: StoredValue<std::collections::HashMap<String, persist::Fingerprint>>,
    abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    stop_requested: StoredValue<bool>,
    /// Where conversations are kept: IndexedDB once it is open, else localStorage.
    pub archive: RwSignal<archive::Archive>,
    /// Bumped by every search: a scan of the archive for an older one stops early.
    search_revision: StoredValue<u64>,
}

impl ChatState {
    /// Loads what is stored and opens the settings when the app cannot send yet.
    pub fn load() -> Self {
        let loaded = store::load();
        let mut conversation = loaded
            .conversation
            .unwrap_or_else(|| Conversation::new(ConversationId(new_id()), now_ms()));
        conversation.settle_interrupted();
        let needs_setup = loaded.settings.needs_setup(&loaded.api_key);
        let (tokenizer, tokenizer_state) = match Tokenizer::start() {
            Ok(t) => (Some(t), TokenizerState::Loading),
            Err(e) => (None, TokenizerState::Failed(e)),
        };
        let settings = RwSignal::new(loaded.settings);
        let conversation = RwSignal::new(conversation);
        let draft_for_plan = RwSignal::new(loaded.draft.clone());
        let counts_revision = RwSignal::new(0u64);
        let token_cache = StoredValue::new(TokenCache::default());
        let effective = Memo::new(move |_| {
            settings.with(|s| conversation.with(|c| s.with_overrides(&c.overrides)))
        });
        if let Some(t) = &tokenizer {
            // Before anything is rendered: the vocabulary loads while the page is built.
            t.preload(effective.with_untracked(|s| s.model_info().encoding));
        }
        let plan = Memo::new(move |_| {
            counts_revision.track();
            effective.with(|s| {
                conversation.with(|c| {
                    draft_for_plan.with(|d| {
                        token_cache.with_value(|cache| plan_for(s, c, d, s.budget(), cache))
                    })
                })
            })
        });
        let forks = Memo::new(move |_| conversation.with(Conversation::forks));
        let has_quarantine = loaded.set_aside;
        let state = ChatState {
            settings,
            effective,
            api_key: RwSignal::new(loaded.api_key),
            conversation,
            background: RwSignal::new(None),
            stream_revision: RwSignal::new(0),
            streaming: RwSignal::new(None),
            settings_open: RwSignal::new(needs_setup),
            settings_reason: RwSignal::new(None),
            composer_text: RwSignal::new(loaded.draft.clone()),
            draft: RwSignal::new(loaded.draft),
            notices: RwSignal::new(loaded.problems),
            has_quarantine: RwSignal::new(has_quarantine),
            persisted: RwSignal::new(None),
            retrying: RwSignal::new(None),
            draft_for_plan,
            plan,
            tokenizer_state: RwSignal::new(tokenizer_state),
            markdown_ready: RwSignal::new(crate::platform::markdown::is_ready()),
            counts_revision,
            token_cache,
            tokenizer: StoredValue::new_local(tokenizer),
            draft_timer: StoredValue::new_local(None),
            draft_revision: StoredValue::new(0),
            index: RwSignal::new(loaded.index),
            deleted: RwSignal::new(None),
            undo_timer: StoredValue::new_local(None),
            forks,
            editing: RwSignal::new(None),
            last_written: StoredValue::new(std::collections::HashMap::new()),
            abort: StoredValue::new_local(None),
            stop_requested: StoredValue::new(false),
            archive: RwSignal::new(archive::Archive::Opening),
            search_revision: StoredValue::new(0),
        };
        state.start_archive();
        // Whenever the texts of the next request change, count the new ones in the
        // background (the worker keeps this off the main thread).
        Effect::new(move |_| {
            effective.track();
            conversation.track();
            draft_for_plan.track();
            state.count_in_background();
        });
        // Another tab saved: take in its messages, conversations and settings.
        let listener = window_event_listener(leptos::ev::storage, move |ev| {
            if let (Some(key), Some(value)) = (ev.key(), ev.new_value()) {
                state.take_in(&key, &value);
            }
        });
        on_cleanup(move || listener.remove());
        if !state.markdown_ready.get_untracked() {
            let markdown_ready = state.markdown_ready;
            let listener = window_event_listener(
                leptos::ev::Custom::<web_sys::Event>::new(crate::platform::markdown::READY_EVENT),
                move |_| markdown_ready.set(crate::platform::markdown::is_ready()),
            );
            on_cleanup(move || listener.remove());
        }
        leptos::task::spawn_local(async move {
            state.persisted.set(storage::request_persistence().await);
        });
        state
    }

    /// Merges a value another tab wrote under `key` into this tab's state.
    fn take_in(&self, key: &str, value: &str) {
        let current = self
            .conversation
            .with_untracked(|c| persist::conversation_key(&c.id));
        if key == current {
            if let Ok(theirs) = persist::decode::<Conversation>(value) {
                let streaming = self.streaming.get_untracked();
                self.conversation
                    .update(|c| c.merge_from(&theirs, streaming.as_ref()));
                // Their write may have landed over ours without holding it.
                if self
                    .conversation
                    .with_untracked(|c| c.holds_more_than(&theirs, streaming.as_ref()))
                {
                    self.save();
                }
            }
        } else if key == persist::INDEX_KEY {
            if let Ok(theirs) = persist::decode::<Index>(value) {
                self.index.update(|i| i.merge_from(&theirs));
                self.leave_if_deleted();
            }
        } else if key == persist::SETTINGS_KEY {
            if let Ok(theirs) = persist::decode_settings(value) {
                self.settings.set(theirs);
            }
        }
    }

    /// Writes `text` under `key` and remembers it as this tab's own.
    fn write_tracked(&self, key: &str, text: String) -> Result<(), StorageError> {
        storage::set(key, &text)?;
        self.last_written.update_value(|w| {
            w.insert(key.to_string(), persist::fingerprint(&text));
        });
        Ok(())
    }

    /// What another tab stored under `key` since this tab last wrote it, if anything.
    fn foreign_value(&self, key: &str) -> Option<String> {
        let stored = storage::get(key)?;
        let ours = self
            .last_written
            .with_value(|w| w.get(key) == Some(&persist::fingerprint(&stored)));
        (!ours).then_some(stored)
    }

    /// Whether a reply is being received.
    pub fn is_busy(&self) -> bool {
        self.streaming.with(Option::is_some)
    }

    /// Replaces the composer's text (after sending, or to edit a message again).
    pub fn set_draft(&self, text: String) {
        self.composer_text.set(text.clone());
        self.typed(text);
    }

    /// Takes what the user typed. The text box already shows it, so it is not written
    /// back (re-assigning a long value costs a layout); saving it for the next visit and
    /// adding it to the plan wait until typing pauses, so a keystroke — or a 1 MB paste —
    /// never waits for either.
    pub fn typed(&self, text: String) {
        self.draft.set(text.clone());
        self.draft_revision.update_value(|r| *r += 1);
        let revision = self.draft_revision.get_value();
        let state = *self;
        self.draft_timer.update_value(|timer| {
            if let Some(t) = timer.take() {
                t.clear();
            }
            *timer = leptos::leptos_dom::helpers::set_timeout_with_handle(
                move || {
                    state.draft_for_plan.set(text.clone());
                    // Saved in a task of its own: for a long draft, planning and saving
                    // together would hold the page for longer than either.
                    // A draft changed in between (sent, say) is left to its own timer.
                    leptos::leptos_dom::helpers::set_timeout(
                        move || {
                            if state.draft_revision.get_value() == revision {
                                state.save_draft(&text);
                            }
                        },
                        std::time::Duration::ZERO,
                    );
                },
                std::time::Duration::from_millis(u64::from(DRAFT_SETTLE_MS)),
            )
            .ok();
        });
    }

    /// Keeps the draft for the next visit (or forgets it once empty).
    fn save_draft(&self, text: &str) {
        let result = if text.is_empty() {
            storage::remove(store::DRAFT_KEY);
            Ok(())
        } else {
            let (prefix, suffix) = persist::encode_text_parts();
            storage::set_text(store::DRAFT_KEY, &prefix, text, suffix)
        };
        self.report(result);
    }

    /// Pins or unpins a message: pinned messages are always sent.
    pub fn toggle_pin(&self, id: &MessageId) {
        self.conversation.update(|c| {
            if let Some(m) = c.message_mut(id) {
                m.pinned = !m.pinned;
            }
        });
        self.save();
    }

    /// Replaces the summary's text with the user's edit.
    pub fn edit_summary(&self, text: String) {
        self.conversation.update(|c| {
            if let Some(summary) = &mut c.summary {
                summary.text = text.trim().to_string();
                summary.model.clear();
            }
        });
        self.save();
    }

    /// Adds a notice for the user (a failed summary, a storage problem).
    pub fn notify(&self, text: String) {
        self.notices.update(|n| {
            if !n.contains(&text) {
                n.push(text);
            }
        });
    }

    /// Saves the open conversation and its line in the index. What another tab saved
    /// in between is merged first, so two tabs never overwrite each other's messages.
    pub fn save(&self) {
        self.save_with(true);
    }

    /// As [`ChatState::save`]; the list is written only when `list` (the caller writes
    /// it right after, as opening another conversation does).
    pub(super) fn save_with(&self, list: bool) {
        if !self.conversation.with_untracked(persist::worth_storing) {
            return;
        }
        let key = self
            .conversation
            .with_untracked(|c| persist::conversation_key(&c.id));
        if let Some(theirs) = self.foreign_conversation(&key) {
            let streaming = self.streaming.get_untracked();
            self.conversation
                .update(|c| c.merge_from(&theirs, streaming.as_ref()));
        }
        if let Some(stored) = self.foreign_value(persist::INDEX_KEY) {
            if let Ok(theirs) = persist::decode::<Index>(&stored) {
                self.index.update(|i| i.merge_from(&theirs));
            }
        }
        if self.leave_if_deleted() {
            return;
        }
        let result = self
            .conversation
            .with_untracked(|c| self.write_conversation(c, true, list));
        self.report(result);
    }

    /// What another tab stored under conversation key `key` since this tab wrote it.
    fn foreign_conversation(&self, key: &str) -> Option<Conversation> {
        persist::decode(&self.foreign_value(key)?).ok()
    }

    /// Writes `conversation` (shown here, or replying in the background) and its line in
    /// the list (as the open one when `open`): its copy in localStorage at once, then its
    /// record in IndexedDB. The list is written when `list`.
    fn write_conversation(
        &self,
        conversation: &Conversation,
        open: bool,
        list: bool,
    ) -> Result<(), StorageError> {
        let key = persist::conversation_key(&conversation.id);
        let text = persist::encode(conversation);
        let copy = self.write_tracked(&key, text.clone());
        if self.archive_ready() {
            // The archive has it even when localStorage has no room for the copy.
            self.archive_live(&conversation.id, text);
        } else {
            copy?;
        }
        let mut index = self.index.get_untracked();
        index.touch(conversation);
        if open {
            index.current = Some(conversation.id.clone());
        }
        // The list re-renders only when a line changed (not on every save while a reply
        // streams).
        if self.index.with_untracked(|i| *i != index) {
            self.index.set(index);
        }
        if !list {
            return Ok(());
        }
        let index = self.index.with_untracked(persist::encode);
        self.write_tracked(persist::INDEX_KEY, index)
    }

    /// Applies new settings from the dialog.
    pub fn apply_settings(&self, settings: Settings, api_key: String) {
        let result = store::save_settings(&settings, &api_key);
        self.settings.set(settings);
        self.api_key.set(api_key);
        self.report(result);
    }

    /// Gives the open conversation its own settings (empty: the defaults again). A model
    /// defined there joins the catalog of the defaults.
    pub fn apply_overrides(&self, overrides: Overrides, custom_models: Vec<ModelInfo>) {
        if self
            .settings
            .with_untracked(|s| s.custom_models != custom_models)
        {
            let mut settings = self.settings.get_untracked();
            settings.custom_models = custom_models;
            self.apply_settings(settings, self.api_key.get_untracked());
        }
        self.conversation.update(|c| {
            c.overrides = overrides;
            c.updated_at = now_ms();
        });
        self.save();
    }

    /// Starts an empty conversation; the current one stays stored, and a reply it is
    /// receiving goes on in the background.
    pub fn new_chat(&self) {
        self.open_new(Conversation::new(ConversationId(new_id()), now_ms()));
    }

    /// Opens `conversation`, made just now (a new chat, a fork), and stores it if it holds
    /// anything.
    pub fn open_new(&self, conversation: Conversation) {
        self.save();
        self.keep_reply_going();
        let worth = persist::worth_storing(&conversation);
        self.index
            .update(|i| i.current = Some(conversation.id.clone()));
        let index = self.index.with_untracked(persist::encode);
        let result = self.write_tracked(persist::INDEX_KEY, index);
        self.conversation.set(conversation);
        self.report(result);
        if worth {
            self.save();
        }
    }

    /// Stops the streaming reply, in whichever conversation; its partial text is kept.
    pub fn stop(&self) {
        if self.is_busy() {
            self.stop_requested.set_value(true);
            self.abort.with_value(|a| {
                if let Some(controller) = a {
                    controller.abort();
                }
            });
        }
    }

    /// Shows a storage failure in the notice banner; the app goes on in memory.
    fn report(&self, result: Result<(), StorageError>) {
        match result {
            Ok(()) => {}
            Err(StorageError::Full) => {
                // navigator.storage.estimate() leaves localStorage out, so count it.
                let used = storage::used_bytes();
                self.notify(crate::core::archive::full_message(used, None));
            }
            Err(other) => self.notify(format!(
                "Could not save: {other}. This conversation keeps working but will be lost when the page closes."
            )),
        }
    }
}
