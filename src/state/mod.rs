//! The app's state: one `Copy` handle over the signals, and the actions that change
//! them. Components read signals and call actions; every decision is made in `core`.

mod send;
pub mod store;
pub mod tokens;

use leptos::prelude::*;

use crate::core::conversation::{Conversation, ConversationId};
use crate::core::message::MessageId;
use crate::core::persist::Index;
use crate::core::settings::Settings;
use crate::core::tokens::TokenCache;
use crate::platform::clock::{new_id, now_ms};
use crate::platform::storage::StorageError;
use crate::platform::tokenizer::Tokenizer;
use tokens::{plan_for, PlanView, TokenizerState};

/// How long the composer must be idle before the plan includes the draft.
const DRAFT_SETTLE_MS: u32 = 150;

/// Everything the UI shows, as signals, plus the running request's cancel handle.
#[derive(Clone, Copy)]
pub struct ChatState {
    pub settings: RwSignal<Settings>,
    /// The API key; stored only when the user ticked "Remember on this device".
    pub api_key: RwSignal<String>,
    pub conversation: RwSignal<Conversation>,
    /// Bumped for every streamed chunk: the streaming message re-reads its text, and
    /// nothing else in the list re-renders.
    pub stream_revision: RwSignal<u64>,
    /// The id of the reply that is streaming, if any.
    pub streaming: RwSignal<Option<MessageId>>,
    pub settings_open: RwSignal<bool>,
    pub draft: RwSignal<String>,
    /// Storage problems to tell the user about.
    pub notices: RwSignal<Vec<String>>,
    /// The draft as the plan sees it: follows `draft` once typing pauses.
    pub draft_for_plan: RwSignal<String>,
    /// The next request: what is sent, dropped and summarised, and its tokens.
    pub plan: Memo<PlanView>,
    pub tokenizer_state: RwSignal<TokenizerState>,
    /// Bumped whenever exact counts arrive.
    pub counts_revision: RwSignal<u64>,
    token_cache: StoredValue<TokenCache>,
    tokenizer: StoredValue<Option<Tokenizer>, LocalStorage>,
    draft_timer: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>, LocalStorage>,
    index: StoredValue<Index>,
    abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    stop_requested: StoredValue<bool>,
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
        let plan = Memo::new(move |_| {
            counts_revision.track();
            settings.with(|s| {
                conversation.with(|c| {
                    draft_for_plan.with(|d| {
                        token_cache.with_value(|cache| plan_for(s, c, d, s.budget(), cache))
                    })
                })
            })
        });
        let state = ChatState {
            settings,
            api_key: RwSignal::new(loaded.api_key),
            conversation,
            stream_revision: RwSignal::new(0),
            streaming: RwSignal::new(None),
            settings_open: RwSignal::new(needs_setup),
            draft: RwSignal::new(loaded.draft),
            notices: RwSignal::new(loaded.problems),
            draft_for_plan,
            plan,
            tokenizer_state: RwSignal::new(tokenizer_state),
            counts_revision,
            token_cache,
            tokenizer: StoredValue::new_local(tokenizer),
            draft_timer: StoredValue::new_local(None),
            index: StoredValue::new(loaded.index),
            abort: StoredValue::new_local(None),
            stop_requested: StoredValue::new(false),
        };
        // Whenever the texts of the next request change, count the new ones in the
        // background (the worker keeps this off the main thread).
        Effect::new(move |_| {
            settings.track();
            conversation.track();
            draft_for_plan.track();
            state.count_in_background();
        });
        state
    }

    /// Whether a reply is being received.
    pub fn is_busy(&self) -> bool {
        self.streaming.with(Option::is_some)
    }

    /// Keeps the composer's text across reloads.
    pub fn set_draft(&self, text: String) {
        let result = if text.is_empty() {
            crate::platform::storage::remove(store::DRAFT_KEY);
            Ok(())
        } else {
            store::write(store::DRAFT_KEY, &text)
        };
        self.draft.set(text.clone());
        self.report(result);
        // The plan follows the draft once typing pauses, so a keystroke never waits for
        // a recount.
        let plan_draft = self.draft_for_plan;
        self.draft_timer.update_value(|timer| {
            if let Some(t) = timer.take() {
                t.clear();
            }
            *timer = leptos::leptos_dom::helpers::set_timeout_with_handle(
                move || plan_draft.set(text),
                std::time::Duration::from_millis(u64::from(DRAFT_SETTLE_MS)),
            )
            .ok();
        });
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

    /// Saves the open conversation.
    pub fn save(&self) {
        let result = self.conversation.with_untracked(|c| {
            if c.messages.is_empty() {
                return Ok(());
            }
            let mut index = self.index.get_value();
            let result = store::save_conversation(&mut index, c);
            self.index.set_value(index);
            result
        });
        self.report(result);
    }

    /// Applies new settings from the dialog.
    pub fn apply_settings(&self, settings: Settings, api_key: String) {
        let result = store::save_settings(&settings, &api_key);
        self.settings.set(settings);
        self.api_key.set(api_key);
        self.report(result);
    }

    /// Starts an empty conversation; the current one stays stored.
    pub fn new_chat(&self) {
        self.stop();
        self.save();
        let conversation = Conversation::new(ConversationId(new_id()), now_ms());
        let mut index = self.index.get_value();
        let result = store::save_current(&mut index, &conversation.id);
        self.index.set_value(index);
        self.conversation.set(conversation);
        self.report(result);
    }

    /// Stops the streaming reply; its partial text is kept.
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
        if let Err(error) = result {
            let text = match error {
                StorageError::Full => "Storage is full: this conversation keeps working but is not saved. Export or delete old conversations to free space.".to_string(),
                other => format!("Could not save: {other}. This conversation keeps working but will be lost when the page closes."),
            };
            self.notify(text);
        }
    }
}
