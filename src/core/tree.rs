//! Versions: the messages of a conversation form a tree. Every message has a parent;
//! editing a question or regenerating a reply adds a sibling and deletes nothing.
//!
//! A conversation keeps the path it shows in `messages` (root first, each message the
//! child of the one before) and every other message in `branches`, so whatever reads the
//! transcript — the request, the counts, the meter, the summary — follows the shown
//! path without knowing about the others. Flipping to another version swaps the part of
//! the path below the fork with that version and the path below it.

mod layout;

use layout::parents;
pub(super) use layout::positions;

use super::conversation::{Conversation, ConversationId, Summary};
use super::message::{Message, MessageId, MessageStatus};

/// Where a message stands among its versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versions {
    /// Which version it is, from 1, in the order they were written.
    pub number: usize,
    /// How many versions there are.
    pub count: usize,
}

/// What a deletion took away, to be put back by Undo.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    /// Every message removed, the one deleted first, each with the parent it had.
    pub messages: Vec<Message>,
    /// The path as it was, to be shown again by Undo.
    pub path: Vec<MessageId>,
    /// Messages that followed a message removed alone, which moved up to its parent.
    pub moved_up: Vec<MessageId>,
}

/// The order of versions: oldest first, ties by id, so every tab agrees.
pub(super) fn older(a: &Message, b: &Message) -> std::cmp::Ordering {
    a.created_at
        .total_cmp(&b.created_at)
        .then_with(|| a.id.cmp(&b.id))
}

