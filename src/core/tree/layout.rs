//! Laying a tree out as the path shown and the other versions: after a merge with
//! another tab or an Undo ([`Conversation::arrange`]), and for a stored tree that cannot
//! be shown as it is ([`Conversation::repair`]). Positions stand in for ids here, found
//! by one lookup ([`positions`]): a hash map or set of every other type would add its
//! own copy of the hashing code to the app.

use std::collections::HashMap;

use super::older;
use crate::core::conversation::Conversation;
use crate::core::message::{Message, MessageId};

/// Each message's position in `messages`, by id (the first, if an id repeats).
pub(in crate::core) fn positions<'a>(
    messages: impl Iterator<Item = &'a Message>,
) -> HashMap<&'a str, usize> {
    let mut at = HashMap::new();
    for (i, m) in messages.enumerate() {
        at.entry(m.id.0.as_str()).or_insert(i);
    }
    at
}

/// The position of each message's parent in `messages`: `None` for a first message, a
/// parent that is not there, or a message that names itself.
pub(super) fn parents(messages: &[&Message]) -> Vec<Option<usize>> {
    let at = positions(messages.iter().copied());
    messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let p = m
                .parent
                .as_ref()
                .and_then(|p| at.get(p.0.as_str()).copied());
            p.filter(|&p| p != i)
        })
        .collect()
}

/// The next message after each one on a path (by position in the nodes laid out), and
/// the path's first.
fn successors(
    path: &[MessageId],
    at: &HashMap<&str, usize>,
    n: usize,
) -> (Option<usize>, Vec<Option<usize>>) {
    let mut next = vec![None; n];
    let steps: Vec<usize> = path
        .iter()
        .filter_map(|id| at.get(id.0.as_str()).copied())
        .collect();
    for pair in steps.windows(2) {
        next[pair[0]] = Some(pair[1]);
    }
    (steps.first().copied(), next)
}

impl Conversation {
    /// Makes any stored tree one that can be shown: the path linked, each id once (the
    /// path's copy wins), and every other version under a message that exists, with no
    /// loop of parents (such a message becomes a version of the first message).
    pub fn repair(&mut self) {
        self.link_path();
        if self.branches.is_empty() {
            return;
        }
        let keep: Vec<bool> = {
            let at = positions(self.all_messages());
            let path = self.messages.len();
            self.branches
                .iter()
                .enumerate()
                .map(|(j, m)| at.get(m.id.0.as_str()) == Some(&(path + j)))
                .collect()
        };
        let mut flags = keep.into_iter();
        self.branches.retain(|_| flags.next().unwrap_or(false));
        let parent = parents(&self.all_messages().collect::<Vec<_>>());
        let path = self.messages.len();
        for (j, m) in self.branches.iter_mut().enumerate() {
            // Up from it, a first message or the path must come before a loop closes.
            let me = path + j;
            let mut up = parent[me];
            let mut steps = 0;
            let looped = loop {
                match up {
                    None => break false,
                    Some(p) if p < path => break false,
                    Some(p) if p == me || steps > parent.len() => break true,
                    Some(p) => {
                        up = parent[p];
                        steps += 1;
                    }
                }
            };
            if looped || parent[me].is_none() {
                m.parent = None;
            }
        }
    }

    /// Lays out `nodes` (every message) as a shown path and other versions: the path
    /// follows `ours` as far as its messages remain, then `theirs` (another tab's path)
    /// where it goes on from there; where a message of `ours` is gone, the version
    /// shown last, else the newest. A message whose parent is gone becomes a root.
    pub(in crate::core) fn arrange(
        &mut self,
        mut nodes: Vec<Message>,
        ours: &[MessageId],
        theirs: &[MessageId],
    ) {
        crate::core::order::sort_by(&mut nodes, older);
        let n = nodes.len();
        let parent = parents(&nodes.iter().collect::<Vec<_>>());
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
        for (i, p) in parent.iter().enumerate() {
            children[p.unwrap_or(n)].push(i);
        }
        let (our_first, our_next, their_first, their_next, chosen) = {
            let at = positions(nodes.iter());
            let (of, on) = successors(ours, &at, n);
            let (tf, tn) = successors(theirs, &at, n);
            let chosen: Vec<usize> = self
                .chosen
                .iter()
                .filter_map(|c| at.get(c.0.as_str()).copied())
                .collect();
            (of, on, tf, tn, chosen)
        };
        let mut on_ours = vec![false; n];
        for i in our_next.iter().flatten().chain(our_first.iter()) {
            on_ours[*i] = true;
        }
        let mut path: Vec<usize> = Vec::new();
        let mut taken = vec![false; n];
        let mut current: Option<usize> = None;
        while path.len() < n {
            let kids = &children[current.unwrap_or(n)];
            let has = |i: &Option<usize>| i.filter(|i| kids.contains(i));
            let newest = || {
                kids.iter()
                    .copied()
                    .max_by_key(|k| (chosen.iter().position(|c| c == k), *k))
            };
            let (o, t) = match current {
                None => (our_first, their_first),
                Some(c) => (our_next[c], their_next[c]),
            };
            let next = match o {
                Some(_) if has(&o).is_some() => o,
                // Our path went on through a message that is gone: show another version.
                Some(_) => newest(),
                // Our path ends here: it goes on only where theirs does.
                None if current.is_some_and(|c| on_ours[c]) => has(&t),
                None => has(&t).or_else(newest),
            };
            let Some(i) = next.filter(|&i| !taken[i]) else {
                break;
            };
            taken[i] = true;
            path.push(i);
            current = Some(i);
        }
        for (i, m) in nodes.iter_mut().enumerate() {
            if parent[i].is_none() {
                m.parent = None;
            }
        }
        let mut slots: Vec<Option<Message>> = nodes.into_iter().map(Some).collect();
        self.messages = path.iter().filter_map(|&i| slots[i].take()).collect();
        self.branches = slots.into_iter().flatten().collect();
        let branches = &self.branches;
        self.chosen.retain(|c| branches.iter().any(|m| &m.id == c));
        self.link_path();
        self.pick_summary();
    }
}
