//! The compiled policy and evaluation (policy.md §3–§5).
//!
//! [`CompiledPolicy`] is built once from a [`Policy`] and is immutable, `Send + Sync` and
//! cheap to clone (an `Arc`). [`CompiledPolicy::evaluate`] is a pure function of the compiled
//! policy, the launch and the time: it normalizes the path into a reused per-thread buffer,
//! probes the indexes of [`index`] and the path trie for candidate applications, checks each
//! candidate's criteria, orders the matching entries by the total precedence of §4 and
//! explains the winner. A launch that matches nothing allocates nothing.

mod decision;
pub(crate) mod index;
pub(crate) mod pathtrie;

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use decision::{Decision, Outcome, Warning};
use decision::{set_concat, set_list, set_opt};
use index::{Field, Index};
use pathtrie::{PathTrie, TrieScratch};

use crate::Duration;
use crate::launch::{self, Facts, Launch, LaunchError, LaunchFields, LaunchRef};
use crate::paths::{self, LaunchPathFacts, Platform};
use crate::policy::load::{GroupSel, ParsedApp, ParsedGroup, ParsedJit, ParsedList, Scope};
use crate::policy::{Elevation, Policy};

/// Three-valued result of an application's criteria: an unknown criterion (an unresolved
/// path) holds for deny entries only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tri {
    False,
    Unknown,
    True,
}

/// The compiled policy's own structures. The applications, lists, groups and JIT policies
/// themselves are read from the shared [`Policy`] (not copied): this keeps the compiled
/// policy small (docs/performance.md).
#[derive(Debug)]
pub(crate) struct Inner {
    pub name: String,
    pub revision: Option<i64>,
    pub platform: Platform,
    /// Privilege lists that name application `i`: `app_lists[app_lists_at[i]..app_lists_at[i + 1]]`.
    pub app_lists_at: Vec<u32>,
    pub app_lists: Vec<u32>,
    /// Whether application `i` is in the allowlist (empty when there is no allowlist).
    pub allowlisted: Vec<bool>,
    /// Lists with `applications: all`.
    pub all_lists: Vec<u32>,
    pub has_allowlist: bool,
    pub index: Index,
    pub trie: PathTrie,
    /// Applications of deny lists with a `path` criterion (candidates when the path is unresolved).
    pub deny_path_apps: Vec<u32>,
    /// Applications of deny lists with a `fileName` criterion (candidates when the file name is odd).
    pub deny_name_apps: Vec<u32>,
    pub requests_max: Duration,
    /// Application indexes sorted by id (looked up by binary search).
    pub app_by_id: Vec<u32>,
    pub policy: Policy,
}

impl Inner {
    pub fn apps(&self) -> &[ParsedApp] {
        &self.policy.parsed().apps
    }

    pub fn lists(&self) -> &[ParsedList] {
        &self.policy.parsed().lists
    }

    pub fn groups(&self) -> &[ParsedGroup] {
        &self.policy.parsed().groups
    }

    pub fn jits(&self) -> &[ParsedJit] {
        &self.policy.parsed().jits
    }

    /// The privilege lists that name application `app`.
    pub fn app_lists(&self, app: u32) -> &[u32] {
        let i = app as usize;
        match (
            self.app_lists_at.get(i),
            self.app_lists_at.get(i.saturating_add(1)),
        ) {
            (Some(&a), Some(&b)) => self.app_lists.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The index of the application with this id.
    pub fn app_index(&self, id: &str) -> Option<u32> {
        let apps = self.apps();
        self.app_by_id
            .binary_search_by(|&i| apps.get(i as usize).map_or("", |a| a.id.as_str()).cmp(id))
            .ok()
            .and_then(|k| self.app_by_id.get(k).copied())
    }
}

/// An immutable policy ready to answer launches.
///
/// ```
/// use jitaccess::{Launch, Outcome, Policy};
/// let policy = Policy::from_yaml(r#"
/// apiVersion: jitaccess/v1
/// name: demo
/// applications:
///   - { id: tools, path: '%ProgramFiles%\Tools\' }
/// privilegeLists:
///   - { id: it, elevation: onRequest, applications: [tools], maxDuration: 2h }
/// "#).unwrap();
/// let compiled = policy.compile();
/// let launch = Launch::from_json(r#"{"path": "c:/program files/TOOLS/x/y.exe"}"#).unwrap();
/// let d = compiled.evaluate(&launch, chrono::Utc::now()).unwrap();
/// assert_eq!(d.outcome, Outcome::Request);
/// assert_eq!(d.rule.as_deref(), Some("it/tools"));
/// assert_eq!(d.max_duration.unwrap().to_string(), "2h");
/// ```
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    pub(crate) inner: Arc<Inner>,
}

/// A matching entry, before ordering.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Entry { list: u32, app: u32 },
    All { list: u32 },
    Jit { jit: u32, app: Option<u32> },
    Grant { grant: u32 },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Cand {
    pub kind: Kind,
    pub deny: bool,
    pub strength: i8,
    pub criteria: u8,
    pub rank: u8,
}

/// Something outside the policy that may cover a launch: active requests and admin grants
/// (lifecycle.md §3). Implemented by the lifecycle engine.
/// A launch path after normalization.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NormPath<'a> {
    pub text: &'a str,
    pub resolved: bool,
}

