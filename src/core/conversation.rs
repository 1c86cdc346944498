//! A conversation: its messages and the edits the send loop makes to them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::message::{Message, MessageId, MessageStatus, Role, Usage};
use super::openai::error::ApiError;
use super::persist::TOMBSTONE_MS;
use super::settings::Overrides;

/// Identifier of a conversation; also part of its storage key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConversationId(pub String);

impl std::fmt::Display for ConversationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest title taken from the first user message, in characters.
pub const TITLE_CHARS: usize = 48;

/// A conversation and every message in it. Memory management never removes messages
/// from here; only the user does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub title: String,
    pub created_at: f64,
    pub updated_at: f64,
    /// The path shown, oldest first: each message follows the one before it. Everything
    /// that is sent, counted or summarised reads this.
    pub messages: Vec<Message>,
    /// Every other version: messages off the shown path, in creation order (see `tree`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Message>,
    /// Versions off the shown path that were shown last at their fork, the latest last:
    /// flipping back to a fork shows its version again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chosen: Vec<MessageId>,
    /// The rolling summary of messages that left the context window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Summaries written on other paths, kept for when they are shown again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_summaries: Vec<Summary>,
    /// Tokens and cost of the summary calls made for this conversation.
    #[serde(default)]
    pub summary_usage: Usage,
    /// Settings this conversation uses instead of the defaults.
    #[serde(default, skip_serializing_if = "Overrides::is_empty")]
    pub overrides: Overrides,
    /// Ids of messages removed from it, so that another tab's copy, which may still hold
    /// them, never brings them back when the two are merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<MessageId>,
    /// When each of `removed` was removed (the conversation's `updated_at` then), so that
    /// they are forgotten after [`TOMBSTONE_MS`]. Kept beside the plain list, which older
    /// builds read; an id without a time (stored by them) is given one when next pruned.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub removed_at: BTreeMap<MessageId, f64>,
}

/// A rolling summary of the start of a conversation, sent in place of the messages it
/// covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub text: String,
    /// The newest message the summary covers; it and every older message are covered.
    pub covers_through: MessageId,
    pub created_at: f64,
    /// The model that wrote it (empty when the user edited it by hand).
    pub model: String,
}

impl Conversation {
    /// An empty conversation.
    pub fn new(id: ConversationId, now: f64) -> Self {
        Conversation {
            id,
            title: String::new(),
            created_at: now,
            updated_at: now,
            messages: Vec::new(),
            branches: Vec::new(),
            chosen: Vec::new(),
            summary: None,
            other_summaries: Vec::new(),
            summary_usage: Usage::default(),
            overrides: Overrides::default(),
            removed: Vec::new(),
            removed_at: BTreeMap::new(),
        }
    }

