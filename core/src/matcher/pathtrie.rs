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
use crate::fold::{fold_hash, fold_str_into};
use crate::paths::RulePath;
use crate::pattern::Pattern;

#[derive(Clone, Debug, Default)]
struct Node {
    /// Wildcard component edges, sorted by [`WildEdge::first`] (those without a literal
    /// first byte, `NO_BYTE`, last): a component is tried only against the edges whose first
    /// byte is its own, and those without one.
    wild: Vec<WildEdge>,
    /// The node reached through a `**` edge.
    star_child: Option<u32>,
    /// This node was reached through `**`: it also consumes any component and stays.
    is_star: bool,
    /// Applications whose rule path ends exactly here.
    files: Vec<u32>,
    /// Applications whose folder rule ends here.
    folders: Vec<u32>,
}

/// A component edge with `*` or `?`.
#[derive(Clone, Debug)]
struct WildEdge {
    pat: Pattern,
    child: u32,
    /// The first byte of the pattern's (folded) literal prefix, or `NO_BYTE`: a cheap
    /// rejection before the full match.
    first: u16,
    /// The last byte of the pattern's (folded) literal suffix, or `NO_BYTE`.
    last: u16,
}

const NO_BYTE: u16 = 256;

impl WildEdge {
    /// Whether the (folded) component matches.
    #[inline]
    fn is_match(&self, folded: &str) -> bool {
        let b = folded.as_bytes();
        (self.first == NO_BYTE || b.first().map(|&x| u16::from(x)) == Some(self.first))
            && (self.last == NO_BYTE || b.last().map(|&x| u16::from(x)) == Some(self.last))
            && self.pat.is_match_folded(folded)
    }
}

#[derive(Clone, Debug)]
struct Edge {
    parent: u32,
    child: u32,
    /// The component, folded when the trie is case-insensitive.
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
    /// The current launch component, folded.
    folded: String,
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

    /// The hash of a component already folded (when case-insensitive).
    fn component_hash(folded: &str) -> u64 {
        fold_hash(folded, false)
    }

    fn key(parent: u32, hash: u64) -> u64 {
        hash ^ u64::from(parent).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// The literal edge `folded` (folded when case-insensitive, with hash `hash`) out of
    /// `parent`.
    fn literal_child(&self, parent: u32, folded: &str, hash: u64) -> Option<u32> {
        let bucket = self.edges.get(&Self::key(parent, hash))?;
        bucket
            .iter()
            .find(|e| e.parent == parent && *e.component == *folded)
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
                    .and_then(|n| n.wild.iter().find(|w| w.pat == pat).map(|w| w.child));
                match existing {
                    Some(c) => c,
                    None => {
                        let c = self.new_node(false);
                        let first = pat
                            .literal_prefix()
                            .as_bytes()
                            .first()
                            .map_or(NO_BYTE, |&b| u16::from(b));
                        let last = pat
                            .literal_suffix()
                            .as_bytes()
                            .last()
                            .map_or(NO_BYTE, |&b| u16::from(b));
                        if let Some(n) = self.nodes.get_mut(at as usize) {
                            // Kept sorted by `first` (after the edges with the same one).
                            let pos = n.wild.partition_point(|w| w.first <= first);
                            n.wild.insert(
                                pos,
                                WildEdge {
                                    pat,
                                    child: c,
                                    first,
                                    last,
                                },
                            );
                        }
                        c
                    }
                }
            } else {
                let mut folded = String::new();
                if self.case_insensitive {
                    fold_str_into(component, &mut folded);
                } else {
                    folded.push_str(component);
                }
                let hash = Self::component_hash(&folded);
                match self.literal_child(at, &folded, hash) {
                    Some(c) => c,
                    None => {
                        let c = self.new_node(false);
                        self.edges
                            .entry(Self::key(at, hash))
                            .or_default()
                            .push(Edge {
                                parent: at,
                                child: c,
                                component: folded.into_boxed_str(),
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

    /// The wildcard edges (sorted by first byte) that `component` can match: those whose
    /// literal first byte is the component's first byte, then those without a literal first
    /// byte.
    fn wild_candidates<'w>(
        wild: &'w [WildEdge],
        component: &str,
    ) -> impl Iterator<Item = &'w WildEdge> {
        let any = wild.partition_point(|w| w.first < NO_BYTE);
        let (with_first, without) = wild.split_at(any.min(wild.len()));
        let same = match component.as_bytes().first() {
            Some(&b) => {
                let b = u16::from(b);
                let lo = with_first.partition_point(|w| w.first < b);
                let rest = with_first.get(lo..).unwrap_or(&[]);
                let hi = rest.partition_point(|w| w.first == b);
                rest.get(..hi).unwrap_or(&[])
            }
            None => &[],
        };
        same.iter().chain(without)
    }

    /// Whether components compare under case folding.
    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Appends to `out` every application whose rule path matches the components of a
    /// normalized, resolved launch path. `folded`: the components are already case-folded
    /// (the caller folded the whole path once), so they are not folded again here.
    ///
    /// Returns `fold_hash(last, true)` of the last component when the trie is
    /// case-insensitive and the walk hashed every component (`None` otherwise).
    pub fn matches<'a>(
        &self,
        components: impl Iterator<Item = &'a str>,
        folded_already: bool,
        scratch: &mut TrieScratch,
        out: &mut Vec<u32>,
    ) -> Option<u64> {
        if self.rules == 0 {
            return None;
        }
        let mut last = None;
        let TrieScratch {
            active,
            next,
            folded,
        } = scratch;
        active.clear();
        self.add_state(0, active);
        for component in components {
            let component = if self.case_insensitive && !folded_already {
                folded.clear();
                fold_str_into(component, folded);
                folded.as_str()
            } else {
                component
            };
            // One hash per component, whatever the number of active states.
            let hash = Self::component_hash(component);
            last = Some(hash);
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
                if let Some(c) = self.literal_child(s, component, hash) {
                    self.add_state(c, next);
                }
                if !node.wild.is_empty() {
                    for w in Self::wild_candidates(&node.wild, component) {
                        if w.is_match(component) {
                            self.add_state(w.child, next);
                        }
                    }
                }
            }
            std::mem::swap(active, next);
            if active.is_empty() {
                return None;
            }
        }
        for &s in active.iter() {
            if let Some(node) = self.nodes.get(s as usize) {
                out.extend_from_slice(&node.files);
            }
        }
        // Folded, a component's case-sensitive hash is its case-insensitive one.
        last.filter(|_| self.case_insensitive)
    }
}