pub(crate) trait Coverage {
    /// Appends the grants that cover the launch at `at` as (number, id). `app_holds` tells
    /// whether an application of the policy holds for the launch.
    fn covering(
        &self,
        launch: &Launch,
        path: NormPath<'_>,
        facts: &Facts,
        at: DateTime<Utc>,
        app_holds: &dyn Fn(&str) -> bool,
        out: &mut Vec<(u32, String)>,
    );
}

#[derive(Default)]
struct Scratch {
    path: String,
    /// The normalized path, case-folded (for a case-insensitive path trie).
    folded_path: String,
    /// The byte range in `path` of each component, recorded by normalization.
    spans: Vec<(usize, usize)>,
    trie: TrieScratch,
    path_hits: Vec<u32>,
    apps: Vec<u32>,
    matched: Vec<(u32, Tri)>,
    cands: Vec<Cand>,
    grants: Vec<(u32, String)>,
    /// Per evaluation: whether the launch is in each named group, see [`memo_or`].
    group_memo: Vec<u8>,
    /// Per evaluation: whether the launch is in the scope of each privilege list.
    list_memo: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn rank(e: Elevation) -> u8 {
    match e {
        Elevation::Deny => 3,
        Elevation::OnRequest => 2,
        Elevation::UserConfirmed => 1,
        Elevation::Automatic => 0,
    }
}

/// Whether the launch is in the group (policy.md §1, Groups).
pub(crate) fn in_group(g: &ParsedGroup, launch: &impl LaunchFields) -> bool {
    if !g.users.is_empty() || !g.user_groups.is_empty() {
        let user = launch.user();
        let name = user.and_then(|u| u.name);
        let sid = user.and_then(|u| u.sid);
        let by_user = g
            .users
            .iter()
            .any(|p| name.is_some_and(|n| p.is_match(n)) || sid.is_some_and(|s| p.is_match(s)));
        let by_group = !by_user
            && user.is_some_and(|u| {
                g.user_groups
                    .iter()
                    .any(|p| u.groups.any(|grp| p.is_match(grp)))
            });
        if !by_user && !by_group {
            return false;
        }
    }
    if !g.computers.is_empty() || !g.computer_tags.is_empty() {
        let computer = launch.computer();
        let by_name = computer
            .and_then(|c| c.name)
            .is_some_and(|n| g.computers.iter().any(|p| p.is_match(n)));
        let by_tag = !by_name
            && computer.is_some_and(|c| {
                g.computer_tags
                    .iter()
                    .any(|p| c.tags.any(|t| p.is_match(t)))
            });
        if !by_name && !by_tag {
            return false;
        }
    }
    true
}

pub(crate) fn group_sel_holds(groups: &[ParsedGroup], sel: &GroupSel, launch: &Launch) -> bool {
    match sel {
        GroupSel::Named(i) => groups.get(*i).is_some_and(|g| in_group(g, launch)),
        GroupSel::Inline(g) => in_group(g, launch),
    }
}

/// Memo of a yes/no question asked during one evaluation: `0` not asked yet, then
/// `1` (no) or `2` (yes).
const MEMO_NO: u8 = 1;
const MEMO_YES: u8 = 2;

fn memo_or(memo: &mut [u8], i: usize, f: impl FnOnce() -> bool) -> bool {
    match memo.get(i) {
        Some(&MEMO_YES) => true,
        Some(&MEMO_NO) => false,
        _ => {
            let v = f();
            if let Some(m) = memo.get_mut(i) {
                *m = if v { MEMO_YES } else { MEMO_NO };
            }
            v
        }
    }
}

/// Whether the launch is in the scope, remembering named groups in `group_memo` (one byte per
/// group of the policy, see [`memo_or`]).
fn in_scope(
    groups: &[ParsedGroup],
    scope: &Scope,
    launch: &impl LaunchFields,
    group_memo: &mut [u8],
) -> bool {
    match scope {
        None => true,
        Some(sels) => sels.iter().any(|s| match s {
            GroupSel::Named(i) => memo_or(group_memo, *i, || {
                groups.get(*i).is_some_and(|g| in_group(g, launch))
            }),
            GroupSel::Inline(g) => in_group(g, launch),
        }),
    }
}

impl CompiledPolicy {
    pub(crate) fn new(policy: &Policy) -> CompiledPolicy {
        let parsed = policy.parsed();
        let doc = policy.document();
        let n_apps = parsed.apps.len();
        let mut all_lists = Vec::new();
        let mut deny_path_apps = Vec::new();
        let mut deny_name_apps = Vec::new();
        // (application, list) pairs, then grouped by application (counting sort).
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (li, list) in parsed.lists.iter().enumerate() {
            let Ok(li32) = u32::try_from(li) else {
                continue;
            };
            match &list.apps {
                None => all_lists.push(li32),
                Some(ids) => {
                    for &a in ids {
                        let Some(app) = parsed.apps.get(a) else {
                            continue;
                        };
                        let Ok(a32) = u32::try_from(a) else { continue };
                        pairs.push((a32, li32));
                        if list.elevation == Elevation::Deny {
                            if !app.paths.is_empty() {
                                deny_path_apps.push(a32);
                            }
                            if !app.file_name.is_empty() {
                                deny_name_apps.push(a32);
                            }
                        }
                    }
                }
            }
        }
        // Stable: each application's lists stay in list order.
        pairs.sort_by_key(|&(a, _)| a);
        let mut app_lists_at = Vec::with_capacity(n_apps.saturating_add(1));
        let mut app_lists = Vec::with_capacity(pairs.len());
        let mut next = pairs.iter().peekable();
        for a in 0..n_apps {
            app_lists_at.push(u32::try_from(app_lists.len()).unwrap_or(u32::MAX));
            while let Some(&&(pa, li)) = next.peek() {
                if pa as usize != a {
                    break;
                }
                app_lists.push(li);
                next.next();
            }
        }
        app_lists_at.push(u32::try_from(app_lists.len()).unwrap_or(u32::MAX));
        drop(pairs);
        for v in [&mut deny_path_apps, &mut deny_name_apps] {
            v.sort_unstable();
            v.dedup();
            v.shrink_to_fit();
        }
        let mut allowlisted = Vec::new();
        if let Some(allow) = &parsed.allowlist {
            allowlisted = vec![false; n_apps];
            for &a in allow {
                if let Some(x) = allowlisted.get_mut(a) {
                    *x = true;
                }
            }
        }
        let index = Index::build(&parsed.apps);
        let mut trie = PathTrie::new(parsed.platform.case_insensitive());
        for (i, app) in parsed.apps.iter().enumerate() {
            let Ok(i32_) = u32::try_from(i) else { continue };
            for rp in &app.paths {
                trie.insert(rp, i32_);
            }
        }
        trie.shrink();
        let mut app_by_id: Vec<u32> = (0..n_apps).filter_map(|i| u32::try_from(i).ok()).collect();
        app_by_id.sort_unstable_by(|&a, &b| {
            let id = |i: u32| parsed.apps.get(i as usize).map_or("", |x| x.id.as_str());
            id(a).cmp(id(b))
        });
        CompiledPolicy {
            inner: Arc::new(Inner {
                name: doc.name.clone(),
                revision: doc.revision,
                platform: parsed.platform,
                app_lists_at,
                app_lists,
                allowlisted,
                all_lists,
                has_allowlist: parsed.allowlist.is_some(),
                index,
                trie,
                deny_path_apps,
                deny_name_apps,
                requests_max: doc.requests.max_duration,
                app_by_id,
                policy: policy.clone(),
            }),
        }
    }

