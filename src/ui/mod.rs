//! Leptos components: they render `ChatState` and turn gestures into its actions.
//! One component per file.

pub mod app;
pub mod chat_settings_dialog;
pub mod composer;
pub mod context_inspector;
pub mod context_meter;
pub mod conversation_row;
pub mod conversation_stats;
pub mod error_banner;
pub mod focus_later;
pub mod focus_trap;
pub mod help_dialog;
pub mod memory_field;
pub mod message_actions;
pub mod message_body;
pub mod message_editor;
pub mod message_item;
pub mod message_list;
pub mod model_field;
pub mod notice_banner;
pub mod prompt_field;
pub mod retry_banner;
pub mod row_keys;
pub mod sampling_field;
pub mod settings_dialog;
pub mod sidebar;
pub mod theme_toggle;
pub mod thinking;
pub mod transfer_panel;
pub mod undo_toast;
pub mod versions;
