//! The archive's rules: where each conversation lives, how a copy in localStorage moves
//! into IndexedDB without losing anything, and what the storage numbers mean to the user.
//!
//! IndexedDB holds every conversation, one record each, keyed by its id, the value the
//! same envelope text localStorage held. localStorage keeps the settings, the key, the
//! draft, the list and a synchronous copy of the open conversation; a `mnemo.conv.<id>`
//! key of any other conversation is one still to move (from an older Mnemo, or saved
//! while IndexedDB could not be used).

use super::conversation::Conversation;
use super::persist::{self, DecodeError};
use super::text::fixed;

/// What to do with a conversation's copy in localStorage, given the archive's record.
#[derive(Debug, PartialEq)]
pub enum Move {
    /// The archive has no record, or an older one this copy includes: store `text`, read
    /// it back, and only then remove the copy.
    Store(String),
    /// The archive holds exactly this text: the copy can go.
    Same,
    /// Both hold messages the other lacks: store their union, `text`.
    Merged(String),
    /// The copy cannot be read: set it aside, and leave the record as it is.
    UnreadableCopy(DecodeError),
    /// The record cannot be read: set it aside before storing the copy's `text`.
    UnreadableRecord(String),
}

/// How the copy `local` moves into the archive, whose record is `archived`.
pub fn plan_move(local: &str, archived: Option<&str>) -> Move {
    if archived == Some(local) {
        return Move::Same;
    }
    let ours = match persist::decode::<Conversation>(local) {
        Ok(c) => c,
        Err(e) => return Move::UnreadableCopy(e),
    };
    let Some(archived) = archived else {
        return Move::Store(local.to_string());
    };
    match persist::decode::<Conversation>(archived) {
        Err(_) => Move::UnreadableRecord(local.to_string()),
        Ok(theirs) => match combine(ours, &theirs) {
            (merged, true) => Move::Merged(persist::encode(&merged)),
            (_, false) => Move::Store(local.to_string()),
        },
    }
}

/// The copy and the record of one conversation as one: the copy's path and everything
/// either holds (union by id, deletions kept). Also whether the record held anything the
/// copy lacked.
pub fn combine(mut ours: Conversation, theirs: &Conversation) -> (Conversation, bool) {
    let before = persist::encode(&ours);
    let at = ours.updated_at;
    ours.merge_from(theirs, None);
    let merged_at = ours.updated_at;
    // Merging a record the copy includes changes nothing but the time.
    ours.updated_at = at;
    let grew = persist::encode(&ours) != before;
    ours.updated_at = merged_at;
    (ours, grew)
}

/// Share of the allowed storage at which Mnemo warns.
pub const WARN_AT: f64 = 0.8;

/// The warning to show when this site uses `used` of the `quota` bytes the browser
/// allows, from [`WARN_AT`] on.
pub fn usage_warning(used: f64, quota: f64) -> Option<String> {
    if quota.is_nan() || quota <= 0.0 || used < quota * WARN_AT {
        return None;
    }
    let percent = fixed((used / quota * 100.0).min(100.0), 0);
    Some(format!(
        "Mnemo uses {percent}% of the storage this browser allows ({}). {ADVICE}",
        megabytes(used, Some(quota))
    ))
}

/// What to do when storage runs out or runs low.
pub const ADVICE: &str = "Export your conversations, then delete ones you no longer need, or install Mnemo as an app: browsers clear an installed app's storage less often.";

/// "12.3 MB", or "12.3 MB of 100.0 MB" when the allowance is known.
pub fn megabytes(used: f64, quota: Option<f64>) -> String {
    let of = quota.map_or(String::new(), |q| format!(" of {} MB", fixed(q / 1e6, 1)));
    format!("{} MB{of}", fixed(used / 1e6, 1))
}

/// Why a write failed for lack of space: `used` bytes in use (of `quota`, when known).
pub fn full_message(used: f64, quota: Option<f64>) -> String {
    let kept = if quota.is_some() {
        // IndexedDB's: the open conversation's copy in localStorage still holds it.
        "new messages are kept in this tab and in its copy of the open conversation, but not in the archive"
    } else {
        "new messages are kept in this tab but not saved"
    };
    format!(
        "Storage is full ({} in use): {kept}, and nothing already saved was changed. {ADVICE}",
        megabytes(used, quota)
    )
}

#[cfg(test)]
mod tests;