    /// The title to show: the stored one, or "New chat" while there is none.
    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            "New chat"
        } else {
            &self.title
        }
    }

    /// Appends a message the user wrote; the first one also names the conversation.
    pub fn push_user(&mut self, message: Message) {
        if self.title.is_empty() {
            self.title = title_from(&message.content);
        }
        self.updated_at = message.created_at;
        self.push(message);
    }

    /// Appends any message to the shown path: it follows the path's last message.
    pub fn push(&mut self, mut message: Message) {
        self.updated_at = self.updated_at.max(message.created_at);
        message.parent = self.messages.last().map(|m| m.id.clone());
        self.messages.push(message);
    }

    /// The message with this id.
    pub fn message_mut(&mut self, id: &MessageId) -> Option<&mut Message> {
        self.messages.iter_mut().find(|m| &m.id == id)
    }

    /// Appends streamed text to a reply.
    pub fn append_to(&mut self, id: &MessageId, text: &str) {
        if let Some(m) = self.message_mut(id) {
            m.content.push_str(text);
        }
    }

    /// Appends to a reply's reasoning.
    pub fn think(&mut self, id: &MessageId, text: &str) {
        if let Some(m) = self.message_mut(id) {
            m.reasoning.push_str(text);
        }
    }

    /// Records the usage reported for a reply.
    pub fn set_usage(&mut self, id: &MessageId, usage: Usage) {
        if let Some(m) = self.message_mut(id) {
            m.usage = Some(usage);
        }
    }

    /// Removes the messages for which `remove(index, message)` is true, and remembers
    /// their ids for merging, stamped with `updated_at` (set it to the time of the change
    /// first). Removals older than [`TOMBSTONE_MS`] are forgotten.
    /// Only the shown path is looked at; the messages that followed a removed one
    /// follow the one before it.
    pub fn remove_messages(&mut self, mut remove: impl FnMut(usize, &Message) -> bool) {
        let mut gone = Vec::new();
        let mut parent_of = Vec::new();
        for (i, m) in self.messages.iter().enumerate() {
            if remove(i, m) {
                gone.push(m.id.clone());
                parent_of.push(m.parent.clone());
            }
        }
        self.remove_ids(&gone);
        // Another version that followed a removed message follows the one before it.
        for m in &mut self.branches {
            while let Some(i) = m
                .parent
                .as_ref()
                .and_then(|p| gone.iter().position(|g| g == p))
            {
                m.parent = parent_of[i].clone();
            }
        }
        self.link_path();
    }

    /// Forgets removals older than [`TOMBSTONE_MS`] before `updated_at`; a removal with no
    /// time (stored by an older build) is dated `updated_at`.
    pub(super) fn prune_removed(&mut self) {
        let now = self.updated_at;
        for id in &self.removed {
            self.removed_at.entry(id.clone()).or_insert(now);
        }
        let removed_at = &mut self.removed_at;
        removed_at.retain(|_, at| *at >= now - TOMBSTONE_MS);
        self.removed.retain(|id| removed_at.contains_key(id));
    }

    /// Ends a reply with `status`. A reply that ends with no text at all is removed
    /// (there is nothing to keep); only an empty reply the model cut off stays, to say
    /// why nothing came. When the removed reply was a new version (a regeneration), the
    /// version before it is shown again, and a failure is returned for the caller to
    /// report. Otherwise a failure is carried by the user message it answered, so that
    /// message can be retried.
    pub fn finish_reply(
        &mut self,
        id: &MessageId,
        status: MessageStatus,
        now: f64,
    ) -> Option<ApiError> {
        self.updated_at = now;
        let index = self.messages.iter().position(|m| &m.id == id)?;
        let reply = &mut self.messages[index];
        // An empty reply the model cut off stays, so the user sees why nothing came.
        if !reply.content.is_empty() || matches!(status, MessageStatus::CutOff { .. }) {
            reply.status = status;
            return None;
        }
        let parent = reply.parent.clone();
        self.remove_messages(|i, _| i == index);
        // A regeneration that brought nothing: the version before it shows again.
        if self.branches.iter().any(|m| m.parent == parent) {
            self.follow_down();
            return match status {
                MessageStatus::Failed { error } => Some(error),
                _ => None,
            };
        }
        if let MessageStatus::Failed { error } = status {
            if let Some(user) = self.messages[..index]
                .iter_mut()
                .rev()
                .find(|m| m.role == Role::User)
            {
                user.status = MessageStatus::Failed { error };
            }
        }
        None
    }

    /// Marks a failed user message as pending again before it is resent.
    pub fn mark_resent(&mut self, id: &MessageId) {
        if let Some(m) = self.message_mut(id) {
            m.status = MessageStatus::Complete;
        }
    }

    /// The error of the newest failed message, if the conversation ends in a failure.
    pub fn last_error(&self) -> Option<&ApiError> {
        match self.messages.last().map(|m| &m.status) {
            Some(MessageStatus::Failed { error }) => Some(error),
            _ => None,
        }
    }

    /// Any reply still marked as streaming (say, after the page was closed mid-reply)
    /// is stopped: its partial text is kept. Empty replies go, except cut-off ones.
    pub fn settle_interrupted(&mut self) {
        for m in &mut self.messages {
            if m.status == MessageStatus::Streaming {
                m.status = MessageStatus::Stopped;
            }
        }
        self.messages.retain(|m| {
            m.role != Role::Assistant
                || !m.content.is_empty()
                || matches!(m.status, MessageStatus::CutOff { .. })
        });
    }

    /// A copy to plan the continuation of reply `id` from, with that reply marked as it
    /// was before it resumed (`before`): while it grows it is marked as streaming, which
    /// is never sent, yet every attempt of a continuation must send its partial text.
    pub fn resuming(&self, id: &MessageId, before: &MessageStatus) -> Conversation {
        let mut copy = self.clone();
        if let Some(m) = copy.message_mut(id) {
            m.status = before.clone();
        }
        copy
    }
}

impl Conversation {
    /// Whether this conversation holds what `theirs` (another tab's copy, just merged in)
    /// lacks: a message it does not have, or the end of a reply it holds as still
    /// streaming. The reply streaming here (`streaming`) is left to its own saves. The
    /// tab then writes the union back, or a copy written over its last save would be
    /// the one that stays.
    pub fn holds_more_than(&self, theirs: &Conversation, streaming: Option<&MessageId>) -> bool {
        self.all_messages()
            .filter(|m| Some(&m.id) != streaming && !m.content.is_empty())
            .any(
                |ours| match theirs.all_messages().find(|t| t.id == ours.id) {
                    None => !theirs.removed.contains(&ours.id),
                    Some(t) => {
                        t.status == MessageStatus::Streaming
                            && ours.status != MessageStatus::Streaming
                    }
                },
            )
    }

