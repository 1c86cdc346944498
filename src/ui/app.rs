//! The page: toolbar, transcript, composer and the settings dialog.

use leptos::prelude::*;

use super::chat_settings_dialog::ChatSettingsDialog;
use super::composer::Composer;
use super::context_inspector::ContextInspector;
use super::context_meter::ContextMeter;
use super::error_banner::ErrorBanner;
use super::help_dialog::{focus_composer, HelpDialog};
use super::message_list::MessageList;
use super::notice_banner::NoticeBanner;
use super::retry_banner::RetryBanner;
use super::settings_dialog::SettingsDialog;
use super::sidebar::Sidebar;
use super::theme_toggle::ThemeToggle;
use super::undo_toast::UndoToast;
use crate::state::ChatState;

/// The whole app. Loads the stored state and shares it with every component.
#[component]
pub fn App() -> impl IntoView {
    let state = ChatState::load();
    provide_context(state);
    let title = move || state.conversation.with(|c| c.display_title().to_string());
    let inspector_open = RwSignal::new(false);
    let sidebar_open = RwSignal::new(false);
    let help_open = RwSignal::new(false);
    let chat_settings_open = RwSignal::new(false);
    // Says what the open chat sets for itself, if anything.
    let own_settings = move || {
        state.conversation.with(|c| {
            let own = c.overrides.describe();
            (!own.is_empty()).then(|| format!("This chat uses {}.", own.join(", ")))
        })
    };
    view! {
        <div class="layout">
        // Keyboard users start here: one key press takes them past the header and the list.
        <a class="skip-link" href="#message-box" on:click=move |ev| {
            ev.prevent_default();
            focus_composer();
        }>"Skip to the message box"</a>
        <header class="topbar">
            <button type="button" class="sidebar-toggle" aria-label="Conversations"
                aria-expanded=move || sidebar_open.get().to_string()
                on:click=move |_| sidebar_open.update(|o| *o = !*o)>"☰"</button>
            <span class="brand">"Mnemo"</span>
            <h1 class="conversation-title" dir="auto" title=title>{title}</h1>
            <div class="topbar-actions">
                <ThemeToggle />
                <button type="button" class="quiet" on:click=move |_| help_open.set(true)>"Shortcuts"</button>
                <button type="button" class="chat-settings" title=own_settings
                    data-own=move || own_settings().is_some().to_string()
                    on:click=move |_| chat_settings_open.set(true)>"Chat settings"</button>
                <button type="button" class="open-settings" on:click=move |_| state.settings_open.set(true)>
                    "Settings"
                </button>
            </div>
        </header>
        <Sidebar open=sidebar_open />
        <main class="app">
            <UndoToast />
            <NoticeBanner />
            <div class="body">
                <div class="main">
                    <MessageList />
                </div>
                <Show when=move || inspector_open.get()>
                    <ContextInspector />
                </Show>
            </div>
            <RetryBanner />
            <ErrorBanner />
            <ContextMeter inspector_open=inspector_open />
            <Composer />
        </main>
        <SettingsDialog />
        <ChatSettingsDialog open=chat_settings_open />
        <HelpDialog open=help_open />
        </div>
    }
}
