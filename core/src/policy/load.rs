//! Hand-written conversion of a parsed document tree into [`PolicyDocument`] plus the
//! pre-parsed forms the matcher needs, collecting every error with its document path.
//!
//! Serde's derived deserializers stop at the first error; administrators want the whole list,
//! so the policy is read key by key here. The serde derives on the document types are kept
//! for `from_document`, for serialization and for the JSON Schema; a test round-trips a
//! document through both to keep the two in step.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use regex::Regex;

use super::document::*;
use super::{PolicyError, PolicyErrors};
use crate::Duration;
use crate::launch::{Version, parse_guid, parse_hex32};
use crate::paths::{self, Platform, RulePath, Variables};
use crate::pattern::Pattern;
use crate::source::{Entry, Node, Span, Value};

/// Largest compiled size of one regular expression in a policy.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A document path, built on the stack and rendered only when an error needs it.
#[derive(Clone, Copy)]
pub(crate) enum P<'a> {
    Root,
    Key(&'a P<'a>, &'a str),
    Index(&'a P<'a>, usize),
}

impl P<'_> {
    pub(crate) fn render(&self) -> String {
        match self {
            P::Root => String::new(),
            P::Key(parent, key) => {
                let mut s = parent.render();
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(key);
                s
            }
            P::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

pub(crate) struct Cx {
    pub errors: Vec<PolicyError>,
}

impl Cx {
    pub(crate) fn error(&mut self, p: &P<'_>, span: Span, message: impl Into<String>) {
        self.errors
            .push(PolicyError::new(p.render(), Some(span), message.into()));
    }
}

pub(crate) struct MapR<'n> {
    entries: &'n [Entry],
    used: Vec<bool>,
    known: Vec<&'static str>,
}

pub(crate) fn map<'n>(cx: &mut Cx, node: &'n Node, p: &P<'_>) -> Option<MapR<'n>> {
    match &node.value {
        Value::Map(entries) => Some(MapR {
            entries,
            used: vec![false; entries.len()],
            known: Vec::new(),
        }),
        other => {
            cx.error(
                p,
                node.span,
                format!("expected a mapping, found {}", other.kind_name()),
            );
            None
        }
    }
}

impl<'n> MapR<'n> {
    /// The value of `key`; `None` when absent or null.
    pub(crate) fn get(&mut self, key: &'static str) -> Option<&'n Node> {
        self.known.push(key);
        let i = self.entries.iter().position(|e| e.key == key)?;
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
        let node = &self.entries.get(i)?.value;
        (!matches!(node.value, Value::Null)).then_some(node)
    }

    /// The span of `key`'s value when the key is present with a null value (which
    /// [`MapR::get`] hides).
    pub(crate) fn null_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .filter(|e| matches!(e.value.value, Value::Null))
            .map(|e| e.value.span)
    }

    /// Reports unknown keys; returns whether there were any.
    pub(crate) fn finish(self, cx: &mut Cx, p: &P<'_>) -> bool {
        let mut unknown = false;
        for (entry, used) in self.entries.iter().zip(&self.used) {
            if !used {
                unknown = true;
                let hint = suggest(&entry.key, &self.known)
                    .map(|k| format!(" (did you mean '{k}'?)"))
                    .unwrap_or_default();
                let mut known = self.known.clone();
                known.sort_unstable();
                known.dedup();
                cx.error(
                    &P::Key(p, &entry.key),
                    entry.key_span,
                    format!("unknown key{hint}; expected one of {}", known.join(", ")),
                );
            }
        }
        unknown
    }
}

/// The known key closest to `key`, if it is close enough to be a typo.
fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

pub(crate) fn string(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<String> {
    match &node.value {
        Value::String(s) | Value::Number(s) => Some(s.clone()),
        other => {
            cx.error(
                p,
                node.span,
                format!("expected a string, found {}", other.kind_name()),
            );
            None
        }
    }
}

pub(crate) fn seq<'n>(cx: &mut Cx, node: &'n Node, p: &P<'_>) -> Option<&'n [Node]> {
    match &node.value {
        Value::Seq(items) => Some(items),
        other => {
            cx.error(
                p,
                node.span,
                format!("expected a list, found {}", other.kind_name()),
            );
            None
        }
    }
}

pub(crate) fn string_list(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<Vec<String>> {
    let items = seq(cx, node, p)?;
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match string(cx, item, &P::Index(p, i)) {
            Some(s) => out.push(s),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// Reports `message` for each of `keys` that is present with a null value (which
/// [`MapR::get`] reads as absent).
pub(crate) fn null_is_error(
    cx: &mut Cx,
    m: &MapR<'_>,
    p: &P<'_>,
    keys: &[&'static str],
    message: &str,
) {
    for &key in keys {
        if let Some(span) = m.null_span(key) {
            cx.error(&P::Key(p, key), span, message);
        }
    }
}

/// [`null_is_error`] for keys whose absence widens what the policy allows (`appliesTo` absent:
/// everyone; `allowlist` absent: no allowlist; an approval condition absent: no condition). In
/// YAML a key whose entries are all commented out is null, so reading null as absent would let
/// such a typo widen the policy.
fn refuse_null(cx: &mut Cx, m: &MapR<'_>, p: &P<'_>, keys: &[&'static str]) {
    null_is_error(
        cx,
        m,
        p,
        keys,
        "is empty (null), which would read as absent and widen the policy; \
         give its value, or leave the key out",
    );
}

/// A string or a non-empty list of strings, with the span of each string.
pub(crate) fn one_or_many(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<Vec<(String, Span)>> {
    match &node.value {
        Value::Seq(items) => {
            if items.is_empty() {
                cx.error(
                    p,
                    node.span,
                    "must not be an empty list; leave the key out instead",
                );
                return None;
            }
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match string(cx, item, &P::Index(p, i)) {
                    Some(s) => out.push((s, item.span)),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        _ => string(cx, node, p).map(|s| vec![(s, node.span)]),
    }
}

pub(crate) fn integer(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<i64> {
    if let Value::Number(raw) = &node.value
        && let Ok(v) = raw.parse::<i64>()
    {
        return Some(v);
    }
    cx.error(
        p,
        node.span,
        format!("expected an integer, found {}", describe(node)),
    );
    None
}

pub(crate) fn boolean(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<bool> {
    if let Value::Bool(b) = node.value {
        return Some(b);
    }
    cx.error(
        p,
        node.span,
        format!("expected true or false, found {}", describe(node)),
    );
    None
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::String(s) | Value::Number(s) => format!("'{s}'"),
        other => other.kind_name().to_string(),
    }
}

pub(crate) fn duration(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<Duration> {
    let text = string(cx, node, p)?;
    match text.parse::<Duration>() {
        Ok(d) => Some(d),
        Err(e) => {
            cx.error(p, node.span, e.to_string());
            None
        }
    }
}

pub(crate) fn time(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<DateTime<Utc>> {
    let text = string(cx, node, p)?;
    match DateTime::parse_from_rfc3339(text.trim()) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(e) => {
            cx.error(
                p,
                node.span,
                format!("'{text}' is not an RFC 3339 time with an offset, like 2026-11-24T08:00:00Z ({e})"),
            );
            None
        }
    }
}

/// `[A-Za-z0-9][A-Za-z0-9._-]{0,127}`
pub(crate) fn valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    matches!(bytes.first(), Some(b) if b.is_ascii_alphanumeric())
        && bytes.len() <= 128
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn id(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<String> {
    let s = string(cx, node, p)?;
    if valid_id(&s) {
        Some(s)
    } else {
        cx.error(
            p,
            node.span,
            format!("'{s}' is not a valid id: use 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit"),
        );
        None
    }
}

fn regex(cx: &mut Cx, node: &Node, p: &P<'_>) -> Option<(String, Regex)> {
    let text = string(cx, node, p)?;
    match regex::RegexBuilder::new(&text)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
    {
        Ok(re) => Some((text, re)),
        Err(e) => {
            let msg = e.to_string();
            let first = msg
                .lines()
                .last()
                .unwrap_or("invalid regular expression")
                .trim();
            cx.error(
                p,
                node.span,
                format!("invalid regular expression '{text}': {first}"),
            );
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-parsed forms for the matcher and the lifecycle.

/// A group with compiled patterns.
#[derive(Clone, Debug)]
pub(crate) struct ParsedGroup {
    pub users: Vec<Pattern>,
    pub user_groups: Vec<Pattern>,
    pub computers: Vec<Pattern>,
    pub computer_tags: Vec<Pattern>,
}

/// One entry of `appliesTo` or an approval rule's `groups`.
#[derive(Clone, Debug)]
pub(crate) enum GroupSel {
    Named(usize),
    Inline(ParsedGroup),
}

/// Who an entry applies to: `None` is everyone everywhere.
pub(crate) type Scope = Option<Vec<GroupSel>>;

/// The criteria of one application.
///
/// Kept small (one of these per application, 100 000 in a large policy): the common criteria
/// are boxed slices (16 bytes each, no spare capacity), the rare ones (`signerThumbprint`,
/// `originalFileName`, `clsid`, `commandLine`, `minVersion`, `maxVersion`) live in one
/// optional box, and the keys present are a bit set.
#[derive(Clone, Debug, Default)]
pub(crate) struct ParsedApp {
    pub id: String,
    pub vendor: Box<[Pattern]>,
    pub product: Box<[Pattern]>,
    pub file_name: Box<[Pattern]>,
    pub sha256: Box<[[u8; 32]]>,
    pub paths: Box<[RulePath]>,
    /// The rarer criteria, `None` when the application has none of them.
    pub rare: Option<Box<RareCriteria>>,
    /// The spec's criterion keys present (for `reason` texts).
    pub keys: Keys,
    pub strength: i8,
}

/// The criteria few applications have (see [`ParsedApp`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct RareCriteria {
    pub thumbprints: Box<[[u8; 32]]>,
    pub original_file_name: Box<[Pattern]>,
    pub min_version: Option<Version>,
    pub max_version: Option<Version>,
    pub clsid: Box<[u128]>,
    pub command_line: Box<[Pattern]>,
}

impl RareCriteria {
    fn is_empty(&self) -> bool {
        self.thumbprints.is_empty()
            && self.original_file_name.is_empty()
            && self.min_version.is_none()
            && self.max_version.is_none()
            && self.clsid.is_empty()
            && self.command_line.is_empty()
    }
}

/// The criterion keys of policy.md §1, in table order.
const KEY_NAMES: [&str; 11] = [
    "vendor",
    "signerThumbprint",
    "product",
    "fileName",
    "originalFileName",
    "minVersion",
    "maxVersion",
    "sha256",
    "clsid",
    "path",
    "commandLine",
];

/// A set of criterion keys (bit *i* is `KEY_NAMES[i]`), iterated in table order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Keys(u16);

impl Keys {
    /// The keys present, in table order.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        KEY_NAMES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, k)| *k)
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn contains(self, key: &str) -> bool {
        KEY_NAMES
            .iter()
            .position(|k| *k == key)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// The keys joined with `sep`.
    pub fn join(self, sep: &str) -> String {
        self.iter().collect::<Vec<_>>().join(sep)
    }
}

impl ParsedApp {
    pub fn thumbprints(&self) -> &[[u8; 32]] {
        self.rare.as_deref().map_or(&[], |r| &r.thumbprints)
    }

    pub fn original_file_name(&self) -> &[Pattern] {
        self.rare.as_deref().map_or(&[], |r| &r.original_file_name)
    }

    pub fn min_version(&self) -> Option<&Version> {
        self.rare.as_deref().and_then(|r| r.min_version.as_ref())
    }

    pub fn max_version(&self) -> Option<&Version> {
        self.rare.as_deref().and_then(|r| r.max_version.as_ref())
    }

    pub fn clsid(&self) -> &[u128] {
        self.rare.as_deref().map_or(&[], |r| &r.clsid)
    }

    pub fn command_line(&self) -> &[Pattern] {
        self.rare.as_deref().map_or(&[], |r| &r.command_line)
    }

    fn finish(&mut self) {
        if self.rare.as_deref().is_some_and(RareCriteria::is_empty) {
            self.rare = None;
        }
        let mut keys = 0u16;
        for (i, present) in [
            !self.vendor.is_empty(),
            !self.thumbprints().is_empty(),
            !self.product.is_empty(),
            !self.file_name.is_empty(),
            !self.original_file_name().is_empty(),
            self.min_version().is_some(),
            self.max_version().is_some(),
            !self.sha256.is_empty(),
            !self.clsid().is_empty(),
            !self.paths.is_empty(),
            !self.command_line().is_empty(),
        ]
        .into_iter()
        .enumerate()
        {
            if present {
                keys |= 1 << i;
            }
        }
        let keys = Keys(keys);
        let has = |k: &str| keys.contains(k);
        self.strength = if has("sha256") {
            4
        } else if has("signerThumbprint")
            || has("clsid")
            || (has("vendor") && has("product") && (has("fileName") || has("originalFileName")))
        {
            3
        } else if has("vendor") && has("product") {
            2
        } else if has("vendor") {
            1
        } else {
            0
        };
        self.keys = keys;
        self.id.shrink_to_fit();
    }
}

/// A privilege list with resolved references.
#[derive(Clone, Debug)]
pub(crate) struct ParsedList {
    pub id: String,
    pub scope: Scope,
    pub elevation: Elevation,
    /// `None` is `applications: all`.
    pub apps: Option<Vec<usize>>,
    pub max_duration: Option<Duration>,
}

/// A JIT policy with resolved references.
#[derive(Clone, Debug)]
pub(crate) struct ParsedJit {
    pub id: String,
    pub scope: Scope,
    pub apps: Option<Vec<usize>>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// A weekly window, in minutes of the day, in a time zone.
#[derive(Clone, Debug)]
#[allow(dead_code)] // read by the request lifecycle (autonomous approval)
pub(crate) struct ParsedSchedule {
    /// Bit 0 = Monday … bit 6 = Sunday.
    pub days: u8,
    pub from: u16,
    pub to: u16,
    pub tz: chrono_tz::Tz,
}

/// An autonomous approval rule with resolved references.
#[derive(Clone, Debug)]
pub(crate) struct ParsedRule {
    pub id: String,
    pub action: ApprovalAction,
    pub applications: Option<Vec<usize>>,
    pub privilege_lists: Option<Vec<usize>>,
    pub groups: Option<Vec<GroupSel>>,
    pub computers: Option<Vec<Pattern>>,
    pub max_duration: Option<Duration>,
    pub justification: Option<Regex>,
    pub schedule: Option<ParsedSchedule>,
    pub max_per_user: Option<(u32, Duration)>,
}

impl ParsedRule {
    /// A rule with no conditions (id and action are set by the caller).
    fn empty() -> ParsedRule {
        ParsedRule {
            id: String::new(),
            action: ApprovalAction::Approve,
            applications: None,
            privilege_lists: None,
            groups: None,
            computers: None,
            max_duration: None,
            justification: None,
            schedule: None,
            max_per_user: None,
        }
    }
}

/// Everything the matcher and the lifecycle need, resolved and compiled once at load.
#[derive(Clone, Debug, Default)]
#[allow(dead_code)] // some fields are read by the request lifecycle
pub(crate) struct Parsed {
    pub platform: Platform,
    pub groups: Vec<ParsedGroup>,
    pub group_ids: Vec<String>,
    pub apps: Vec<ParsedApp>,
    pub lists: Vec<ParsedList>,
    pub jits: Vec<ParsedJit>,
    pub allowlist: Option<Vec<usize>>,
    pub justification_pattern: Option<Regex>,
    pub approval_enabled: bool,
    pub approval_rules: Vec<ParsedRule>,
}

// ---------------------------------------------------------------------------------------------

struct Loader {
    cx: Cx,
    platform: Platform,
    variables: Variables,
    /// Ids seen, with their index when the entry itself was valid (`None`: it had errors of
    /// its own, so references to it are not reported again).
    group_index: HashMap<String, Option<usize>>,
    app_index: HashMap<String, Option<usize>>,
    list_index: HashMap<String, Option<usize>>,
}

/// Reads and validates a document tree.
pub(crate) fn load(root: &Node) -> Result<(PolicyDocument, Parsed), PolicyErrors> {
    let mut ld = Loader {
        cx: Cx { errors: Vec::new() },
        platform: Platform::Windows,
        variables: Variables::builtin(Platform::Windows),
        group_index: HashMap::new(),
        app_index: HashMap::new(),
        list_index: HashMap::new(),
    };
    let out = ld.document(root);
    match out {
        Some(v) if ld.cx.errors.is_empty() => Ok(v),
        _ => {
            let mut errors = ld.cx.errors;
            if errors.is_empty() {
                errors.push(PolicyError::new(
                    String::new(),
                    None,
                    "invalid policy".into(),
                ));
            }
            errors.sort_by_key(|e| (e.line.unwrap_or(u32::MAX), e.column.unwrap_or(0)));
            Err(PolicyErrors { errors })
        }
    }
}

impl Loader {
    fn document(&mut self, root: &Node) -> Option<(PolicyDocument, Parsed)> {
        let p = P::Root;
        let mut m = map(&mut self.cx, root, &p)?;

        let api_version = match m.get("apiVersion") {
            Some(n) => {
                let v = string(&mut self.cx, n, &P::Key(&p, "apiVersion"));
                if let Some(v) = &v
                    && v != API_VERSION
                {
                    self.cx.error(
                        &P::Key(&p, "apiVersion"),
                        n.span,
                        format!("unsupported apiVersion '{v}'; this library reads '{API_VERSION}'"),
                    );
                }
                v
            }
            None => {
                self.cx.error(
                    &p,
                    root.span,
                    "missing required key 'apiVersion' (jitaccess/v1)",
                );
                None
            }
        };
        let name = match m.get("name") {
            Some(n) => string(&mut self.cx, n, &P::Key(&p, "name")),
            None => {
                self.cx.error(&p, root.span, "missing required key 'name'");
                None
            }
        };
        let revision = m
            .get("revision")
            .and_then(|n| integer(&mut self.cx, n, &P::Key(&p, "revision")));
        let platform = match m.get("platform") {
            Some(n) => {
                let s = string(&mut self.cx, n, &P::Key(&p, "platform"));
                match s.as_deref().map(str::parse::<Platform>) {
                    Some(Ok(pl)) => pl,
                    Some(Err(_)) => {
                        self.cx.error(
                            &P::Key(&p, "platform"),
                            n.span,
                            format!(
                                "unknown platform '{}'; expected windows, macos or linux",
                                s.unwrap_or_default()
                            ),
                        );
                        Platform::Windows
                    }
                    None => Platform::Windows,
                }
            }
            None => Platform::Windows,
        };
        self.platform = platform;

        let variables = match m.get("variables") {
            Some(n) => self.variables(n, &P::Key(&p, "variables")),
            None => BTreeMap::new(),
        };
        self.variables = Variables::new(
            platform,
            variables.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );

        let (groups, parsed_groups, group_ids) = match m.get("groups") {
            Some(n) => self.groups(n, &P::Key(&p, "groups")),
            None => (BTreeMap::new(), Vec::new(), Vec::new()),
        };
        let requests_node = m.get("requests");
        let (requests, justification_pattern) = match requests_node {
            Some(n) => self.requests(n, &P::Key(&p, "requests")),
            None => (Requests::default(), None),
        };
        let (applications, parsed_apps) = match m.get("applications") {
            Some(n) => self.applications(n, &P::Key(&p, "applications")),
            None => (Vec::new(), Vec::new()),
        };
        refuse_null(&mut self.cx, &m, &p, &["allowlist"]);
        let (allowlist, parsed_allowlist) = match m.get("allowlist") {
            Some(n) => {
                let pp = P::Key(&p, "allowlist");
                match self.app_refs(n, &pp, false) {
                    Some((Applications::Ids(ids), Some(idx))) => (Some(ids), Some(idx)),
                    _ => (None, None),
                }
            }
            None => (None, None),
        };
        let (privilege_lists, parsed_lists) = match m.get("privilegeLists") {
            Some(n) => self.lists(n, &P::Key(&p, "privilegeLists"), &requests),
            None => (Vec::new(), Vec::new()),
        };
        let (jit_policies, parsed_jits) = match m.get("jitPolicies") {
            Some(n) => self.jits(n, &P::Key(&p, "jitPolicies")),
            None => (Vec::new(), Vec::new()),
        };
        let (autonomous_approval, approval_enabled, approval_rules) =
            match m.get("autonomousApproval") {
                Some(n) => self.approval(n, &P::Key(&p, "autonomousApproval")),
                None => (None, false, Vec::new()),
            };
        m.finish(&mut self.cx, &p);

        let doc = PolicyDocument {
            api_version: api_version?,
            name: name?,
            revision,
            platform,
            variables,
            groups,
            applications,
            allowlist,
            privilege_lists,
            jit_policies,
            requests,
            autonomous_approval,
        };
        let parsed = Parsed {
            platform,
            groups: parsed_groups,
            group_ids,
            apps: parsed_apps,
            lists: parsed_lists,
            jits: parsed_jits,
            allowlist: parsed_allowlist,
            justification_pattern,
            approval_enabled,
            approval_rules,
        };
        Some((doc, parsed))
    }

    fn variables(&mut self, node: &Node, p: &P<'_>) -> BTreeMap<String, String> {
        let platform = self.platform;
        let mut out = BTreeMap::new();
        // Windows variable names are case-insensitive (ASCII only): two spellings of one name
        // would silently drop one value.
        let mut seen: HashMap<String, &str> = HashMap::new();
        let Value::Map(entries) = &node.value else {
            self.cx.error(
                p,
                node.span,
                format!(
                    "expected a mapping of variable names to paths, found {}",
                    node.value.kind_name()
                ),
            );
            return out;
        };
        for e in entries {
            let pp = P::Key(p, &e.key);
            if e.key.is_empty()
                || !e
                    .key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_().-".contains(c))
            {
                self.cx.error(
                    &pp,
                    e.key_span,
                    format!(
                        "'{}' is not a valid variable name (letters, digits, _ ( ) . -)",
                        e.key
                    ),
                );
                continue;
            }
            if platform == Platform::Windows
                && let Some(first) = seen.insert(e.key.to_ascii_lowercase(), &e.key)
            {
                self.cx.error(
                    &pp,
                    e.key_span,
                    format!(
                        "variable '{}' is already defined as '{first}' (names are case-insensitive)",
                        e.key
                    ),
                );
                continue;
            }
            if let Some(v) = string(&mut self.cx, &e.value, &pp) {
                if platform == Platform::Windows && v.contains('%') {
                    // Said here rather than as "not absolute" at every rule that uses it.
                    self.cx.error(
                        &pp,
                        e.value.span,
                        format!(
                            "'{v}': a variable's value is not expanded (variables do not nest); write the full path"
                        ),
                    );
                    continue;
                }
                out.insert(e.key.clone(), v);
            }
        }
        out
    }

    fn group(&mut self, node: &Node, p: &P<'_>) -> Option<(Group, ParsedGroup)> {
        let mut m = map(&mut self.cx, node, p)?;
        let mut list = |ld: &mut Loader, key: &'static str| -> Vec<String> {
            m.get(key)
                .and_then(|n| string_list(&mut ld.cx, n, &P::Key(p, key)))
                .unwrap_or_default()
        };
        let users = list(self, "users");
        let user_groups = list(self, "userGroups");
        let computers = list(self, "computers");
        let computer_tags = list(self, "computerTags");
        m.finish(&mut self.cx, p);
        if users.is_empty()
            && user_groups.is_empty()
            && computers.is_empty()
            && computer_tags.is_empty()
        {
            self.cx.error(
                p,
                node.span,
                "a group needs at least one of users, userGroups, computers, computerTags",
            );
            return None;
        }
        let pats = |v: &[String]| v.iter().map(|s| Pattern::new(s, true)).collect();
        let parsed = ParsedGroup {
            users: pats(&users),
            user_groups: pats(&user_groups),
            computers: pats(&computers),
            computer_tags: pats(&computer_tags),
        };
        Some((
            Group {
                users,
                user_groups,
                computers,
                computer_tags,
            },
            parsed,
        ))
    }

    fn groups(
        &mut self,
        node: &Node,
        p: &P<'_>,
    ) -> (BTreeMap<String, Group>, Vec<ParsedGroup>, Vec<String>) {
        let mut out = BTreeMap::new();
        let mut parsed = Vec::new();
        let mut ids = Vec::new();
        let Value::Map(entries) = &node.value else {
            self.cx.error(
                p,
                node.span,
                format!(
                    "expected a mapping of group ids to groups, found {}",
                    node.value.kind_name()
                ),
            );
            return (out, parsed, ids);
        };
        for e in entries {
            let pp = P::Key(p, &e.key);
            if !valid_id(&e.key) {
                self.cx.error(&pp, e.key_span, format!("'{}' is not a valid group id: use 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit", e.key));
            }
            self.group_index.insert(e.key.clone(), None);
            if let Some((g, pg)) = self.group(&e.value, &pp) {
                self.group_index.insert(e.key.clone(), Some(parsed.len()));
                parsed.push(pg);
                ids.push(e.key.clone());
                out.insert(e.key.clone(), g);
            }
        }
        (out, parsed, ids)
    }

    fn scope(&mut self, node: &Node, p: &P<'_>) -> Option<(Vec<GroupRef>, Vec<GroupSel>)> {
        let items = seq(&mut self.cx, node, p)?;
        if items.is_empty() {
            self.cx.error(
                p,
                node.span,
                "must not be empty; leave appliesTo out to apply to everyone",
            );
            return None;
        }
        let mut refs = Vec::new();
        let mut sels = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let pp = P::Index(p, i);
            match &item.value {
                Value::Map(_) => match self.group(item, &pp) {
                    Some((g, pg)) => {
                        refs.push(GroupRef::Inline(g));
                        sels.push(GroupSel::Inline(pg));
                    }
                    None => ok = false,
                },
                _ => match string(&mut self.cx, item, &pp) {
                    Some(id) => match self.group_index.get(&id) {
                        Some(Some(g)) => {
                            sels.push(GroupSel::Named(*g));
                            refs.push(GroupRef::Id(id));
                        }
                        Some(None) => ok = false,
                        None => {
                            self.cx
                                .error(&pp, item.span, format!("unknown group '{id}'"));
                            ok = false;
                        }
                    },
                    None => ok = false,
                },
            }
        }
        ok.then_some((refs, sels))
    }

    fn requests(&mut self, node: &Node, p: &P<'_>) -> (Requests, Option<Regex>) {
        let mut out = Requests::default();
        let mut pattern = None;
        let Some(mut m) = map(&mut self.cx, node, p) else {
            return (out, None);
        };
        for (key, slot) in [
            ("maxDuration", &mut out.max_duration),
            ("defaultDuration", &mut out.default_duration),
            ("pendingTimeout", &mut out.pending_timeout),
        ] {
            if let Some(n) = m.get(key)
                && let Some(d) = duration(&mut self.cx, n, &P::Key(p, key))
            {
                *slot = d;
            }
        }
        if let Some(n) = m.get("justification") {
            let jp = P::Key(p, "justification");
            if let Some(mut jm) = map(&mut self.cx, n, &jp) {
                if let Some(n) = jm.get("minLength") {
                    let kp = P::Key(&jp, "minLength");
                    if let Some(v) = integer(&mut self.cx, n, &kp) {
                        match u32::try_from(v) {
                            Ok(v) if v >= 1 => out.justification.min_length = v,
                            _ => self.cx.error(&kp, n.span, format!("must be at least 1 (a justification is always required), found {v}")),
                        }
                    }
                }
                if let Some(n) = jm.get("pattern")
                    && let Some((text, re)) = regex(&mut self.cx, n, &P::Key(&jp, "pattern"))
                {
                    out.justification.pattern = Some(text);
                    pattern = Some(re);
                }
                jm.finish(&mut self.cx, &jp);
            }
        }
        m.finish(&mut self.cx, p);
        (out, pattern)
    }

    fn applications(&mut self, node: &Node, p: &P<'_>) -> (Vec<Application>, Vec<ParsedApp>) {
        let mut out = Vec::new();
        let mut parsed = Vec::new();
        let Some(items) = seq(&mut self.cx, node, p) else {
            return (out, parsed);
        };
        out.reserve(items.len());
        parsed.reserve(items.len());
        for (i, item) in items.iter().enumerate() {
            let pp = P::Index(p, i);
            let declared = item.get("id").and_then(Node::as_str).map(str::to_string);
            if let Some(id) = &declared {
                if self.app_index.contains_key(id) {
                    self.cx
                        .error(&pp, item.span, format!("duplicate application id '{id}'"));
                    continue;
                }
                self.app_index.insert(id.clone(), None);
            }
            if let Some((app, pa)) = self.application(item, &pp) {
                self.app_index.insert(app.id.clone(), Some(parsed.len()));
                out.push(app);
                parsed.push(pa);
            }
        }
        (out, parsed)
    }

    fn application(&mut self, node: &Node, p: &P<'_>) -> Option<(Application, ParsedApp)> {
        let mut m = map(&mut self.cx, node, p)?;
        let mut ok = true;
        let id_v = match m.get("id") {
            Some(n) => id(&mut self.cx, n, &P::Key(p, "id")),
            None => {
                self.cx.error(p, node.span, "missing required key 'id'");
                None
            }
        };
        let mut app = Application::default();
        let mut pa = ParsedApp::default();
        let mut rare = RareCriteria::default();

        // Pattern criteria.
        for key in [
            "vendor",
            "product",
            "fileName",
            "originalFileName",
            "commandLine",
        ] {
            let Some(n) = m.get(key) else { continue };
            let Some(items) = one_or_many(&mut self.cx, n, &P::Key(p, key)) else {
                ok = false;
                continue;
            };
            let pats: Box<[Pattern]> = items.iter().map(|(s, _)| Pattern::new(s, true)).collect();
            let strings = OneOrMany(items.into_iter().map(|(s, _)| s).collect());
            match key {
                "vendor" => (app.vendor, pa.vendor) = (strings, pats),
                "product" => (app.product, pa.product) = (strings, pats),
                "fileName" => (app.file_name, pa.file_name) = (strings, pats),
                "originalFileName" => {
                    (app.original_file_name, rare.original_file_name) = (strings, pats)
                }
                _ => (app.command_line, rare.command_line) = (strings, pats),
            }
        }
        // Digests.
        for key in ["sha256", "signerThumbprint"] {
            let Some(n) = m.get(key) else { continue };
            let kp = P::Key(p, key);
            let Some(items) = one_or_many(&mut self.cx, n, &kp) else {
                ok = false;
                continue;
            };
            let mut digests = Vec::new();
            for (i, (s, span)) in items.iter().enumerate() {
                match parse_hex32(s.trim()) {
                    Some(d) => digests.push(d),
                    None => {
                        let ip = if items.len() > 1 {
                            P::Index(&kp, i)
                        } else {
                            kp
                        };
                        self.cx
                            .error(&ip, *span, format!("'{s}' is not 64 hex digits"));
                        ok = false;
                    }
                }
            }
            let strings = OneOrMany(items.into_iter().map(|(s, _)| s).collect());
            if key == "sha256" {
                (app.sha256, pa.sha256) = (strings, digests.into_boxed_slice());
            } else {
                (app.signer_thumbprint, rare.thumbprints) = (strings, digests.into_boxed_slice());
            }
        }
        if let Some(n) = m.get("clsid") {
            let kp = P::Key(p, "clsid");
            if let Some(items) = one_or_many(&mut self.cx, n, &kp) {
                let mut clsid = Vec::new();
                for (i, (s, span)) in items.iter().enumerate() {
                    match parse_guid(s.trim()) {
                        Some(g) => clsid.push(g),
                        None => {
                            let ip = if items.len() > 1 {
                                P::Index(&kp, i)
                            } else {
                                kp
                            };
                            self.cx.error(&ip, *span, format!("'{s}' is not a GUID like {{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A}}"));
                            ok = false;
                        }
                    }
                }
                rare.clsid = clsid.into_boxed_slice();
                app.clsid = OneOrMany(items.into_iter().map(|(s, _)| s).collect());
            } else {
                ok = false;
            }
        }
        for key in ["minVersion", "maxVersion"] {
            let Some(n) = m.get(key) else { continue };
            let kp = P::Key(p, key);
            let Some(s) = string(&mut self.cx, n, &kp) else {
                ok = false;
                continue;
            };
            match Version::parse_exact(&s) {
                Some(v) => {
                    if key == "minVersion" {
                        (app.min_version, rare.min_version) = (Some(s), Some(v));
                    } else {
                        (app.max_version, rare.max_version) = (Some(s), Some(v));
                    }
                }
                None => {
                    self.cx.error(
                        &kp,
                        n.span,
                        format!("'{s}' is not a dotted version number like 22.99 or 4.0.1.0"),
                    );
                    ok = false;
                }
            }
        }
        if let (Some(lo), Some(hi)) = (rare.min_version, rare.max_version)
            && lo > hi
        {
            self.cx.error(
                p,
                node.span,
                "minVersion is above maxVersion: the application can never match",
            );
            ok = false;
        }
        if let Some(n) = m.get("path") {
            let kp = P::Key(p, "path");
            if let Some(items) = one_or_many(&mut self.cx, n, &kp) {
                let mut rule_paths = Vec::new();
                for (i, (s, span)) in items.iter().enumerate() {
                    match paths::parse_rule_path(self.platform, s, &self.variables) {
                        Ok(mut rp) => {
                            // No spare capacity: one of these per path rule.
                            for c in &mut rp.components {
                                c.shrink_to_fit();
                            }
                            rp.components.shrink_to_fit();
                            rule_paths.push(rp);
                        }
                        Err(e) => {
                            let ip = if items.len() > 1 {
                                P::Index(&kp, i)
                            } else {
                                kp
                            };
                            self.cx.error(&ip, *span, e.to_string());
                            ok = false;
                        }
                    }
                }
                pa.paths = rule_paths.into_boxed_slice();
                app.path = OneOrMany(items.into_iter().map(|(s, _)| s).collect());
            } else {
                ok = false;
            }
        }
        let had_unknown = m.finish(&mut self.cx, p);
        let id_v = id_v?;
        pa.id = id_v.clone();
        app.id = id_v;
        pa.rare = Some(Box::new(rare));
        pa.finish();
        if pa.keys.is_empty() && ok && !had_unknown {
            self.cx.error(
                p,
                node.span,
                format!("application '{}' has no criterion: give at least one of vendor, signerThumbprint, product, fileName, originalFileName, minVersion, maxVersion, sha256, clsid, path, commandLine", app.id),
            );
            return None;
        }
        ok.then_some((app, pa))
    }

    /// `applications:` of a list or JIT policy (`all` allowed), or the allowlist.
    fn app_refs(
        &mut self,
        node: &Node,
        p: &P<'_>,
        allow_all: bool,
    ) -> Option<(Applications, Option<Vec<usize>>)> {
        if let Value::String(s) = &node.value {
            if s == "all" && allow_all {
                return Some((Applications::All, None));
            }
            let expected = if allow_all {
                "a list of application ids or the string 'all'"
            } else {
                "a list of application ids"
            };
            self.cx
                .error(p, node.span, format!("expected {expected}, found '{s}'"));
            return None;
        }
        let items = seq(&mut self.cx, node, p)?;
        let mut ids = Vec::new();
        let mut idx = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let pp = P::Index(p, i);
            let Some(id) = string(&mut self.cx, item, &pp) else {
                ok = false;
                continue;
            };
            match self.app_index.get(&id) {
                Some(Some(a)) => {
                    if idx.contains(a) {
                        self.cx.error(
                            &pp,
                            item.span,
                            format!("application '{id}' is listed twice"),
                        );
                        ok = false;
                    }
                    idx.push(*a);
                }
                Some(None) => ok = false,
                None => {
                    self.cx
                        .error(&pp, item.span, format!("unknown application '{id}'"));
                    ok = false;
                }
            }
            ids.push(id);
        }
        ok.then_some((Applications::Ids(ids), Some(idx)))
    }

    fn lists(
        &mut self,
        node: &Node,
        p: &P<'_>,
        requests: &Requests,
    ) -> (Vec<PrivilegeList>, Vec<ParsedList>) {
        let mut out = Vec::new();
        let mut parsed = Vec::new();
        let Some(items) = seq(&mut self.cx, node, p) else {
            return (out, parsed);
        };
        for (i, item) in items.iter().enumerate() {
            let pp = P::Index(p, i);
            let declared = item.get("id").and_then(Node::as_str).map(str::to_string);
            if let Some(id) = &declared {
                if self.list_index.contains_key(id) {
                    self.cx.error(
                        &pp,
                        item.span,
                        format!("duplicate privilege list id '{id}'"),
                    );
                    continue;
                }
                self.list_index.insert(id.clone(), None);
            }
            if let Some((l, pl)) = self.list(item, &pp, requests) {
                self.list_index.insert(l.id.clone(), Some(parsed.len()));
                out.push(l);
                parsed.push(pl);
            }
        }
        (out, parsed)
    }

    fn list(
        &mut self,
        node: &Node,
        p: &P<'_>,
        requests: &Requests,
    ) -> Option<(PrivilegeList, ParsedList)> {
        let mut m = map(&mut self.cx, node, p)?;
        let mut ok = true;
        let id_v = match m.get("id") {
            Some(n) => id(&mut self.cx, n, &P::Key(p, "id")),
            None => {
                self.cx.error(p, node.span, "missing required key 'id'");
                None
            }
        };
        refuse_null(&mut self.cx, &m, p, &["appliesTo"]);
        let scope = match m.get("appliesTo") {
            Some(n) => match self.scope(n, &P::Key(p, "appliesTo")) {
                Some(s) => Some(s),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let elevation = match m.get("elevation") {
            Some(n) => {
                let kp = P::Key(p, "elevation");
                match string(&mut self.cx, n, &kp).as_deref() {
                    Some("automatic") => Some(Elevation::Automatic),
                    Some("userConfirmed") => Some(Elevation::UserConfirmed),
                    Some("onRequest") => Some(Elevation::OnRequest),
                    Some("deny") => Some(Elevation::Deny),
                    Some(other) => {
                        self.cx.error(&kp, n.span, format!("unknown elevation '{other}'; expected automatic, userConfirmed, onRequest or deny"));
                        None
                    }
                    None => None,
                }
            }
            None => {
                self.cx.error(p, node.span, "missing required key 'elevation' (automatic, userConfirmed, onRequest or deny)");
                None
            }
        };
        let apps = match m.get("applications") {
            Some(n) => self.app_refs(n, &P::Key(p, "applications"), true),
            None => {
                self.cx.error(
                    p,
                    node.span,
                    "missing required key 'applications' (a list of application ids, or all)",
                );
                None
            }
        };
        let max_duration = match m.get("maxDuration") {
            Some(n) => {
                let kp = P::Key(p, "maxDuration");
                let d = duration(&mut self.cx, n, &kp);
                if let Some(d) = d {
                    if elevation.is_some() && elevation != Some(Elevation::OnRequest) {
                        self.cx
                            .error(&kp, n.span, "maxDuration applies to onRequest lists only");
                        ok = false;
                    }
                    if d > requests.max_duration {
                        self.cx.error(
                            &kp,
                            n.span,
                            format!(
                                "maxDuration {d} is above requests.maxDuration {}",
                                requests.max_duration
                            ),
                        );
                        ok = false;
                    }
                } else {
                    ok = false;
                }
                d
            }
            None => None,
        };
        m.finish(&mut self.cx, p);
        let (applications, app_idx) = apps?;
        if !ok {
            return None;
        }
        let (applies_to, scope) = match scope {
            Some((refs, sels)) => (Some(refs), Some(sels)),
            None => (None, None),
        };
        let id_v = id_v?;
        let elevation = elevation?;
        Some((
            PrivilegeList {
                id: id_v.clone(),
                applies_to,
                elevation,
                applications,
                max_duration,
            },
            ParsedList {
                id: id_v,
                scope,
                elevation,
                apps: app_idx,
                max_duration,
            },
        ))
    }

    fn jits(&mut self, node: &Node, p: &P<'_>) -> (Vec<JitPolicy>, Vec<ParsedJit>) {
        let mut out: Vec<JitPolicy> = Vec::new();
        let mut parsed = Vec::new();
        let Some(items) = seq(&mut self.cx, node, p) else {
            return (out, parsed);
        };
        for (i, item) in items.iter().enumerate() {
            let pp = P::Index(p, i);
            if let Some((j, pj)) = self.jit(item, &pp) {
                if out.iter().any(|o| o.id == j.id) {
                    self.cx.error(
                        &pp,
                        item.span,
                        format!("duplicate JIT policy id '{}'", j.id),
                    );
                    continue;
                }
                out.push(j);
                parsed.push(pj);
            }
        }
        (out, parsed)
    }

    fn jit(&mut self, node: &Node, p: &P<'_>) -> Option<(JitPolicy, ParsedJit)> {
        let mut m = map(&mut self.cx, node, p)?;
        let mut ok = true;
        let id_v = match m.get("id") {
            Some(n) => id(&mut self.cx, n, &P::Key(p, "id")),
            None => {
                self.cx.error(p, node.span, "missing required key 'id'");
                None
            }
        };
        refuse_null(&mut self.cx, &m, p, &["appliesTo"]);
        let scope = match m.get("appliesTo") {
            Some(n) => match self.scope(n, &P::Key(p, "appliesTo")) {
                Some(s) => Some(s),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let apps = match m.get("applications") {
            Some(n) => self.app_refs(n, &P::Key(p, "applications"), true),
            None => {
                self.cx.error(
                    p,
                    node.span,
                    "missing required key 'applications' (a list of application ids, or all)",
                );
                None
            }
        };
        let mut when = |ld: &mut Loader, key: &'static str| match m.get(key) {
            Some(n) => time(&mut ld.cx, n, &P::Key(p, key)),
            None => {
                ld.cx.error(
                    p,
                    node.span,
                    format!("missing required key '{key}' (an RFC 3339 time)"),
                );
                None
            }
        };
        let from = when(self, "from");
        let until = when(self, "until");
        if let (Some(f), Some(u)) = (from, until)
            && f >= u
        {
            self.cx.error(
                p,
                node.span,
                format!(
                    "from ({}) must be before until ({})",
                    f.to_rfc3339(),
                    u.to_rfc3339()
                ),
            );
            ok = false;
        }
        m.finish(&mut self.cx, p);
        let (applications, app_idx) = apps?;
        let (from, until, id_v) = (from?, until?, id_v?);
        if !ok {
            return None;
        }
        let (applies_to, scope) = match scope {
            Some((refs, sels)) => (Some(refs), Some(sels)),
            None => (None, None),
        };
        Some((
            JitPolicy {
                id: id_v.clone(),
                applies_to,
                applications,
                from,
                until,
            },
            ParsedJit {
                id: id_v,
                scope,
                apps: app_idx,
                from,
                until,
            },
        ))
    }

    fn approval(
        &mut self,
        node: &Node,
        p: &P<'_>,
    ) -> (Option<AutonomousApproval>, bool, Vec<ParsedRule>) {
        let Some(mut m) = map(&mut self.cx, node, p) else {
            return (None, false, Vec::new());
        };
        let enabled = match m.get("enabled") {
            Some(n) => boolean(&mut self.cx, n, &P::Key(p, "enabled")),
            None => {
                self.cx.error(
                    p,
                    node.span,
                    "missing required key 'enabled' (true or false)",
                );
                None
            }
        };
        let mut rules = Vec::new();
        let mut parsed = Vec::new();
        refuse_null(&mut self.cx, &m, p, &["rules"]);
        if let Some(n) = m.get("rules") {
            let rp = P::Key(p, "rules");
            if let Some(items) = seq(&mut self.cx, n, &rp) {
                // Duplicate ids are found from the raw ids, so they are reported even when a
                // rule has other errors (every error at once).
                let mut seen: Vec<&str> = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let pp = P::Index(&rp, i);
                    let raw_id = item.get("id").and_then(Node::as_str);
                    let duplicate = raw_id.is_some_and(|id| seen.contains(&id));
                    if let Some(id) = raw_id {
                        if duplicate {
                            self.cx.error(
                                &pp,
                                item.span,
                                format!("duplicate approval rule id '{id}'"),
                            );
                        }
                        seen.push(id);
                    }
                    if let Some((r, pr)) = self.rule(item, &pp)
                        && !duplicate
                    {
                        rules.push(r);
                        parsed.push(pr);
                    }
                }
            }
        }
        m.finish(&mut self.cx, p);
        match enabled {
            Some(enabled) => (Some(AutonomousApproval { enabled, rules }), enabled, parsed),
            None => (None, false, Vec::new()),
        }
    }

    fn rule(&mut self, node: &Node, p: &P<'_>) -> Option<(ApprovalRule, ParsedRule)> {
        let mut m = map(&mut self.cx, node, p)?;
        let id_v = match m.get("id") {
            Some(n) => id(&mut self.cx, n, &P::Key(p, "id")),
            None => {
                self.cx.error(p, node.span, "missing required key 'id'");
                None
            }
        };
        let action = match m.get("action") {
            Some(n) => {
                let kp = P::Key(p, "action");
                match string(&mut self.cx, n, &kp).as_deref() {
                    Some("approve") => Some(ApprovalAction::Approve),
                    Some("decline") => Some(ApprovalAction::Decline),
                    Some(other) => {
                        self.cx.error(
                            &kp,
                            n.span,
                            format!("unknown action '{other}'; expected approve or decline"),
                        );
                        None
                    }
                    None => None,
                }
            }
            None => {
                self.cx.error(
                    p,
                    node.span,
                    "missing required key 'action' (approve or decline)",
                );
                None
            }
        };
        refuse_null(&mut self.cx, &m, p, &["when"]);
        let when = match m.get("when") {
            Some(n) => self.conditions(n, &P::Key(p, "when")),
            None => Some((Conditions::default(), ParsedRule::empty())),
        };
        m.finish(&mut self.cx, p);
        let (when, mut pr) = when?;
        let (id_v, action) = (id_v?, action?);
        pr.id = id_v.clone();
        pr.action = action;
        Some((
            ApprovalRule {
                id: id_v,
                action,
                when,
            },
            pr,
        ))
    }

    fn conditions(&mut self, node: &Node, p: &P<'_>) -> Option<(Conditions, ParsedRule)> {
        let mut m = map(&mut self.cx, node, p)?;
        let mut ok = true;
        let mut c = Conditions::default();
        let mut pr = ParsedRule::empty();
        refuse_null(
            &mut self.cx,
            &m,
            p,
            &[
                "applications",
                "privilegeLists",
                "groups",
                "computers",
                "maxDuration",
                "justification",
                "schedule",
                "maxPerUser",
            ],
        );
        if let Some(n) = m.get("applications") {
            match self.app_refs(n, &P::Key(p, "applications"), false) {
                Some((Applications::Ids(ids), idx)) => {
                    c.applications = Some(ids);
                    pr.applications = idx;
                }
                _ => ok = false,
            }
        }
        if let Some(n) = m.get("privilegeLists") {
            let kp = P::Key(p, "privilegeLists");
            match string_list(&mut self.cx, n, &kp) {
                Some(ids) => {
                    let mut idx = Vec::new();
                    for (i, id) in ids.iter().enumerate() {
                        match self.list_index.get(id) {
                            Some(Some(l)) => idx.push(*l),
                            Some(None) => ok = false,
                            None => {
                                let span = match &n.value {
                                    Value::Seq(items) => items.get(i).map_or(n.span, |x| x.span),
                                    _ => n.span,
                                };
                                self.cx.error(
                                    &P::Index(&kp, i),
                                    span,
                                    format!("unknown privilege list '{id}'"),
                                );
                                ok = false;
                            }
                        }
                    }
                    c.privilege_lists = Some(ids);
                    pr.privilege_lists = Some(idx);
                }
                None => ok = false,
            }
        }
        if let Some(n) = m.get("groups") {
            match self.scope(n, &P::Key(p, "groups")) {
                Some((refs, sels)) => {
                    c.groups = Some(refs);
                    pr.groups = Some(sels);
                }
                None => ok = false,
            }
        }
        if let Some(n) = m.get("computers") {
            match string_list(&mut self.cx, n, &P::Key(p, "computers")) {
                Some(v) => {
                    pr.computers = Some(v.iter().map(|s| Pattern::new(s, true)).collect());
                    c.computers = Some(v);
                }
                None => ok = false,
            }
        }
        if let Some(n) = m.get("maxDuration") {
            match duration(&mut self.cx, n, &P::Key(p, "maxDuration")) {
                Some(d) => {
                    c.max_duration = Some(d);
                    pr.max_duration = Some(d);
                }
                None => ok = false,
            }
        }
        if let Some(n) = m.get("justification") {
            match regex(&mut self.cx, n, &P::Key(p, "justification")) {
                Some((text, re)) => {
                    c.justification = Some(text);
                    pr.justification = Some(re);
                }
                None => ok = false,
            }
        }
        if let Some(n) = m.get("schedule") {
            match self.schedule(n, &P::Key(p, "schedule")) {
                Some((s, ps)) => {
                    c.schedule = Some(s);
                    pr.schedule = Some(ps);
                }
                None => ok = false,
            }
        }
        if let Some(n) = m.get("maxPerUser") {
            let kp = P::Key(p, "maxPerUser");
            let mut q = None;
            if let Some(mut qm) = map(&mut self.cx, n, &kp) {
                let count = match qm.get("count") {
                    Some(cn) => {
                        let cp = P::Key(&kp, "count");
                        match integer(&mut self.cx, cn, &cp).map(u32::try_from) {
                            Some(Ok(v)) if v >= 1 => Some(v),
                            Some(_) => {
                                self.cx
                                    .error(&cp, cn.span, "must be a whole number of at least 1");
                                None
                            }
                            None => None,
                        }
                    }
                    None => {
                        self.cx.error(&kp, n.span, "missing required key 'count'");
                        None
                    }
                };
                let per = match qm.get("per") {
                    Some(pn) => duration(&mut self.cx, pn, &P::Key(&kp, "per")),
                    None => {
                        self.cx
                            .error(&kp, n.span, "missing required key 'per' (a duration)");
                        None
                    }
                };
                qm.finish(&mut self.cx, &kp);
                if let (Some(count), Some(per)) = (count, per) {
                    q = Some((count, per));
                }
            }
            match q {
                Some((count, per)) => {
                    c.max_per_user = Some(Quota { count, per });
                    pr.max_per_user = Some((count, per));
                }
                None => ok = false,
            }
        }
        m.finish(&mut self.cx, p);
        ok.then_some((c, pr))
    }

    fn schedule(&mut self, node: &Node, p: &P<'_>) -> Option<(Schedule, ParsedSchedule)> {
        let mut m = map(&mut self.cx, node, p)?;
        let mut ok = true;
        let mut days = Vec::new();
        let mut mask = 0u8;
        refuse_null(&mut self.cx, &m, p, &["days"]);
        if let Some(n) = m.get("days") {
            let kp = P::Key(p, "days");
            if let Some(items) = seq(&mut self.cx, n, &kp) {
                if items.is_empty() {
                    // An empty list reading as "every day" would widen autonomous approval
                    // by a typo (as `appliesTo: []` would).
                    self.cx.error(
                        &kp,
                        n.span,
                        "must not be an empty list; leave days out for every day",
                    );
                    ok = false;
                }
                for (i, item) in items.iter().enumerate() {
                    let ip = P::Index(&kp, i);
                    let Some(s) = string(&mut self.cx, item, &ip) else {
                        ok = false;
                        continue;
                    };
                    let day = match s.to_ascii_lowercase().as_str() {
                        "mon" => Day::Mon,
                        "tue" => Day::Tue,
                        "wed" => Day::Wed,
                        "thu" => Day::Thu,
                        "fri" => Day::Fri,
                        "sat" => Day::Sat,
                        "sun" => Day::Sun,
                        _ => {
                            self.cx.error(&ip, item.span, format!("unknown day '{s}'; expected mon, tue, wed, thu, fri, sat or sun"));
                            ok = false;
                            continue;
                        }
                    };
                    mask |= 1 << (day as u8);
                    days.push(day);
                }
            } else {
                ok = false;
            }
        }
        if days.is_empty() {
            mask = 0x7f;
        }
        let mut hhmm =
            |ld: &mut Loader, key: &'static str, allow_24: bool| -> Option<(String, u16)> {
                let Some(n) = m.get(key) else {
                    ld.cx.error(
                        p,
                        node.span,
                        format!("missing required key '{key}' (HH:MM)"),
                    );
                    return None;
                };
                let kp = P::Key(p, key);
                let s = string(&mut ld.cx, n, &kp)?;
                match parse_hhmm(&s, allow_24) {
                    Some(v) => Some((s, v)),
                    None => {
                        ld.cx.error(
                            &kp,
                            n.span,
                            format!(
                                "'{s}' is not a time of day HH:MM (00:00 to 23:59{})",
                                if allow_24 { ", or 24:00" } else { "" }
                            ),
                        );
                        None
                    }
                }
            };
        let from = hhmm(self, "from", false);
        let to = hhmm(self, "to", true);
        let tz = match m.get("timeZone") {
            Some(n) => {
                let kp = P::Key(p, "timeZone");
                match string(&mut self.cx, n, &kp) {
                    Some(s) => match s.parse::<chrono_tz::Tz>() {
                        Ok(tz) => Some((s, tz)),
                        Err(_) => {
                            self.cx.error(
                                &kp,
                                n.span,
                                format!("unknown IANA time zone '{s}' (e.g. Europe/Berlin, UTC)"),
                            );
                            None
                        }
                    },
                    None => None,
                }
            }
            None => {
                self.cx.error(
                    p,
                    node.span,
                    "missing required key 'timeZone' (an IANA time zone such as Europe/Berlin)",
                );
                None
            }
        };
        m.finish(&mut self.cx, p);
        let ((from_s, from_m), (to_s, to_m), (tz_s, tz)) = (from?, to?, tz?);
        if from_m == to_m {
            self.cx
                .error(p, node.span, "from and to are equal: the window is empty");
            return None;
        }
        ok.then_some((
            Schedule {
                days,
                from: from_s,
                to: to_s,
                time_zone: tz_s,
            },
            ParsedSchedule {
                days: mask,
                from: from_m,
                to: to_m,
                tz,
            },
        ))
    }
}

/// `HH:MM` as minutes since midnight.
fn parse_hhmm(s: &str, allow_24: bool) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    if (h < 24 && m < 60) || (allow_24 && h == 24 && m == 0) {
        Some(h * 60 + m)
    } else {
        None
    }
}