    /// Merges what another tab stored for this conversation, so that neither tab's
    /// messages are lost: every message and version either side has is kept. For a
    /// message both have, the side that saved last wins, except the reply this tab is
    /// streaming (`streaming`), which is always ours. Empty messages from the other side
    /// (a reply that had not started) carry nothing and are skipped. This tab keeps the
    /// path it shows, followed further where the other tab's path goes on from its end.
    pub fn merge_from(&mut self, theirs: &Conversation, streaming: Option<&MessageId>) {
        let theirs_newer = theirs.updated_at > self.updated_at;
        for id in &theirs.removed {
            if !self.removed.contains(id) {
                self.removed.push(id.clone());
            }
        }
        for (id, at) in &theirs.removed_at {
            let ours = self.removed_at.entry(id.clone()).or_insert(*at);
            *ours = ours.max(*at);
        }
        let removed = self.removed.clone();
        let our_path: Vec<MessageId> = self.messages.iter().map(|m| m.id.clone()).collect();
        let their_path: Vec<MessageId> = theirs.messages.iter().map(|m| m.id.clone()).collect();
        let mut nodes = std::mem::take(&mut self.messages);
        nodes.append(&mut self.branches);
        nodes.retain(|m| !removed.contains(&m.id));
        // Where each of their messages is among ours, looked up once.
        let found: Vec<Option<usize>> = {
            let at = super::tree::positions(nodes.iter());
            theirs
                .all_messages()
                .map(|m| at.get(m.id.0.as_str()).copied())
                .collect()
        };
        for (their, found) in theirs.all_messages().zip(found) {
            if their.content.is_empty() || removed.contains(&their.id) {
                continue;
            }
            let Some(i) = found else {
                nodes.push(their.clone());
                continue;
            };
            let ours = &mut nodes[i];
            let they_are_further =
                ours.status == MessageStatus::Streaming && their.status != MessageStatus::Streaming;
            // A copy saved later may still hold a reply as it was while it streamed.
            let they_are_behind =
                their.status == MessageStatus::Streaming && ours.status != MessageStatus::Streaming;
            // A message removed alone had what followed it moved up to its parent: a copy
            // that still names the removed one is behind.
            let gone = |p: &Option<MessageId>| p.as_ref().is_some_and(|p| removed.contains(p));
            if Some(&ours.id) != streaming
                && ((theirs_newer && !they_are_behind) || they_are_further)
            {
                let mine = ours.parent.take();
                *ours = their.clone();
                if gone(&ours.parent) {
                    ours.parent = mine;
                }
            } else if gone(&ours.parent) && !gone(&their.parent) {
                ours.parent = their.parent.clone();
            }
        }
        // The versions shown last at forks: ours are later, so they win.
        let mut chosen: Vec<MessageId> = theirs
            .chosen
            .iter()
            .filter(|c| !self.chosen.contains(c))
            .cloned()
            .collect();
        chosen.append(&mut self.chosen);
        chosen.retain(|c| !removed.contains(c));
        self.chosen = chosen;
        for s in &theirs.other_summaries {
            if !self.other_summaries.contains(s) {
                self.other_summaries.push(s.clone());
            }
        }
        if theirs_newer {
            if !theirs.title.is_empty() {
                self.title = theirs.title.clone();
            }
            if let Some(summary) = &theirs.summary {
                if self.summary.as_ref() != Some(summary) {
                    self.other_summaries
                        .extend(self.summary.replace(summary.clone()));
                }
            }
            self.summary_usage = theirs.summary_usage;
            self.overrides = theirs.overrides.clone();
        } else if let Some(summary) = &theirs.summary {
            if self.summary.as_ref() != Some(summary) && !self.other_summaries.contains(summary) {
                self.other_summaries.push(summary.clone());
            }
        }
        self.arrange(nodes, &our_path, &their_path);
        self.updated_at = self.updated_at.max(theirs.updated_at);
        self.prune_removed();
    }
}

/// A title made from the first line of a message, shortened to [`TITLE_CHARS`].
pub fn title_from(text: &str) -> String {
    // A lone '\r' ends a line too (text pasted from old Mac files): `str::lines` keeps it.
    let line = text.trim().split(['\n', '\r']).next().unwrap_or("").trim();
    let mut title: String = line.chars().take(TITLE_CHARS).collect();
    if line.chars().count() > TITLE_CHARS {
        title = title.trim_end().to_string();
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests;