    /// The policy this was compiled from.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// SHA-256 (hex) of the canonical policy document ([`crate::Policy::sha256`]).
    pub fn sha256(&self) -> &str {
        self.inner.policy.sha256()
    }

    /// The policy's revision, if it has one.
    pub fn revision(&self) -> Option<i64> {
        self.inner.revision
    }

    /// Decides one launch at time `at` (policy.md §4). Fails only for a malformed launch
    /// (an empty path, a digest that is not 64 hex digits, a CLSID that is not a GUID).
    pub fn evaluate(&self, launch: &Launch, at: DateTime<Utc>) -> Result<Decision, LaunchError> {
        self.evaluate_inner(launch, at, None)
    }

    /// Decides many launches at one time; each result is independent.
    pub fn evaluate_many<'a>(
        &self,
        launches: impl IntoIterator<Item = &'a Launch>,
        at: DateTime<Utc>,
    ) -> Vec<Result<Decision, LaunchError>> {
        launches.into_iter().map(|l| self.evaluate(l, at)).collect()
    }

    /// Decides one launch given as a borrowed [`LaunchRef`] at time `at` into `out`: the same
    /// decision as [`CompiledPolicy::evaluate`] of the same launch, for hosts that hold the
    /// launch's strings elsewhere (nothing is copied) and evaluate in a loop. On an error
    /// (a malformed launch, as for `evaluate`) `out` is left unchanged.
    ///
    /// ```
    /// use jitaccess::{Decision, Launch, Policy};
    /// let policy = Policy::from_yaml(r#"
    /// apiVersion: jitaccess/v1
    /// name: demo
    /// applications:
    ///   - { id: tools, path: '%ProgramFiles%\Tools\' }
    /// privilegeLists:
    ///   - { id: it, elevation: onRequest, applications: [tools], maxDuration: 2h }
    /// "#).unwrap().compile();
    /// let launch = Launch::from_json(r#"{"path": "c:/program files/TOOLS/x/y.exe"}"#).unwrap();
    /// let at = chrono::Utc::now();
    /// let mut d = Decision::default();
    /// policy.evaluate_into(&launch.view(), at, &mut d).unwrap();
    /// assert_eq!(d, policy.evaluate(&launch, at).unwrap());
    /// assert_eq!(d.rule.as_deref(), Some("it/tools"));
    ///
    /// // The same decision object, reused: its strings keep their allocations.
    /// policy.evaluate_into(&launch.view(), at, &mut d).unwrap();
    /// assert_eq!(d.rule.as_deref(), Some("it/tools"));
    /// ```
    pub fn evaluate_into(
        &self,
        launch: &LaunchRef<'_>,
        at: DateTime<Utc>,
        out: &mut Decision,
    ) -> Result<(), LaunchError> {
        self.evaluate_view(launch, at, None, out)
    }

