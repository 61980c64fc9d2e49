//! One compiled structure for every path rule of a policy: a trie over path components.
//!
//! Literal components are edges in a single hash map keyed by (parent node, component), so a
//! node costs a few words however many children it has; components with `*` or `?` are
//! wildcard edges tested one by one (a node has few); `**` makes a *star* node that consumes
//! any number of components. Matching runs the trie as an NFA over the launch's components:
//! the active states after each component are a small set, kept in a reused buffer. Folder
//! rules mark a node: every path with at least one more component below it matches. The cost is
//! one hash probe per component and active state, plus the wildcard edges of the active nodes;
//! it does not depend on how many path rules there are.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::index::DigestHasher;
use crate::fold::{fold_eq, fold_hash};
use crate::paths::RulePath;
use crate::pattern::Pattern;

#[derive(Clone, Debug, Default)]
struct Node {
    /// Wildcard component edges.
    wild: Vec<(Pattern, u32)>,
    /// The node reached through a `**` edge.
    star_child: Option<u32>,
    /// This node was reached through `**`: it also consumes any component and stays.
    is_star: bool,
    /// Applications whose rule path ends exactly here.
    files: Vec<u32>,
    /// Applications whose folder rule ends here.
    folders: Vec<u32>,
}

#[derive(Clone, Debug)]
struct Edge {
    parent: u32,
    child: u32,
    component: Box<str>,
}

/// All path rules of a policy.
#[derive(Clone, Debug)]
pub(crate) struct PathTrie {
    nodes: Vec<Node>,
    edges: HashMap<u64, Vec<Edge>, BuildHasherDefault<DigestHasher>>,
    case_insensitive: bool,
    rules: usize,
}

/// Reused buffers for [`PathTrie::matches`].
#[derive(Debug, Default)]
pub(crate) struct TrieScratch {
    active: Vec<u32>,
    next: Vec<u32>,
}

impl PathTrie {
    pub fn new(case_insensitive: bool) -> PathTrie {
        PathTrie {
            nodes: vec![Node::default()],
            edges: HashMap::default(),
            case_insensitive,
            rules: 0,
        }
    }

    fn key(&self, parent: u32, component: &str) -> u64 {
        fold_hash(component, self.case_insensitive)
            ^ u64::from(parent).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn literal_child(&self, parent: u32, component: &str) -> Option<u32> {
        let bucket = self.edges.get(&self.key(parent, component))?;
        bucket
            .iter()
            .find(|e| {
                e.parent == parent
                    && if self.case_insensitive {
                        fold_eq(&e.component, component)
                    } else {
                        *e.component == *component
                    }
            })
            .map(|e| e.child)
    }

    fn new_node(&mut self, is_star: bool) -> u32 {
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            is_star,
            ..Node::default()
        });
        id
    }

    /// Adds the rule path of application `app`.
    pub fn insert(&mut self, rule: &RulePath, app: u32) {
        let mut at: u32 = 0;
        for component in &rule.components {
            at = if component == "**" {
                match self.nodes.get(at as usize).and_then(|n| n.star_child) {
                    Some(c) => c,
                    None => {
                        let c = self.new_node(true);
                        if let Some(n) = self.nodes.get_mut(at as usize) {
                            n.star_child = Some(c);
                        }
                        c
                    }
                }
            } else if component.contains(['*', '?']) {
                let pat = Pattern::new(component, self.case_insensitive);
                let existing = self
                    .nodes
                    .get(at as usize)
                    .and_then(|n| n.wild.iter().find(|(p, _)| *p == pat).map(|(_, c)| *c));
                match existing {
                    Some(c) => c,
                    None => {
                        let c = self.new_node(false);
                        if let Some(n) = self.nodes.get_mut(at as usize) {
                            n.wild.push((pat, c));
                        }
                        c
                    }
                }
            } else {
                match self.literal_child(at, component) {
                    Some(c) => c,
                    None => {
                        let c = self.new_node(false);
                        let key = self.key(at, component);
                        self.edges.entry(key).or_default().push(Edge {
                            parent: at,
                            child: c,
                            component: component.as_str().into(),
                        });
                        c
                    }
                }
            };
        }
        if let Some(n) = self.nodes.get_mut(at as usize) {
            let list = if rule.folder {
                &mut n.folders
            } else {
                &mut n.files
            };
            if list.last() != Some(&app) {
                list.push(app);
            }
        }
        self.rules += 1;
    }

    /// Frees spare capacity after the last insert.
    pub fn shrink(&mut self) {
        self.nodes.shrink_to_fit();
        self.edges.shrink_to_fit();
    }

    /// Adds `node` and, through `**` edges, the star nodes reachable without consuming.
    fn add_state(&self, node: u32, set: &mut Vec<u32>) {
        let mut at = node;
        loop {
            if !set.contains(&at) {
                set.push(at);
            }
            match self.nodes.get(at as usize).and_then(|n| n.star_child) {
                Some(c) if c != at => at = c,
                _ => break,
            }
        }
    }

    /// Appends to `out` every application whose rule path matches the components of a
    /// normalized, resolved launch path.
    pub fn matches<'a>(
        &self,
        components: impl Iterator<Item = &'a str>,
        scratch: &mut TrieScratch,
        out: &mut Vec<u32>,
    ) {
        if self.rules == 0 {
            return;
        }
        let TrieScratch { active, next } = scratch;
        active.clear();
        self.add_state(0, active);
        for component in components {
            next.clear();
            for &s in active.iter() {
                let Some(node) = self.nodes.get(s as usize) else {
                    continue;
                };
                // A folder rule here matches: at least this component lies below it.
                out.extend_from_slice(&node.folders);
                if node.is_star {
                    self.add_state(s, next);
                }
                if let Some(c) = self.literal_child(s, component) {
                    self.add_state(c, next);
                }
                for (pat, c) in &node.wild {
                    if pat.is_match(component) {
                        self.add_state(*c, next);
                    }
                }
            }
            std::mem::swap(active, next);
            if active.is_empty() {
                return;
            }
        }
        for &s in active.iter() {
            if let Some(node) = self.nodes.get(s as usize) {
                out.extend_from_slice(&node.files);
            }
        }
    }
}