impl Conversation {
    /// Every message: the shown path, then the other versions.
    pub fn all_messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().chain(self.branches.iter())
    }

    /// Makes each message of the shown path the child of the one before it, the first a
    /// root. A conversation stored before versions existed (schema 1) is one path, and
    /// becomes that path unchanged.
    pub fn link_path(&mut self) {
        let mut parent: Option<MessageId> = None;
        for m in &mut self.messages {
            m.parent = parent.replace(m.id.clone());
        }
    }

    /// Which version each message with other versions on the shown path is.
    pub fn forks(&self) -> Vec<(MessageId, Versions)> {
        if self.branches.is_empty() {
            return Vec::new();
        }
        let all: Vec<&Message> = self.all_messages().collect();
        let parent = parents(&all);
        let mut forks = Vec::new();
        for (i, m) in self.messages.iter().enumerate() {
            let siblings = (0..all.len()).filter(|&j| parent[j] == parent[i]);
            let (mut number, mut count) = (1, 0);
            for j in siblings {
                count += 1;
                if older(all[j], m).is_lt() {
                    number += 1;
                }
            }
            if count > 1 {
                forks.push((m.id.clone(), Versions { number, count }));
            }
        }
        forks
    }

    /// Takes the path from message `from` (an index into it) down off the shown path: it
    /// becomes another version, and each fork along it remembers it was shown.
    pub fn leave_path_at(&mut self, from: usize) {
        if from >= self.messages.len() {
            return;
        }
        let tail: Vec<Message> = self.messages.drain(from..).collect();
        for m in &tail {
            self.chosen.retain(|c| c != &m.id);
            self.chosen.push(m.id.clone());
        }
        self.branches.extend(tail);
        super::order::sort_by(&mut self.branches, older);
        self.pick_summary();
    }

    /// Shows the version `step` places from message `id` on the shown path (−1 the
    /// previous, +1 the next), and the path below it as it was last shown. Returns
    /// whether the path changed.
    pub fn show_version(&mut self, id: &MessageId, step: isize) -> bool {
        let Some(at) = self.messages.iter().position(|m| &m.id == id) else {
            return false;
        };
        let parent = &self.messages[at].parent;
        let mut siblings: Vec<&Message> = self
            .all_messages()
            .filter(|m| &m.parent == parent)
            .collect();
        super::order::sort_by(&mut siblings, |a, b| older(a, b));
        let here = siblings.iter().position(|m| &m.id == id);
        let target = here
            .and_then(|h| h.checked_add_signed(step))
            .filter(|&t| Some(t) != here)
            .and_then(|t| siblings.get(t))
            .map(|m| m.id.clone());
        let Some(target) = target else {
            return false;
        };
        self.leave_path_at(at);
        if let Some(i) = self.branches.iter().position(|m| m.id == target) {
            let m = self.branches.remove(i);
            self.messages.push(m);
        }
        self.follow_down();
        true
    }

    /// Extends the shown path from its end: at each fork the version shown last there,
    /// else the newest.
    pub(super) fn follow_down(&mut self) {
        loop {
            let key = self.messages.last().map(|m| m.id.clone());
            let chosen = &self.chosen;
            let rank = |m: &Message| chosen.iter().position(|c| c == &m.id);
            let next = self
                .branches
                .iter()
                .enumerate()
                .filter(|(_, m)| m.parent == key)
                .max_by(|(_, a), (_, b)| rank(a).cmp(&rank(b)).then_with(|| older(a, b)))
                .map(|(i, _)| i);
            let Some(i) = next else { break };
            let m = self.branches.remove(i);
            self.chosen.retain(|c| c != &m.id);
            self.messages.push(m);
        }
        self.pick_summary();
    }

    /// The ids of every message below `id`.
    pub fn descendants(&self, id: &MessageId) -> Vec<MessageId> {
        let all: Vec<&Message> = self.all_messages().collect();
        let parent = parents(&all);
        let mut below = vec![false; all.len()];
        let Some(start) = all.iter().position(|m| &m.id == id) else {
            return Vec::new();
        };
        // Parents usually come first; passes until nothing changes cover any order.
        let mut changed = true;
        while changed {
            changed = false;
            for j in 0..all.len() {
                let under = parent[j].is_some_and(|p| p == start || below[p]);
                if under && !below[j] && j != start {
                    below[j] = true;
                    changed = true;
                }
            }
        }
        (0..all.len())
            .filter(|&j| below[j])
            .map(|j| all[j].id.clone())
            .collect()
    }

    /// Removes message `id` of the shown path, and with `subtree` every message below it
    /// too; without, the messages that followed it follow its parent instead. Removals
    /// are recorded for merging (stamped `updated_at`: set it first). The shown path then
    /// continues through what is left. Returns what was removed, or `None` when `id` is
    /// not on the shown path.
    pub fn remove_from_path(&mut self, id: &MessageId, subtree: bool) -> Option<Removed> {
        let at = self.messages.iter().position(|m| &m.id == id)?;
        let path: Vec<MessageId> = self.messages.iter().map(|m| m.id.clone()).collect();
        let parent = self.messages[at].parent.clone();
        let mut gone = vec![id.clone()];
        let mut moved_up = Vec::new();
        if subtree {
            gone.extend(self.descendants(id));
        } else {
            for m in self.messages.iter_mut().chain(self.branches.iter_mut()) {
                if m.parent.as_ref() == Some(id) {
                    m.parent = parent.clone();
                    moved_up.push(m.id.clone());
                }
            }
        }
        let mut messages: Vec<Message> = self
            .all_messages()
            .filter(|m| gone.contains(&m.id))
            .cloned()
            .collect();
        super::order::sort_by(&mut messages, |a, b| (&a.id != id).cmp(&(&b.id != id)));
        self.remove_ids(&gone);
        if subtree {
            // The path ends above the removed message; another version of it shows.
            self.messages.truncate(at);
            self.follow_down();
        } else {
            self.link_path();
            self.pick_summary();
        }
        Some(Removed {
            messages,
            path,
            moved_up,
        })
    }

    /// Undoes [`Conversation::remove_from_path`]: the messages come back under new ids
    /// (`new_id`), since other tabs keep the old ones removed, and the path as it was
    /// shows again.
    pub fn restore(&mut self, removed: Removed, new_id: &mut dyn FnMut() -> String) {
        let fresh: Vec<(MessageId, MessageId)> = removed
            .messages
            .iter()
            .map(|m| (m.id.clone(), MessageId(new_id())))
            .collect();
        let renamed = |id: &MessageId| {
            fresh
                .iter()
                .find(|(old, _)| old == id)
                .map_or_else(|| id.clone(), |(_, new)| new.clone())
        };
        let deleted = removed.messages.first().map(|m| renamed(&m.id));
        for m in self.messages.iter_mut().chain(self.branches.iter_mut()) {
            if removed.moved_up.contains(&m.id) {
                m.parent = deleted.clone();
            }
        }
        if let Some(summary) = &mut self.summary {
            summary.covers_through = renamed(&summary.covers_through);
        }
        for mut m in removed.messages {
            m.id = renamed(&m.id);
            m.parent = m.parent.as_ref().map(renamed);
            self.branches.push(m);
        }
        let path: Vec<MessageId> = removed.path.iter().map(renamed).collect();
        let mut nodes = std::mem::take(&mut self.messages);
        nodes.append(&mut self.branches);
        self.arrange(nodes, &path, &[]);
    }

    /// A new conversation holding the shown path up to and including message `id`, with
    /// this one's title and settings; `None` when `id` is not on the shown path.
    pub fn fork_at(&self, id: &MessageId, new: ConversationId, now: f64) -> Option<Conversation> {
        let at = self.messages.iter().position(|m| &m.id == id)?;
        let mut fork = Conversation::new(new, now);
        fork.title = self.title.clone();
        fork.overrides = self.overrides.clone();
        fork.messages = self.messages[..=at].to_vec();
        for m in &mut fork.messages {
            if m.status == MessageStatus::Streaming {
                m.status = MessageStatus::Stopped;
            }
        }
        fork.summary = self
            .summary
            .clone()
            .filter(|s| fork.messages.iter().any(|m| m.id == s.covers_through));
        Some(fork)
    }

    /// Removes the messages `gone` from the path and the other versions, and records them
    /// for merging.
    pub(super) fn remove_ids(&mut self, gone: &[MessageId]) {
        self.messages.retain(|m| !gone.contains(&m.id));
        self.branches.retain(|m| !gone.contains(&m.id));
        self.chosen.retain(|c| !gone.contains(c));
        let now = self.updated_at;
        for id in gone {
            if !self.removed.contains(id) {
                self.removed.push(id.clone());
            }
            self.removed_at.insert(id.clone(), now);
        }
        self.prune_removed();
    }

    /// Replaces the summary; the old one stays for the other paths when there are any.
    pub fn set_summary(&mut self, summary: Summary) {
        if let Some(old) = self.summary.replace(summary) {
            if !self.branches.is_empty() {
                self.other_summaries.push(old);
            }
        }
    }

    /// Sends the summary that covers the most of the shown path; a summary of messages
    /// on another path is kept aside, for when that path is shown again.
    pub fn pick_summary(&mut self) {
        let on_path = |s: &Summary| self.messages.iter().position(|m| m.id == s.covers_through);
        let settled =
            self.branches.is_empty() || self.summary.as_ref().is_none_or(|s| on_path(s).is_some());
        if self.other_summaries.is_empty() && settled {
            return;
        }
        let mut pool = std::mem::take(&mut self.other_summaries);
        pool.extend(self.summary.take());
        let best = pool
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((on_path(s)?, s.created_at, i)))
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.total_cmp(&b.1)))
            .map(|(_, _, i)| i);
        if let Some(i) = best {
            self.summary = Some(pool.remove(i));
        }
        // Only another path can use the rest: with one path there is none.
        if !self.branches.is_empty() {
            pool.retain(|s| {
                self.branches.iter().any(|m| m.id == s.covers_through) || on_path(s).is_some()
            });
            self.other_summaries = pool;
        }
    }
}

#[cfg(test)]
mod tests;