    pub(crate) fn evaluate_inner(
        &self,
        launch: &Launch,
        at: DateTime<Utc>,
        coverage: Option<&dyn Coverage>,
    ) -> Result<Decision, LaunchError> {
        let mut d = Decision::default();
        self.evaluate_view(launch, at, coverage.map(|c| (c, launch)), &mut d)?;
        Ok(d)
    }

    /// Evaluates a launch (owned or borrowed) into `out`; `coverage` comes with the owned
    /// launch it is asked about.
    fn evaluate_view(
        &self,
        launch: &impl LaunchFields,
        at: DateTime<Utc>,
        coverage: Option<(&dyn Coverage, &Launch)>,
        out: &mut Decision,
    ) -> Result<(), LaunchError> {
        let facts = launch::facts(launch)?;
        let mut run = |s: &mut Scratch| self.decide(launch, &facts, at, coverage, s, out);
        SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut s) => run(&mut s),
                Err(_) => run(&mut Scratch::default()),
            })
            .unwrap_or_else(|_| run(&mut Scratch::default()));
        Ok(())
    }

    /// The three-valued result of an application's criteria.
    fn app_state(
        &self,
        app: &ParsedApp,
        launch: &impl LaunchFields,
        facts: &Facts,
        path: &PathView<'_>,
        s: &Scratch,
        id: u32,
    ) -> Tri {
        let mut unknown = false;
        macro_rules! need {
            ($cond:expr) => {
                if !$cond {
                    return Tri::False;
                }
            };
        }
        let signer = launch.signer().filter(|s| s.valid);
        if !app.vendor.is_empty() {
            need!(
                signer
                    .and_then(|s| s.publisher)
                    .is_some_and(|p| app.vendor.iter().any(|v| v.is_match(p)))
            );
        }
        if !app.thumbprints().is_empty() {
            need!(
                signer.is_some()
                    && facts
                        .thumbprint
                        .is_some_and(|t| app.thumbprints().contains(&t))
            );
        }
        let version = launch.version();
        if !app.product.is_empty() {
            need!(
                version
                    .and_then(|v| v.product_name)
                    .is_some_and(|p| app.product.iter().any(|x| x.is_match(p)))
            );
        }
        if !app.original_file_name().is_empty() {
            need!(
                version
                    .and_then(|v| v.original_file_name)
                    .is_some_and(|p| app.original_file_name().iter().any(|x| x.is_match(p)))
            );
        }
        if let Some(lo) = app.min_version() {
            need!(facts.version.is_some_and(|v| v >= *lo));
        }
        if let Some(hi) = app.max_version() {
            need!(facts.version.is_some_and(|v| v <= *hi));
        }
        if !app.sha256.is_empty() {
            need!(facts.sha256.is_some_and(|h| app.sha256.contains(&h)));
        }
        if !app.clsid().is_empty() {
            need!(facts.clsid.is_some_and(|g| app.clsid().contains(&g)));
        }
        if !app.command_line().is_empty() {
            need!(
                launch
                    .command_line()
                    .is_some_and(|c| app.command_line().iter().any(|x| x.is_match(c)))
            );
        }
        if !app.file_name.is_empty() {
            if path.facts.last_component_odd {
                unknown = true;
            } else {
                need!(app.file_name.iter().any(|x| x.is_match(path.file_name)));
            }
        }
        if !app.paths.is_empty() {
            if path.facts.unresolved.is_some() {
                unknown = true;
            } else {
                need!(s.path_hits.binary_search(&id).is_ok());
            }
        }
        if unknown { Tri::Unknown } else { Tri::True }
    }

    fn decide(
        &self,
        launch: &impl LaunchFields,
        facts: &Facts,
        at: DateTime<Utc>,
        coverage: Option<(&dyn Coverage, &Launch)>,
        s: &mut Scratch,
        out: &mut Decision,
    ) {
        let inner = &*self.inner;
        let platform = inner.platform;
        let path_facts =
            paths::normalize_launch_spans(platform, launch.path(), &mut s.path, &mut s.spans);
        let norm = std::mem::take(&mut s.path);
        let resolved = path_facts.unresolved.is_none();
        // For a resolved path the spans are the components, root token first: the file name
        // is the last one after the root (`""` for a bare root), without splitting again.
        let file_name = if resolved {
            match s.spans.as_slice() {
                [_, .., (a, b)] => norm.get(*a..*b).unwrap_or(""),
                _ => "",
            }
        } else {
            paths::file_name(platform, &norm)
        };
        let view = PathView {
            facts: path_facts,
            file_name,
        };

        // 1. Candidate applications.
        s.apps.clear();
        s.path_hits.clear();
        // `fold_hash(file_name, true)` from the trie walk, when it hashed the file name.
        let mut name_hash = None;
        if resolved {
            // A case-insensitive trie gets the whole path folded once (folding keeps the
            // separators and maps each component to its folded form), not each component.
            // ASCII folding keeps every byte offset, so the components are the spans that
            // normalization recorded; otherwise the folded path is split again.
            let folded = inner.trie.case_insensitive();
            let ascii = norm.is_ascii();
            let text = if folded {
                s.folded_path.clear();
                if ascii {
                    s.folded_path.push_str(&norm);
                    s.folded_path.make_ascii_lowercase();
                } else {
                    crate::fold::fold_str_into(&norm, &mut s.folded_path);
                }
                s.folded_path.as_str()
            } else {
                norm.as_str()
            };
            if ascii || !folded {
                let spans = s.spans.iter().map(|&(a, b)| text.get(a..b).unwrap_or(""));
                let last = inner
                    .trie
                    .matches(spans, folded, &mut s.trie, &mut s.path_hits);
                // The last span is the file name when there is one after the root.
                if s.spans.len() >= 2 {
                    name_hash = last;
                }
            } else {
                let _ = inner.trie.matches(
                    paths::components(platform, text),
                    folded,
                    &mut s.trie,
                    &mut s.path_hits,
                );
            }
            s.path_hits.sort_unstable();
            s.path_hits.dedup();
            s.apps.extend_from_slice(&s.path_hits);
        } else {
            s.apps.extend_from_slice(&inner.deny_path_apps);
        }
        if path_facts.last_component_odd {
            s.apps.extend_from_slice(&inner.deny_name_apps);
        }
        let ix = &inner.index;
        if let Some(h) = facts.sha256
            && let Some(v) = ix.sha256.get(&h)
        {
            s.apps.extend_from_slice(v);
        }
        if let Some(g) = facts.clsid
            && let Some(v) = ix.clsid.get(&g)
        {
            s.apps.extend_from_slice(v);
        }
        let signer = launch.signer().filter(|x| x.valid);
        if let (Some(_), Some(t)) = (signer, facts.thumbprint)
            && let Some(v) = ix.thumbprint.get(&t)
        {
            s.apps.extend_from_slice(v);
        }
        if !path_facts.last_component_odd {
            ix.field(Field::FileName)
                .lookup_hashed(view.file_name, name_hash, &mut s.apps);
        }
        let version = launch.version();
        if let Some(v) = version.and_then(|v| v.original_file_name) {
            ix.field(Field::OriginalFileName).lookup(v, &mut s.apps);
        }
        if let Some(v) = version.and_then(|v| v.product_name) {
            ix.field(Field::Product).lookup(v, &mut s.apps);
        }
        if let Some(v) = signer.and_then(|x| x.publisher) {
            ix.field(Field::Vendor).lookup(v, &mut s.apps);
        }
        if let Some(v) = launch.command_line() {
            ix.field(Field::CommandLine).lookup(v, &mut s.apps);
        }
        s.apps.extend_from_slice(&ix.scan);
        s.apps.sort_unstable();
        s.apps.dedup();

        // 2. Check each candidate's criteria.
        s.matched.clear();
        for i in 0..s.apps.len() {
            let Some(&id) = s.apps.get(i) else { break };
            let Some(app) = inner.apps().get(id as usize) else {
                continue;
            };
            let state = self.app_state(app, launch, facts, &view, s, id);
            if state != Tri::False {
                s.matched.push((id, state));
            }
        }

        // 3. Candidate entries.
        s.cands.clear();
        s.group_memo.clear();
        s.group_memo.resize(inner.groups().len(), 0);
        s.list_memo.clear();
        s.list_memo.resize(inner.lists().len(), 0);
        for &(id, state) in &s.matched {
            let Some(app) = inner.apps().get(id as usize) else {
                continue;
            };
            for &li in inner.app_lists(id) {
                let Some(list) = inner.lists().get(li as usize) else {
                    continue;
                };
                let deny = list.elevation == Elevation::Deny;
                let group_memo = &mut s.group_memo;
                if (state == Tri::True || deny)
                    && memo_or(&mut s.list_memo, li as usize, || {
                        in_scope(inner.groups(), &list.scope, launch, group_memo)
                    })
                {
                    s.cands.push(Cand {
                        kind: Kind::Entry { list: li, app: id },
                        deny,
                        strength: app.strength,
                        criteria: u8::try_from(app.keys.len()).unwrap_or(u8::MAX),
                        rank: rank(list.elevation),
                    });
                }
            }
        }
        for &li in &inner.all_lists {
            let Some(list) = inner.lists().get(li as usize) else {
                continue;
            };
            let group_memo = &mut s.group_memo;
            if memo_or(&mut s.list_memo, li as usize, || {
                in_scope(inner.groups(), &list.scope, launch, group_memo)
            }) {
                s.cands.push(Cand {
                    kind: Kind::All { list: li },
                    deny: list.elevation == Elevation::Deny,
                    strength: -1,
                    criteria: 0,
                    rank: rank(list.elevation),
                });
            }
        }
        for (ji, jit) in inner.jits().iter().enumerate() {
            let Ok(ji) = u32::try_from(ji) else { continue };
            let in_window = jit.from <= at && at < jit.until;
            if !in_window || !in_scope(inner.groups(), &jit.scope, launch, &mut s.group_memo) {
                continue;
            }
            let app = match &jit.apps {
                None => None,
                Some(ids) => {
                    let hit = s
                        .matched
                        .iter()
                        .find(|(id, st)| *st == Tri::True && ids.contains(&(*id as usize)));
                    match hit {
                        Some((id, _)) => Some(*id),
                        None => continue,
                    }
                }
            };
            s.cands.push(Cand {
                kind: Kind::Jit { jit: ji, app },
                deny: false,
                strength: 0,
                criteria: 0,
                rank: 0,
            });
        }
        s.grants.clear();
        if let Some((cov, owned)) = coverage {
            let matched = &s.matched;
            let app_holds = |id: &str| {
                inner
                    .app_index(id)
                    .is_some_and(|i| matched.iter().any(|(a, st)| *a == i && *st == Tri::True))
            };
            cov.covering(
                owned,
                NormPath {
                    text: &norm,
                    resolved: path_facts.unresolved.is_none(),
                },
                facts,
                at,
                &app_holds,
                &mut s.grants,
            );
            for (gi, _) in &s.grants {
                s.cands.push(Cand {
                    kind: Kind::Grant { grant: *gi },
                    deny: false,
                    strength: 0,
                    criteria: 0,
                    rank: 0,
                });
            }
        }
        out.warnings.clear();
        if path_facts.unresolved.is_some() {
            out.warnings.push(Warning::UnresolvedPath);
        }
        s.path = norm;

        if s.cands.is_empty() {
            out.set_none("no privilege list, JIT policy or grant matched this launch");
            return;
        }

        // 4. Precedence.
        let grants = &s.grants;
        s.cands.sort_by(|a, b| self.precedence(a, b, grants));
        let Some(&winner) = s.cands.first() else {
            out.set_none("no privilege list, JIT policy or grant matched this launch");
            return;
        };
        let outcome = match winner.kind {
            Kind::Entry { list, .. } | Kind::All { list } => {
                match inner.lists().get(list as usize).map(|l| l.elevation) {
                    Some(Elevation::Automatic) => Outcome::Elevate,
                    Some(Elevation::UserConfirmed) => Outcome::Confirm,
                    Some(Elevation::OnRequest) => Outcome::Request,
                    Some(Elevation::Deny) | None => Outcome::Deny,
                }
            }
            Kind::Jit { .. } | Kind::Grant { .. } => Outcome::Elevate,
        };
        // The decision's strings are written into its existing buffers (`evaluate_into`
        // reuses them; a fresh decision gets one exact allocation per string).
        let cands = &s.cands;
        let rule_into = |i: usize, dst: &mut String| {
            if let Some(c) = cands.get(i) {
                set_concat(dst, &self.rule_parts(c, grants));
            }
        };

        // 5. Allowlist.
        if inner.has_allowlist && outcome.is_elevating() {
            let allowed = s.matched.iter().any(|(id, st)| {
                *st == Tri::True
                    && inner
                        .allowlisted
                        .get(*id as usize)
                        .copied()
                        .unwrap_or(false)
            });
            if !allowed {
                out.warnings.push(Warning::NotAllowlisted);
                set_list(&mut out.shadowed, cands.len(), rule_into);
                let mut reason = out.take_reason_buffer(0);
                // `write!` into a `String` cannot fail.
                let _ = write!(
                    reason,
                    "{} matched, but the launch is not in the allowlist, so it runs with standard rights",
                    out.shadowed
                        .first()
                        .map(String::as_str)
                        .unwrap_or("an entry")
                );
                out.outcome = Outcome::None;
                out.rule = None;
                out.elevation = None;
                out.max_duration = None;
                out.reason = Cow::Owned(reason);
                out.application = None;
                out.privilege_list = None;
                return;
            }
        }

        let set_id = |dst: &mut Option<String>, id: Option<&str>| match id {
            Some(id) => set_opt(dst, &[id]),
            None => *dst = None,
        };
        let (elevation, max_duration) = match winner.kind {
            Kind::Entry { list, app } => {
                let l = inner.lists().get(list as usize);
                let md = (outcome == Outcome::Request)
                    .then(|| l.and_then(|l| l.max_duration).unwrap_or(inner.requests_max));
                set_id(
                    &mut out.application,
                    inner.apps().get(app as usize).map(|a| a.id.as_str()),
                );
                set_id(&mut out.privilege_list, l.map(|l| l.id.as_str()));
                (l.map(|l| l.elevation), md)
            }
            Kind::All { list } => {
                let l = inner.lists().get(list as usize);
                let md = (outcome == Outcome::Request)
                    .then(|| l.and_then(|l| l.max_duration).unwrap_or(inner.requests_max));
                set_id(&mut out.application, None);
                set_id(&mut out.privilege_list, l.map(|l| l.id.as_str()));
                (l.map(|l| l.elevation), md)
            }
            Kind::Jit { app, .. } => {
                set_id(
                    &mut out.application,
                    app.and_then(|a| inner.apps().get(a as usize))
                        .map(|a| a.id.as_str()),
                );
                set_id(&mut out.privilege_list, None);
                (None, None)
            }
            Kind::Grant { .. } => {
                set_id(&mut out.application, None);
                set_id(&mut out.privilege_list, None);
                (None, None)
            }
        };
        set_list(
            &mut out.shadowed,
            cands.len().saturating_sub(1),
            |i, dst| rule_into(i + 1, dst),
        );
        // Room for the common hit's reason (one allocation on a fresh decision).
        let mut reason = out.take_reason_buffer(256);
        self.reason_into(
            &winner,
            cands.get(1),
            &s.matched,
            path_facts,
            grants,
            &mut reason,
        );
        out.outcome = outcome;
        set_opt(&mut out.rule, &self.rule_parts(&winner, grants));
        out.elevation = elevation;
        out.max_duration = max_duration;
        out.reason = Cow::Owned(reason);
    }

    /// The parts whose concatenation is the `rule` string of a candidate.
    fn rule_parts<'a>(&'a self, c: &Cand, grants: &'a [(u32, String)]) -> [&'a str; 3] {
        let inner = &*self.inner;
        match c.kind {
            Kind::Entry { list, app } => [
                inner
                    .lists()
                    .get(list as usize)
                    .map_or("", |l| l.id.as_str()),
                "/",
                inner.apps().get(app as usize).map_or("", |a| a.id.as_str()),
            ],
            Kind::All { list } => [
                inner
                    .lists()
                    .get(list as usize)
                    .map_or("", |l| l.id.as_str()),
                "/*",
                "",
            ],
            Kind::Jit { jit, .. } => [
                "jit:",
                inner.jits().get(jit as usize).map_or("", |j| j.id.as_str()),
                "",
            ],
            Kind::Grant { grant } => [
                "grant:",
                grants
                    .iter()
                    .find(|(g, _)| *g == grant)
                    .map_or("", |(_, id)| id.as_str()),
                "",
            ],
        }
    }

    /// The total order of policy.md §4: `Less` means `a` wins over `b`.
    fn precedence(&self, a: &Cand, b: &Cand, grants: &[(u32, String)]) -> Ordering {
        let special = |c: &Cand| matches!(c.kind, Kind::Jit { .. } | Kind::Grant { .. });
        b.deny
            .cmp(&a.deny)
            .then_with(|| special(b).cmp(&special(a)))
            .then_with(|| {
                if special(a) && special(b) {
                    Ordering::Equal
                } else {
                    b.strength
                        .cmp(&a.strength)
                        .then(b.criteria.cmp(&a.criteria))
                        .then(b.rank.cmp(&a.rank))
                }
            })
            .then_with(|| {
                let pa = self.rule_parts(a, grants);
                let pb = self.rule_parts(b, grants);
                pa.iter()
                    .flat_map(|p| p.bytes())
                    .cmp(pb.iter().flat_map(|p| p.bytes()))
            })
    }

    /// Writes the reason of the decision into `text` (empty; its buffer reused).
    fn reason_into(
        &self,
        winner: &Cand,
        runner_up: Option<&Cand>,
        matched: &[(u32, Tri)],
        path: LaunchPathFacts,
        grants: &[(u32, String)],
        text: &mut String,
    ) {
        let inner = &*self.inner;
        // `write!` into a `String` cannot fail: its results are ignored below.
        match winner.kind {
            Kind::Entry { list, app } => {
                let l = inner.lists().get(list as usize);
                let a = inner.apps().get(app as usize);
                let keys = a.map(|a| a.keys).unwrap_or_default();
                let unknown = matched
                    .iter()
                    .any(|(id, st)| *id == app && *st == Tri::Unknown);
                let list_id = l.map_or("", |l| l.id.as_str());
                let app_id = a.map_or("", |a| a.id.as_str());
                // Built with `push_str` (not `format!`): this runs for every hit.
                let (before_app, before_list, after_list) = if winner.deny {
                    ("denied: application ", " in deny list ", " matched (")
                } else {
                    ("matched application ", " in privilege list ", " (")
                };
                let t = &mut *text;
                for part in [before_app, app_id, before_list, list_id, after_list] {
                    t.push_str(part);
                }
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        t.push_str(", ");
                    }
                    t.push_str(k);
                }
                t.push(')');
                if winner.deny && unknown {
                    let why = path.unresolved.map_or("unresolved", |u| u.description());
                    let _ = write!(
                        t,
                        "; the launch path is unresolved ({why}), and a deny entry cannot be dodged by an odd spelling of a path"
                    );
                }
            }
            Kind::All { list } => {
                let l = inner
                    .lists()
                    .get(list as usize)
                    .map_or("", |l| l.id.as_str());
                if winner.deny {
                    let _ = write!(text, "denied: deny list {l} applies to all applications");
                } else {
                    let _ = write!(text, "privilege list {l} applies to all applications");
                }
            }
            Kind::Jit { jit, .. } => match inner.jits().get(jit as usize) {
                Some(j) => {
                    let _ = write!(
                        text,
                        "JIT policy {} is in its window ({} to {})",
                        j.id,
                        j.from.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                        j.until.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                    );
                }
                None => text.push_str("a JIT policy is in its window"),
            },
            Kind::Grant { grant } => {
                let id = grants
                    .iter()
                    .find(|(g, _)| *g == grant)
                    .map_or("", |(_, id)| id.as_str());
                let _ = write!(text, "active request or grant {id} covers this launch");
            }
        }
        if let Some(r) = runner_up {
            let step: Cow<'static, str> = if winner.deny && !r.deny {
                Cow::Borrowed("deny wins over every other entry")
            } else if matches!(winner.kind, Kind::Jit { .. } | Kind::Grant { .. })
                && !matches!(r.kind, Kind::Jit { .. } | Kind::Grant { .. })
            {
                Cow::Borrowed("grants and JIT policies win over list entries")
            } else if matches!(winner.kind, Kind::Jit { .. } | Kind::Grant { .. }) {
                Cow::Borrowed("by rule name")
            } else if winner.strength != r.strength {
                Cow::Owned(format!(
                    "stronger application identity ({} over {})",
                    winner.strength, r.strength
                ))
            } else if winner.criteria != r.criteria {
                Cow::Owned(format!(
                    "more criteria ({} over {})",
                    winner.criteria, r.criteria
                ))
            } else if winner.rank != r.rank {
                Cow::Borrowed("more restrictive elevation")
            } else {
                Cow::Borrowed("by rule name")
            };
            text.push_str("; takes precedence over ");
            for part in self.rule_parts(r, grants) {
                text.push_str(part);
            }
            text.push_str(" (");
            text.push_str(&step);
            text.push(')');
        }
    }
}

struct PathView<'a> {
    facts: LaunchPathFacts,
    file_name: &'a str,
}
