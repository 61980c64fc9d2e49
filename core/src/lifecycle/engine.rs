//! The engine facade: policy + requests + store + audit sink, with clock-free commands.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::approval::{self, Candidate};
use super::event::{Actor, ActorKind, AppInfo, AuditSink, Event, EventType, PolicyRef, Subject};
use super::store::Store;
use super::{ErrorCode, Origin, Request, RequestError, Status};
use crate::fold::{FoldMap, fold_eq};
use crate::launch::{Facts, parse_hex32};
use crate::matcher::{Coverage, NormPath};
use crate::paths;
use crate::pattern::Pattern;
use crate::policy::ApprovalAction;
use crate::{CompiledPolicy, Decision, Duration, Launch, LaunchError, Outcome};

/// Arguments of `submit`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubmitArgs {
    /// Caller-chosen unique id.
    pub id: String,
    /// The launch to elevate; `launch.user` is the requester.
    pub launch: Launch,
    /// Requested duration; omitted takes `requests.defaultDuration`, capped at the maximum.
    pub duration: Option<Duration>,
    /// Why the user needs it.
    pub justification: Option<String>,
    /// A duration given as text that is not a duration > 0 (checked in the spec's order, after
    /// the decision and the justification, as `durationInvalid`).
    invalid_duration: Option<String>,
}

impl SubmitArgs {
    /// Submit arguments.
    pub fn new(
        id: impl Into<String>,
        launch: Launch,
        duration: Option<Duration>,
        justification: Option<String>,
    ) -> Self {
        SubmitArgs {
            id: id.into(),
            launch,
            duration,
            justification,
            invalid_duration: None,
        }
    }

    /// Submit arguments with the duration as text (`30m`, `1h30m`), as the CLI, Python and C
    /// faces receive it; text that is not a duration > 0 makes `submit` fail with
    /// `durationInvalid` at the step of the spec's check order where durations are checked.
    pub fn with_duration_text(
        id: impl Into<String>,
        launch: Launch,
        duration: Option<&str>,
        justification: Option<String>,
    ) -> Self {
        let (duration, invalid_duration) = match duration.map(str::parse::<Duration>) {
            None => (None, None),
            Some(Ok(d)) => (Some(d), None),
            Some(Err(e)) => (None, Some(e.to_string())),
        };
        SubmitArgs {
            id: id.into(),
            launch,
            duration,
            justification,
            invalid_duration,
        }
    }
}

/// Arguments of an admin `grant`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrantArgs {
    /// Caller-chosen unique id.
    pub id: String,
    /// The administrator.
    pub by: String,
    /// User name or SID patterns covered.
    pub users: Vec<String>,
    /// Computer name patterns covered.
    pub computers: Vec<String>,
    /// Application ids covered.
    pub applications: Vec<String>,
    /// How long it lasts.
    pub duration: Duration,
}

impl GrantArgs {
    /// Grant arguments.
    pub fn new(
        id: impl Into<String>,
        by: impl Into<String>,
        users: Vec<String>,
        computers: Vec<String>,
        applications: Vec<String>,
        duration: Duration,
    ) -> Self {
        GrantArgs {
            id: id.into(),
            by: by.into(),
            users,
            computers,
            applications,
            duration,
        }
    }
}

/// Options of a command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandOptions {
    /// Repeating a command with the same key returns the first result and changes nothing
    /// (kept in memory for the engine's lifetime).
    pub idempotency_key: Option<String>,
    /// Optimistic concurrency: the command fails with `invalidTransition` unless the request's
    /// revision is this one.
    pub if_revision: Option<u64>,
}

/// Which requests `history` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryFilter {
    /// Only this requester (case-insensitive).
    pub user: Option<String>,
    /// Only this computer (case-insensitive).
    pub computer: Option<String>,
    /// Only requests submitted at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only requests submitted before this time.
    pub until: Option<DateTime<Utc>>,
}

/// What an active request or grant covers, precomputed at activation (or at submission,
/// from the path the submission's evaluation normalized).
#[derive(Debug)]
enum Cover {
    Submitted {
        /// The request's launch: its user and computer are compared.
        launch: Arc<Launch>,
        /// The platform the path was normalized for.
        platform: paths::Platform,
        sha256: Option<[u8; 32]>,
        path: Option<String>,
        /// `Some` when the request had a valid signer: the thumbprint must be the same.
        thumbprint: Option<Option<[u8; 32]>>,
    },
    Granted {
        users: Vec<Pattern>,
        computers: Vec<Pattern>,
        applications: Vec<String>,
    },
}

/// A hasher for the engine's own slot numbers (sequential, never chosen by a caller, so
/// hash flooding is no concern): one multiplication instead of SipHash.
#[derive(Default, Clone, Copy)]
struct SlotHasher(u64);

impl std::hash::Hasher for SlotHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type SlotMap<V> = HashMap<u32, V, std::hash::BuildHasherDefault<SlotHasher>>;

/// A cover and whether it is indexed (listed under its users or in `wild`): covers of
/// pending requests, computed at submission, wait unindexed until activation.
#[derive(Debug)]
struct Entry {
    cover: Cover,
    indexed: bool,
}

#[derive(Debug, Default)]
struct CoverIndex {
    /// Covers of active requests and grants (indexed) and of pending requests (not yet), by slot.
    entries: SlotMap<Entry>,
    /// How many entries are indexed.
    indexed: usize,
    wild: Vec<u32>,
}

/// A list of slots in insertion order that holds one slot without allocating (most users,
/// and every id, have one).
#[derive(Debug, Default, Clone)]
enum SlotList<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T: Copy> SlotList<T> {
    fn push(&mut self, v: T) {
        match self {
            SlotList::Empty => *self = SlotList::One(v),
            SlotList::One(a) => *self = SlotList::Many(vec![*a, v]),
            SlotList::Many(vs) => vs.push(v),
        }
    }

    fn as_slice(&self) -> &[T] {
        match self {
            SlotList::Empty => &[],
            SlotList::One(a) => std::slice::from_ref(a),
            SlotList::Many(vs) => vs,
        }
    }
}

/// The slots listed under one user name or SID (case-insensitive).
#[derive(Debug, Default)]
struct UserSlots {
    /// Every request with this requester (name or SID), for duplicate checks and quotas.
    requests: SlotList<usize>,
    /// Indexed covers of active requests and grants naming this user (name, SID or literal
    /// pattern), in activation order.
    covers: SlotList<u32>,
}

/// A set of slots as a bitmap (slots are dense: one bit per request), iterated in slot order.
#[derive(Debug, Default)]
struct SlotSet {
    words: Vec<u64>,
}

impl SlotSet {
    fn insert(&mut self, slot: usize) {
        let word = slot / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        if let Some(w) = self.words.get_mut(word) {
            *w |= 1 << (slot % 64);
        }
    }

    fn remove(&mut self, slot: usize) {
        if let Some(w) = self.words.get_mut(slot / 64) {
            *w &= !(1 << (slot % 64));
        }
    }

    /// The slots in increasing order.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

/// Slots by request id, keyed by the id's SipHash with random keys (as `HashMap` hashes
/// strings, so ids chosen to collide do not degrade it): the map keeps no copy of the id and
/// grows without hashing strings again; a lookup compares the ids of the slots found.
#[derive(Default)]
struct IdIndex {
    keys: std::collections::hash_map::RandomState,
    slots: HashMap<u64, SlotList<usize>, std::hash::BuildHasherDefault<SlotHasher>>,
}

impl IdIndex {
    /// The keyed hash of `id`.
    fn hash(&self, id: &str) -> u64 {
        use std::hash::BuildHasher;
        self.keys.hash_one(id)
    }

    fn get(&self, id: &str, requests: &[Request]) -> Option<usize> {
        self.get_hashed(self.hash(id), id, requests)
    }

    /// [`IdIndex::get`] with the id's hash computed already.
    fn get_hashed(&self, hash: u64, id: &str, requests: &[Request]) -> Option<usize> {
        self.slots
            .get(&hash)?
            .as_slice()
            .iter()
            .copied()
            .find(|&s| requests.get(s).is_some_and(|r| r.id == id))
    }

    /// Lists a new id (not listed yet) by its hash.
    fn insert_hashed(&mut self, hash: u64, slot: usize) {
        self.slots.entry(hash).or_default().push(slot);
    }
}

struct State {
    policy: CompiledPolicy,
    requests: Vec<Request>,
    by_id: IdIndex,
    /// Slots of requests stored as pending or active.
    open: SlotSet,
    /// Requests and covers by user name or SID.
    users: FoldMap<UserSlots>,
    cover: CoverIndex,
    store: Box<dyn Store>,
    sink: Box<dyn AuditSink>,
    idem: HashMap<String, Result<Request, RequestError>>,
    /// The last failure of the audit sink while auditing an evaluation.
    audit_error: Option<String>,
}

/// The request lifecycle engine: thread-safe, clock-free (every command takes its time).
///
/// ```
/// use jitaccess::lifecycle::{Engine, MemorySink, MemoryStore, SubmitArgs, Status};
/// use jitaccess::{Launch, Policy};
/// let policy = Policy::from_yaml(r#"
/// apiVersion: jitaccess/v1
/// name: demo
/// applications: [{ id: tool, fileName: tool.exe }]
/// privilegeLists: [{ id: l, elevation: onRequest, applications: [tool] }]
/// "#).unwrap();
/// let engine = Engine::new(policy.compile(), Box::new(MemoryStore), Box::new(MemorySink::default())).unwrap();
/// let at = chrono::Utc::now();
/// let launch = Launch::from_json(r#"{"user":{"name":"alice"},"path":"C:\\tool.exe"}"#).unwrap();
/// let r = engine.submit(SubmitArgs::new("r1", launch.clone(), None, Some("ticket 42".into())), at).unwrap();
/// assert_eq!(r.status, Status::Pending);
/// let r = engine.approve("r1", "bob", None, at).unwrap();
/// assert_eq!(r.status, Status::Active);
/// assert_eq!(engine.evaluate(&launch, at).unwrap().rule.as_deref(), Some("grant:r1"));
/// ```
pub struct Engine {
    state: Mutex<State>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

fn err(code: ErrorCode, message: impl Into<String>) -> RequestError {
    RequestError::new(code, message)
}

fn not_found(id: &str) -> RequestError {
    err(ErrorCode::NotFound, format!("no request has the id '{id}'"))
}

fn user_of(launch: &Launch) -> (Option<&str>, Option<&str>) {
    let u = launch.user.as_ref();
    (
        u.and_then(|u| u.name.as_deref()),
        u.and_then(|u| u.sid.as_deref()),
    )
}

fn computer_of(launch: &Launch) -> Option<&str> {
    launch.computer.as_ref().and_then(|c| c.name.as_deref())
}

fn same_opt(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => fold_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl Cover {
    /// The cover of a submitted launch whose path normalizes (for `platform`) to `norm`.
    fn submitted(
        launch: &Arc<Launch>,
        platform: paths::Platform,
        norm: String,
        resolved: bool,
    ) -> Cover {
        let signer = launch.signer.as_ref().filter(|s| s.valid);
        Cover::Submitted {
            launch: Arc::clone(launch),
            platform,
            sha256: launch.sha256.as_deref().and_then(parse_hex32),
            path: resolved.then_some(norm),
            thumbprint: signer.map(|s| s.thumbprint.as_deref().and_then(parse_hex32)),
        }
    }

    /// Whether this cover is what [`Cover::of`] computes for `platform` (a replaced policy may
    /// change the platform; grants do not depend on it).
    fn is_for(&self, platform: paths::Platform) -> bool {
        match self {
            Cover::Submitted { platform: p, .. } => *p == platform,
            Cover::Granted { .. } => true,
        }
    }

    fn of(req: &Request, platform: paths::Platform) -> Option<Cover> {
        match &req.origin {
            Origin::Submitted { launch, .. } => {
                let mut norm = String::new();
                let facts = paths::normalize_launch(platform, &launch.path, &mut norm);
                Some(Cover::submitted(
                    launch,
                    platform,
                    norm,
                    facts.unresolved.is_none(),
                ))
            }
            Origin::Granted {
                users,
                computers,
                applications,
            } => Some(Cover::Granted {
                users: users.iter().map(|p| Pattern::new(p, true)).collect(),
                computers: computers.iter().map(|p| Pattern::new(p, true)).collect(),
                applications: applications.clone(),
            }),
        }
    }

    /// Whether this covers a later launch (lifecycle.md §3), apart from time.
    fn covers(
        &self,
        launch: &Launch,
        norm_path: &str,
        path_resolved: bool,
        facts: &Facts,
        case_insensitive: bool,
        app_holds: &dyn Fn(&str) -> bool,
    ) -> bool {
        let (name, sid) = user_of(launch);
        match self {
            Cover::Submitted {
                launch: mine,
                sha256,
                path,
                thumbprint,
                ..
            } => {
                let (rn, rs) = user_of(mine);
                let computer = computer_of(mine);
                let same_user =
                    (rn.is_some() && same_opt(rn, name)) || (rs.is_some() && same_opt(rs, sid));
                if !same_user || !same_opt(computer, computer_of(launch)) {
                    return false;
                }
                if let Some(h) = sha256 {
                    return facts.sha256 == Some(*h);
                }
                let Some(p) = path else { return false };
                let same_path = path_resolved
                    && if case_insensitive {
                        fold_eq(p, norm_path)
                    } else {
                        p == norm_path
                    };
                if !same_path {
                    return false;
                }
                match thumbprint {
                    None => true,
                    Some(t) => {
                        launch.signer.as_ref().is_some_and(|s| s.valid) && facts.thumbprint == *t
                    }
                }
            }
            Cover::Granted {
                users,
                computers,
                applications,
            } => {
                let user_ok = users.iter().any(|p| {
                    name.is_some_and(|n| p.is_match(n)) || sid.is_some_and(|s| p.is_match(s))
                });
                let computer_ok =
                    computer_of(launch).is_some_and(|c| computers.iter().any(|p| p.is_match(c)));
                user_ok && computer_ok && applications.iter().any(|a| app_holds(a))
            }
        }
    }
}

/// What a command changes: one request (returned to the caller as it reads at the command's
/// time), its events, and the cover computed at its submission.
struct Change {
    req: Request,
    /// The request's slot when it is already stored, or that it is new.
    slot: Known,
    events: Vec<Event>,
    cover: Option<Cover>,
}

/// What a commit knows of where its first request is stored.
#[derive(Clone, Copy)]
enum Known {
    /// A transition of the request stored in this slot (a copy of it with only the fields a
    /// transition sets changed).
    Slot(usize),
    /// A new request whose id (of this [`IdIndex::hash`]) the command checked is unused,
    /// under the same lock.
    New(u64),
    /// Look the id up.
    Find,
}

/// A coverage that covers nothing and keeps the normalized path and the facts of the
/// evaluation, so `submit` does not normalize the launch again (same decision as
/// `CompiledPolicy::evaluate`: no grant is added).
#[derive(Default)]
struct PathGrab {
    seen: RefCell<Option<(String, bool, Facts)>>,
}

impl Coverage for PathGrab {
    fn covering(
        &self,
        _launch: &Launch,
        path: NormPath<'_>,
        facts: &Facts,
        _at: DateTime<Utc>,
        _app_holds: &dyn Fn(&str) -> bool,
        _out: &mut Vec<(u32, String)>,
    ) {
        *self.seen.borrow_mut() = Some((path.text.to_string(), path.resolved, *facts));
    }
}

struct CoverView<'a> {
    state: &'a State,
}

impl Coverage for CoverView<'_> {
    fn covering(
        &self,
        launch: &Launch,
        path: NormPath<'_>,
        facts: &Facts,
        at: DateTime<Utc>,
        app_holds: &dyn Fn(&str) -> bool,
        out: &mut Vec<(u32, String)>,
    ) {
        let (norm_path, resolved) = (path.text, path.resolved);
        let st = self.state;
        let ix = &st.cover;
        if ix.indexed == 0 {
            return;
        }
        let platform = st.policy.inner.platform;
        let (name, sid) = user_of(launch);
        let lists = [
            name.and_then(|n| st.users.get(n))
                .map(|u| u.covers.as_slice()),
            sid.and_then(|s| st.users.get(s))
                .map(|u| u.covers.as_slice()),
            Some(ix.wild.as_slice()),
        ];
        for slot in lists.into_iter().flatten().flatten() {
            if out.iter().any(|(s, _)| s == slot) {
                continue;
            }
            let (Some(Entry { cover, .. }), Some(req)) =
                (ix.entries.get(slot), st.requests.get(*slot as usize))
            else {
                continue;
            };
            let live =
                req.status_at(at) == Status::Active && req.not_before.is_some_and(|nb| nb <= at);
            if live
                && cover.covers(
                    launch,
                    norm_path,
                    resolved,
                    facts,
                    platform.case_insensitive(),
                    app_holds,
                )
            {
                out.push((*slot, req.id.clone()));
            }
        }
    }
}

impl State {
    fn policy_ref(&self) -> PolicyRef {
        PolicyRef {
            name: self.policy.name().to_string(),
            revision: self.policy.revision(),
            sha256: Some(self.policy.sha256().to_string()),
        }
    }

    /// The event of a transition, built only when the sink keeps events.
    fn event_for(
        &self,
        kind: EventType,
        at: DateTime<Utc>,
        actor: impl FnOnce() -> Actor,
        req: &Request,
    ) -> Option<Event> {
        if !self.sink.wants_events() {
            return None;
        }
        let mut e = Event::new(kind, at, actor());
        e.request_id = Some(req.id.clone());
        e.policy = Some(self.policy_ref());
        e.duration = Some(req.duration.to_string());
        e.not_before = req.not_before;
        e.not_after = req.not_after;
        e.computer = req.computer.clone();
        e.justification = req.justification.clone();
        e.comment = req.comment.clone();
        e.reason = req.reason.clone();
        match &req.origin {
            Origin::Submitted { launch, rule, .. } => {
                let (name, sid) = user_of(launch);
                e.subject = Some(Subject {
                    name: name.map(str::to_string),
                    sid: sid.map(str::to_string),
                });
                e.application = Some(app_info(launch));
                e.rule = rule.clone();
            }
            Origin::Granted { users, .. } => {
                e.subject = Some(Subject {
                    name: Some(users.join(", ")),
                    sid: None,
                });
            }
        }
        Some(e)
    }

    fn index_active(&mut self, slot: usize) {
        let Some(req) = self.requests.get(slot) else {
            return;
        };
        let Ok(slot32) = u32::try_from(slot) else {
            return;
        };
        let platform = self.policy.inner.platform;
        // The cover computed at submission, unless the platform changed since.
        let cover = match self.cover.entries.remove(&slot32) {
            Some(Entry { cover, .. }) if cover.is_for(platform) => cover,
            _ => match Cover::of(req, platform) {
                Some(c) => c,
                None => return,
            },
        };
        match &cover {
            Cover::Submitted { launch, .. } => {
                let (name, sid) = user_of(launch);
                for key in [name, sid].into_iter().flatten() {
                    self.users
                        .entry_or_insert_with(key, UserSlots::default)
                        .covers
                        .push(slot32);
                }
            }
            Cover::Granted { users, .. } => {
                for u in users {
                    match u.literal() {
                        Some(lit) => self
                            .users
                            .entry_or_insert_with(lit, UserSlots::default)
                            .covers
                            .push(slot32),
                        None => self.cover.wild.push(slot32),
                    }
                }
            }
        }
        self.cover.entries.insert(
            slot32,
            Entry {
                cover,
                indexed: true,
            },
        );
        self.cover.indexed += 1;
    }

    fn unindex(&mut self, slot: usize) {
        if let Ok(s) = u32::try_from(slot) {
            if self.cover.entries.remove(&s).is_some_and(|e| e.indexed) {
                self.cover.indexed -= 1;
            }
            self.cover.wild.retain(|x| *x != s);
        }
    }

    /// Applies new versions of requests (already stored and audited) to memory and indexes.
    fn apply(&mut self, changed: Vec<Request>) {
        for req in changed {
            self.apply_one(Cow::Owned(req), Known::Find, None);
        }
    }

    /// Applies the new version of one request; `known` is its slot if the caller knows it,
    /// `prepared` its cover computed at submission.
    fn apply_one(&mut self, req: Cow<'_, Request>, known: Known, prepared: Option<Cover>) {
        {
            // A transition of the request in `slot` changes only what a transition changes.
            let transition = match known {
                Known::Slot(s) if self.requests.get(s).is_some_and(|r| r.id == req.id) => Some(s),
                _ => None,
            };
            // Whether the slot is in `open` already (it holds exactly the pending and active).
            let mut was_open = false;
            let found = match known {
                Known::Slot(_) if transition.is_some() => transition,
                // Submitted under the lock that checked the id is unused.
                Known::New(_) => None,
                _ => self.by_id.get(&req.id, &self.requests),
            };
            let slot = match found {
                Some(slot) => {
                    if let Some(r) = self.requests.get_mut(slot) {
                        was_open = matches!(r.status, Status::Pending | Status::Active);
                        match req {
                            Cow::Owned(n) => *r = n,
                            // Reuses the stored request's buffers.
                            Cow::Borrowed(n) if transition.is_some() => r.assign_transition_from(n),
                            Cow::Borrowed(n) => r.assign_from(n),
                        }
                    }
                    slot
                }
                None => {
                    let slot = self.requests.len();
                    let hash = match known {
                        Known::New(h) => h,
                        _ => self.by_id.hash(&req.id),
                    };
                    self.by_id.insert_hashed(hash, slot);
                    self.users
                        .entry_or_insert_with(&req.requester, UserSlots::default)
                        .requests
                        .push(slot);
                    // Also under the SID, so a launch naming only the SID finds it.
                    if let Some(sid) = req.launch().and_then(|l| user_of(l).1)
                        && !fold_eq(sid, &req.requester)
                    {
                        self.users
                            .entry_or_insert_with(sid, UserSlots::default)
                            .requests
                            .push(slot);
                    }
                    self.requests.push(req.into_owned());
                    slot
                }
            };
            if let Some(cover) = prepared
                && let Ok(s) = u32::try_from(slot)
            {
                self.cover.entries.insert(
                    s,
                    Entry {
                        cover,
                        indexed: false,
                    },
                );
            }
            let status = self.requests.get(slot).map(|r| r.status);
            match status {
                Some(Status::Active) => {
                    let indexed = u32::try_from(slot)
                        .ok()
                        .and_then(|s| self.cover.entries.get(&s))
                        .is_some_and(|e| e.indexed);
                    if !indexed {
                        self.index_active(slot);
                    }
                    if !was_open {
                        self.open.insert(slot);
                    }
                }
                Some(Status::Pending) => {
                    if !was_open {
                        self.open.insert(slot);
                    }
                }
                _ => {
                    self.open.remove(slot);
                    self.unindex(slot);
                }
            }
        }
    }

    /// Audits, stores and applies a transition; `slot` is the slot of `changed[0]` if it is
    /// stored already, `prepared` its cover computed at its submission.
    fn commit(
        &mut self,
        changed: &[Request],
        slot: Known,
        events: Vec<Event>,
        mut prepared: Option<Cover>,
    ) -> Result<(), RequestError> {
        for e in &events {
            self.sink.record(e).map_err(|m| {
                err(
                    ErrorCode::StorageFailed,
                    format!("the audit sink failed: {m}"),
                )
            })?;
        }
        self.store
            .save(changed)
            .map_err(|e| err(ErrorCode::StorageFailed, e.to_string()))?;
        let mut slot = slot;
        for req in changed {
            self.apply_one(
                Cow::Borrowed(req),
                std::mem::replace(&mut slot, Known::Find),
                prepared.take(),
            );
        }
        Ok(())
    }

    fn get(&self, id: &str) -> Result<&Request, RequestError> {
        self.by_id
            .get(id, &self.requests)
            .and_then(|s| self.requests.get(s))
            .ok_or_else(|| not_found(id))
    }

    fn slot_of(&self, id: &str) -> Result<usize, RequestError> {
        self.by_id
            .get(id, &self.requests)
            .ok_or_else(|| not_found(id))
    }

    /// Autonomous approvals in `(at - per, at]` of the requester of `req`, known by name or by
    /// SID: a request made with only the SID counts for the same user as one made with both.
    fn approvals_within(&self, req: &Request, at: DateTime<Utc>, per: Duration) -> usize {
        let since = at - per.to_chrono();
        let slots = |key: &str| {
            self.users
                .get(key)
                .map_or(&[][..], |u| u.requests.as_slice())
        };
        let by_name = slots(&req.requester);
        let by_sid = req
            .launch()
            .and_then(|l| user_of(l).1)
            .filter(|sid| !fold_eq(sid, &req.requester))
            .map_or(&[][..], slots);
        // Both lists are in slot order; a request under both counts once.
        let sid_only = by_sid.iter().filter(|s| by_name.binary_search(s).is_err());
        by_name
            .iter()
            .chain(sid_only)
            .filter_map(|&s| self.requests.get(s))
            .filter(|r| {
                r.decided_by
                    .as_deref()
                    .is_some_and(|d| d.starts_with("policy:"))
                    && r.not_before.is_some()
                    && r.decided_at.is_some_and(|t| t > since && t <= at)
            })
            .count()
    }
}

/// Whether `who` is the requester: the requester's name, or the name or SID of the launch's user.
fn is_requester(req: &Request, who: &str) -> bool {
    fold_eq(who, &req.requester)
        || req.launch().is_some_and(|l| {
            let (name, sid) = user_of(l);
            name.is_some_and(|n| fold_eq(n, who)) || sid.is_some_and(|s| fold_eq(s, who))
        })
}

fn app_info(launch: &Launch) -> AppInfo {
    AppInfo {
        path: Some(launch.path.clone()),
        sha256: launch.sha256.clone(),
        publisher: launch
            .signer
            .as_ref()
            .filter(|s| s.valid)
            .and_then(|s| s.publisher.clone()),
        product: launch.version.as_ref().and_then(|v| v.product_name.clone()),
        file_version: launch.version.as_ref().and_then(|v| v.file_version.clone()),
    }
}

/// `prefix` followed by `name`, in one allocation (no formatting machinery).
fn tagged(prefix: &str, name: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + name.len());
    s.push_str(prefix);
    s.push_str(name);
    s
}

fn admin(by: &str) -> Actor {
    Actor {
        kind: ActorKind::Admin,
        name: Some(by.to_string()),
        rule: None,
    }
}

fn user(by: &str) -> Actor {
    Actor {
        kind: ActorKind::User,
        name: Some(by.to_string()),
        rule: None,
    }
}

fn system() -> Actor {
    Actor {
        kind: ActorKind::System,
        name: None,
        rule: None,
    }
}

impl Engine {
    /// An engine over a compiled policy, a store (its requests are loaded now) and an audit sink.
    pub fn new(
        policy: CompiledPolicy,
        mut store: Box<dyn Store>,
        sink: Box<dyn AuditSink>,
    ) -> Result<Engine, RequestError> {
        let loaded = store
            .load()
            .map_err(|e| err(ErrorCode::StorageFailed, e.to_string()))?;
        let mut state = State {
            policy,
            requests: Vec::new(),
            by_id: IdIndex::default(),
            open: SlotSet::default(),
            users: FoldMap::new(true),
            cover: CoverIndex::default(),
            store,
            sink,
            idem: HashMap::new(),
            audit_error: None,
        };
        state.apply(loaded);
        Ok(Engine {
            state: Mutex::new(state),
        })
    }

    /// An engine with an in-memory store and no audit.
    pub fn in_memory(policy: CompiledPolicy) -> Engine {
        let state = State {
            policy,
            requests: Vec::new(),
            by_id: IdIndex::default(),
            open: SlotSet::default(),
            users: FoldMap::new(true),
            cover: CoverIndex::default(),
            store: Box::new(super::MemoryStore),
            sink: Box::new(super::NullSink),
            idem: HashMap::new(),
            audit_error: None,
        };
        Engine {
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied transition (changes are
        // applied after they are stored), so a poisoned lock is safe to reuse.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The policy in force.
    pub fn policy(&self) -> CompiledPolicy {
        self.lock().policy.clone()
    }

    /// Replaces the policy for the next command; recorded as a `policy.loaded` event.
    pub fn replace_policy(
        &self,
        policy: CompiledPolicy,
        at: DateTime<Utc>,
    ) -> Result<(), RequestError> {
        let mut st = self.lock();
        let mut e = Event::new(EventType::PolicyLoaded, at, system());
        e.policy = Some(PolicyRef {
            name: policy.name().to_string(),
            revision: policy.revision(),
            sha256: Some(policy.sha256().to_string()),
        });
        st.sink.record(&e).map_err(|m| {
            err(
                ErrorCode::StorageFailed,
                format!("the audit sink failed: {m}"),
            )
        })?;
        st.policy = policy;
        Ok(())
    }

    /// Runs a command under the options (idempotency key, expected revision).
    fn run(
        &self,
        opts: &CommandOptions,
        at: DateTime<Utc>,
        f: impl FnOnce(&mut State) -> Result<Change, RequestError>,
    ) -> Result<Request, RequestError> {
        let mut st = self.lock();
        if let Some(key) = &opts.idempotency_key
            && let Some(prev) = st.idem.get(key)
        {
            return prev.clone();
        }
        let result = match f(&mut st) {
            Ok(mut change) => {
                let events = std::mem::take(&mut change.events);
                let cover = change.cover.take();
                match st.commit(
                    std::slice::from_ref(&change.req),
                    change.slot,
                    events,
                    cover,
                ) {
                    Ok(()) => {
                        // The stored copy reused its own buffers; this one is the caller's.
                        change.req.status = change.req.status_at(at);
                        Ok(change.req)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        if let Some(key) = &opts.idempotency_key {
            st.idem.insert(key.clone(), result.clone());
        }
        let ticket = st.store.take_ticket();
        drop(st);
        // Group commit: acknowledged only once durable, waiting without the engine's lock.
        Self::wait_durable(ticket)?;
        result
    }

    fn wait_durable(ticket: Option<super::SyncTicket>) -> Result<(), RequestError> {
        match ticket {
            Some(t) => t
                .wait()
                .map_err(|e| err(ErrorCode::StorageFailed, e.to_string())),
            None => Ok(()),
        }
    }

    fn check_revision(req: &Request, opts: &CommandOptions) -> Result<(), RequestError> {
        match opts.if_revision {
            Some(r) if r != req.revision => Err(err(
                ErrorCode::InvalidTransition,
                format!(
                    "request '{}' changed: revision {} is not the expected {r}",
                    req.id, req.revision
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Submits a request (lifecycle.md §2), with autonomous approval when enabled.
    pub fn submit(&self, args: SubmitArgs, at: DateTime<Utc>) -> Result<Request, RequestError> {
        self.submit_with(args, at, &CommandOptions::default())
    }

    /// [`Engine::submit`] with options.
    pub fn submit_with(
        &self,
        args: SubmitArgs,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.run(opts, at, |st| {
            let id_hash = st.by_id.hash(&args.id);
            if st
                .by_id
                .get_hashed(id_hash, &args.id, &st.requests)
                .is_some()
            {
                return Err(err(
                    ErrorCode::DuplicateId,
                    format!("the id '{}' is already used", args.id),
                ));
            }
            // Evaluated as `CompiledPolicy::evaluate` does, keeping the normalized path.
            let grab = PathGrab::default();
            let decision = st
                .policy
                .evaluate_inner(&args.launch, at, Some(&grab))
                .map_err(|e| err(ErrorCode::NotRequestable, e.to_string()))?;
            let grabbed = grab.seen.into_inner();
            match decision.outcome {
                Outcome::Request => {}
                Outcome::Deny => {
                    return Err(err(
                        ErrorCode::Denied,
                        format!("the launch is denied: {}", decision.reason),
                    ));
                }
                other => {
                    return Err(err(
                        ErrorCode::NotRequestable,
                        format!(
                            "the launch's decision is {}, not request: {}",
                            other.as_str(),
                            decision.reason
                        ),
                    ));
                }
            }
            let (name, sid) = user_of(&args.launch);
            let Some(requester) = name.or(sid).map(str::to_string) else {
                return Err(err(
                    ErrorCode::NotRequestable,
                    "the launch names no user (user.name or user.sid)",
                ));
            };
            let doc = st.policy.policy().document();
            let jrules = &doc.requests.justification;
            let justification = args.justification.unwrap_or_default();
            if justification.trim().is_empty() {
                return Err(err(
                    ErrorCode::JustificationRequired,
                    "a justification is required",
                ));
            }
            let len = justification.trim().chars().count();
            if len < jrules.min_length as usize {
                return Err(err(
                    ErrorCode::JustificationTooShort,
                    format!(
                        "the justification has {len} characters; at least {} are required",
                        jrules.min_length
                    ),
                ));
            }
            if let Some(re) = &st.policy.policy().parsed().justification_pattern
                && !re.is_match(&justification)
            {
                return Err(err(
                    ErrorCode::JustificationPattern,
                    format!(
                        "the justification must contain a match of '{}'",
                        re.as_str()
                    ),
                ));
            }
            if let Some(msg) = &args.invalid_duration {
                return Err(err(ErrorCode::DurationInvalid, msg.clone()));
            }
            let max = decision.max_duration.unwrap_or(doc.requests.max_duration);
            let duration = match args.duration {
                None => doc.requests.default_duration.min(max),
                Some(d) if d > max => {
                    return Err(err(
                        ErrorCode::DurationTooLong,
                        format!(
                            "{d} is longer than the maximum of {max} for {}",
                            decision.rule.as_deref().unwrap_or("this launch")
                        ),
                    ));
                }
                Some(d) => d,
            };
            // Duplicate: a pending or active request of the same user, computer and application.
            let (mut norm, facts) = match grabbed {
                Some((text, resolved, facts)) => (Some((text, resolved)), facts),
                None => (
                    None,
                    args.launch
                        .facts()
                        .map_err(|e| err(ErrorCode::NotRequestable, e.to_string()))?,
                ),
            };
            let platform = st.policy.inner.platform;
            let (name, sid) = user_of(&args.launch);
            let mine = [name, sid]
                .into_iter()
                .flatten()
                .filter_map(|u| st.users.get(u))
                .flat_map(|u| u.requests.as_slice());
            let mut seen = std::collections::HashSet::new();
            for &slot in mine {
                if !seen.insert(slot) {
                    continue;
                }
                let Some(r) = st.requests.get(slot) else {
                    continue;
                };
                if !matches!(r.status_at(at), Status::Pending | Status::Active)
                    || r.launch().is_none()
                {
                    continue;
                }
                // The cover computed at submission or activation, if still for this platform.
                let cached = u32::try_from(slot)
                    .ok()
                    .and_then(|s| st.cover.entries.get(&s))
                    .map(|e| &e.cover)
                    .filter(|c| c.is_for(platform));
                let computed;
                let cover = match cached {
                    Some(c) => c,
                    None => match Cover::of(r, platform) {
                        Some(c) => {
                            computed = c;
                            &computed
                        }
                        None => continue,
                    },
                };
                let (norm, resolved) = norm.get_or_insert_with(|| {
                    let mut text = String::new();
                    let facts = paths::normalize_launch(platform, &args.launch.path, &mut text);
                    (text, facts.unresolved.is_none())
                });
                if cover.covers(
                    &args.launch,
                    norm,
                    *resolved,
                    &facts,
                    platform.case_insensitive(),
                    &|_| false,
                ) {
                    return Err(err(
                        ErrorCode::Duplicate,
                        format!(
                            "request '{}' for the same application is already {}",
                            r.id,
                            r.status_at(at).as_str()
                        ),
                    ));
                }
            }
            // Moved, not copied: the launch, the justification and the decision's names go
            // into the request as they are.
            let computer = computer_of(&args.launch).map(str::to_string);
            let launch = std::sync::Arc::new(args.launch);
            let cover =
                norm.map(|(text, resolved)| Cover::submitted(&launch, platform, text, resolved));
            let mut req = Request {
                id: args.id,
                origin: Origin::Submitted {
                    launch: std::sync::Arc::clone(&launch),
                    application: decision.application,
                    privilege_list: decision.privilege_list,
                    rule: decision.rule,
                },
                requester,
                computer,
                duration,
                justification: Some(justification),
                status: Status::Pending,
                submitted_at: at,
                pending_deadline: Some(at + doc.requests.pending_timeout.to_chrono()),
                decided_by: None,
                decided_at: None,
                not_before: None,
                not_after: None,
                comment: None,
                reason: None,
                ended_at: None,
                revision: 1,
            };
            let mut events: Vec<Event> = st
                .event_for(
                    EventType::RequestSubmitted,
                    at,
                    || user(&req.requester),
                    &req,
                )
                .into_iter()
                .collect();
            let (application, privilege_list) = match &req.origin {
                Origin::Submitted {
                    application,
                    privilege_list,
                    ..
                } => (application.as_deref(), privilege_list.as_deref()),
                Origin::Granted { .. } => (None, None),
            };
            let quota = |per: Duration| st.approvals_within(&req, at, per);
            let candidate = Candidate {
                launch: &launch,
                application,
                privilege_list,
                duration,
                justification: req.justification.as_deref().unwrap_or_default(),
                at,
                approvals_within: &quota,
            };
            let decided = approval::decide(st.policy.policy(), &candidate);
            if let Some((action, by)) = decided {
                let rule = by.strip_prefix("policy:").map(str::to_string);
                let actor = || Actor {
                    kind: ActorKind::Policy,
                    name: None,
                    rule: rule.clone(),
                };
                req.decided_by = Some(by);
                req.decided_at = Some(at);
                req.revision += 1;
                match action {
                    ApprovalAction::Approve => {
                        req.status = Status::Active;
                        req.not_before = Some(at);
                        req.not_after = Some(at + duration.to_chrono());
                        events.extend(st.event_for(EventType::RequestApproved, at, actor, &req));
                    }
                    ApprovalAction::Decline => {
                        req.status = Status::Declined;
                        req.reason = Some(format!(
                            "declined by autonomous approval rule {}",
                            rule.as_deref().unwrap_or_default()
                        ));
                        events.extend(st.event_for(EventType::RequestDeclined, at, actor, &req));
                    }
                }
            }
            Ok(Change {
                req,
                slot: Known::New(id_hash),
                events,
                cover,
            })
        })
    }

    /// A transition of one existing request.
    fn transition(
        &self,
        id: &str,
        at: DateTime<Utc>,
        opts: &CommandOptions,
        from: Status,
        f: impl FnOnce(&State, &mut Request) -> Result<Option<Event>, RequestError>,
    ) -> Result<Request, RequestError> {
        self.run(opts, at, |st| {
            let slot = st.slot_of(id)?;
            let current = st.requests.get(slot).ok_or_else(|| not_found(id))?;
            Self::check_revision(current, opts)?;
            let status = current.status_at(at);
            if status != from {
                return Err(err(
                    ErrorCode::InvalidTransition,
                    format!(
                        "request '{id}' is {}, not {}",
                        status.as_str(),
                        from.as_str()
                    ),
                ));
            }
            let mut req = current.clone();
            req.revision += 1;
            let event = f(st, &mut req)?;
            Ok(Change {
                req,
                slot: Known::Slot(slot),
                events: event.into_iter().collect(),
                cover: None,
            })
        })
    }

    /// An administrator approves a pending request.
    pub fn approve(
        &self,
        id: &str,
        by: &str,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        self.approve_with(id, by, comment, at, &CommandOptions::default())
    }

    /// [`Engine::approve`] with options.
    pub fn approve_with(
        &self,
        id: &str,
        by: &str,
        comment: Option<&str>,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.transition(id, at, opts, Status::Pending, |st, req| {
            if is_requester(req, by) {
                return Err(err(
                    ErrorCode::SelfApproval,
                    format!("{by} cannot approve their own request"),
                ));
            }
            req.status = Status::Active;
            req.decided_by = Some(tagged("admin:", by));
            req.decided_at = Some(at);
            req.not_before = Some(at);
            req.not_after = Some(at + req.duration.to_chrono());
            req.comment = comment.map(str::to_string);
            Ok(st.event_for(EventType::RequestApproved, at, || admin(by), req))
        })
    }

    /// An administrator declines a pending request.
    pub fn decline(
        &self,
        id: &str,
        by: &str,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        self.decline_with(id, by, reason, at, &CommandOptions::default())
    }

    /// [`Engine::decline`] with options.
    pub fn decline_with(
        &self,
        id: &str,
        by: &str,
        reason: Option<&str>,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.transition(id, at, opts, Status::Pending, |st, req| {
            if is_requester(req, by) {
                return Err(err(
                    ErrorCode::SelfApproval,
                    format!("{by} cannot decline their own request"),
                ));
            }
            req.status = Status::Declined;
            req.decided_by = Some(tagged("admin:", by));
            req.decided_at = Some(at);
            req.reason = reason.map(str::to_string);
            Ok(st.event_for(EventType::RequestDeclined, at, || admin(by), req))
        })
    }

    /// The requester cancels a pending request (`by` defaults to the requester).
    pub fn cancel(
        &self,
        id: &str,
        by: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        self.cancel_with(id, by, at, &CommandOptions::default())
    }

    /// [`Engine::cancel`] with options.
    pub fn cancel_with(
        &self,
        id: &str,
        by: Option<&str>,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.transition(id, at, opts, Status::Pending, |st, req| {
            let by = by.unwrap_or(&req.requester).to_string();
            if !is_requester(req, &by) {
                return Err(err(
                    ErrorCode::NotRequester,
                    format!("only {} may cancel request '{}'", req.requester, req.id),
                ));
            }
            req.status = Status::Cancelled;
            req.ended_at = Some(at);
            Ok(st.event_for(EventType::RequestCancelled, at, || user(&by), req))
        })
    }

    /// An administrator revokes active access.
    pub fn revoke(
        &self,
        id: &str,
        by: &str,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        self.revoke_with(id, by, reason, at, &CommandOptions::default())
    }

    /// [`Engine::revoke`] with options.
    pub fn revoke_with(
        &self,
        id: &str,
        by: &str,
        reason: Option<&str>,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.transition(id, at, opts, Status::Active, |st, req| {
            req.status = Status::Revoked;
            req.ended_at = Some(at);
            req.reason = reason.map(str::to_string);
            Ok(st.event_for(EventType::GrantRevoked, at, || admin(by), req))
        })
    }

    /// The requester gives active access back (`by` defaults to the requester).
    pub fn relinquish(
        &self,
        id: &str,
        by: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        self.relinquish_with(id, by, at, &CommandOptions::default())
    }

    /// [`Engine::relinquish`] with options.
    pub fn relinquish_with(
        &self,
        id: &str,
        by: Option<&str>,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.transition(id, at, opts, Status::Active, |st, req| {
            let by = by.unwrap_or(&req.requester).to_string();
            // A grant may be given back by the admin who made it or by a user it covers.
            let covered_user = match &req.origin {
                Origin::Granted { users, .. } => {
                    users.iter().any(|u| Pattern::new(u, true).is_match(&by))
                }
                Origin::Submitted { .. } => false,
            };
            if !is_requester(req, &by) && !covered_user {
                return Err(err(
                    ErrorCode::NotRequester,
                    format!("only {} may relinquish request '{}'", req.requester, req.id),
                ));
            }
            req.status = Status::Relinquished;
            req.ended_at = Some(at);
            Ok(st.event_for(EventType::GrantRelinquished, at, || user(&by), req))
        })
    }

    /// An administrator grants access proactively.
    pub fn grant(&self, args: GrantArgs, at: DateTime<Utc>) -> Result<Request, RequestError> {
        self.grant_with(args, at, &CommandOptions::default())
    }

    /// [`Engine::grant`] with options.
    pub fn grant_with(
        &self,
        args: GrantArgs,
        at: DateTime<Utc>,
        opts: &CommandOptions,
    ) -> Result<Request, RequestError> {
        self.run(opts, at, |st| {
            if st.by_id.get(&args.id, &st.requests).is_some() {
                return Err(err(
                    ErrorCode::DuplicateId,
                    format!("the id '{}' is already used", args.id),
                ));
            }
            if args.applications.is_empty() {
                return Err(err(
                    ErrorCode::UnknownApplication,
                    "a grant needs at least one application",
                ));
            }
            for a in &args.applications {
                if st.policy.inner.app_index(a).is_none() {
                    return Err(err(
                        ErrorCode::UnknownApplication,
                        format!("the policy has no application '{a}'"),
                    ));
                }
            }
            let req = Request {
                id: args.id.clone(),
                origin: Origin::Granted {
                    users: args.users.clone(),
                    computers: args.computers.clone(),
                    applications: args.applications.clone(),
                },
                requester: args.by.clone(),
                computer: None,
                duration: args.duration,
                justification: None,
                status: Status::Active,
                submitted_at: at,
                pending_deadline: None,
                decided_by: Some(tagged("admin:", &args.by)),
                decided_at: Some(at),
                not_before: Some(at),
                not_after: Some(at + args.duration.to_chrono()),
                comment: None,
                reason: None,
                ended_at: None,
                revision: 1,
            };
            let event = st.event_for(EventType::GrantCreated, at, || admin(&args.by), &req);
            Ok(Change {
                req,
                slot: Known::Find,
                events: event.into_iter().collect(),
                cover: None,
            })
        })
    }

    /// Records every time-out and expiry due at `at`, in deadline order; returns the requests
    /// it changed.
    pub fn tick(&self, at: DateTime<Utc>) -> Result<Vec<Request>, RequestError> {
        let mut st = self.lock();
        let mut due: Vec<(DateTime<Utc>, Request)> = Vec::new();
        for slot in st.open.iter() {
            let Some(r) = st.requests.get(slot) else {
                continue;
            };
            let now = r.status_at(at);
            if now != r.status {
                let deadline = if now == Status::TimedOut {
                    r.pending_deadline
                } else {
                    r.not_after
                };
                let mut n = r.clone();
                n.status = now;
                n.revision += 1;
                due.push((deadline.unwrap_or(at), n));
            }
        }
        due.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let events: Vec<Event> = due
            .iter()
            .filter_map(|(_, r)| {
                let kind = if r.status == Status::TimedOut {
                    EventType::RequestTimedOut
                } else {
                    EventType::GrantExpired
                };
                st.event_for(kind, at, system, r)
            })
            .collect();
        let changed: Vec<Request> = due.into_iter().map(|(_, r)| r).collect();
        st.commit(&changed, Known::Find, events, None)?;
        let ticket = st.store.take_ticket();
        drop(st);
        Self::wait_durable(ticket)?;
        Ok(changed)
    }

    /// Evaluates a launch with active requests and grants taken into account, and audits an
    /// `elevate` (`elevation.performed`) or a `deny` (`elevation.denied`).
    pub fn evaluate(&self, launch: &Launch, at: DateTime<Utc>) -> Result<Decision, LaunchError> {
        let mut st = self.lock();
        let decision = {
            let view = CoverView { state: &st };
            st.policy.evaluate_inner(launch, at, Some(&view))?
        };
        let kind = match decision.outcome {
            Outcome::Elevate => Some(EventType::ElevationPerformed),
            Outcome::Deny => Some(EventType::ElevationDenied),
            _ => None,
        };
        if let Some(kind) = kind
            && st.sink.wants_events()
        {
            let (name, sid) = user_of(launch);
            let mut e = Event::new(kind, at, user(name.or(sid).unwrap_or("")));
            e.request_id = decision
                .rule
                .as_deref()
                .and_then(|r| r.strip_prefix("grant:"))
                .map(str::to_string);
            e.subject = Some(Subject {
                name: name.map(str::to_string),
                sid: sid.map(str::to_string),
            });
            e.computer = computer_of(launch).map(str::to_string);
            e.application = Some(app_info(launch));
            e.rule = decision.rule.clone();
            e.reason = Some(decision.reason.to_string());
            e.policy = Some(st.policy_ref());
            // The decision stands even if the audit sink fails: the host decides what to do
            // with a launch it cannot audit; the error is reported through `take_audit_error`.
            if let Err(m) = st.sink.record(&e) {
                st.audit_error = Some(m);
            }
        }
        Ok(decision)
    }

    /// The last failure of the audit sink while auditing an evaluation, cleared by reading it.
    /// A host that must not elevate unaudited checks this after `evaluate`.
    pub fn take_audit_error(&self) -> Option<String> {
        self.lock().audit_error.take()
    }

    /// A request as it reads at `at`.
    pub fn get(&self, id: &str, at: DateTime<Utc>) -> Result<Request, RequestError> {
        self.lock().get(id).map(|r| r.at(at))
    }

    /// Requests pending at `at`, oldest first.
    pub fn pending(&self, at: DateTime<Utc>) -> Vec<Request> {
        self.open_with(at, Status::Pending)
    }

    /// Requests and grants active at `at`, oldest first.
    pub fn active(&self, at: DateTime<Utc>) -> Vec<Request> {
        self.open_with(at, Status::Active)
    }

    fn open_with(&self, at: DateTime<Utc>, status: Status) -> Vec<Request> {
        let st = self.lock();
        let mut out: Vec<Request> = st
            .open
            .iter()
            .filter_map(|s| st.requests.get(s))
            .filter(|r| r.status_at(at) == status)
            .map(|r| r.at(at))
            .collect();
        out.sort_by(|a, b| {
            a.submitted_at
                .cmp(&b.submitted_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }

    /// Every request matching the filter, as it reads at `at`, oldest first.
    pub fn history(&self, filter: &HistoryFilter, at: DateTime<Utc>) -> Vec<Request> {
        let st = self.lock();
        st.requests
            .iter()
            .filter(|r| {
                filter
                    .user
                    .as_deref()
                    .is_none_or(|u| fold_eq(u, &r.requester))
            })
            .filter(|r| {
                filter
                    .computer
                    .as_deref()
                    .is_none_or(|c| r.computer.as_deref().is_some_and(|rc| fold_eq(c, rc)))
            })
            .filter(|r| filter.from.is_none_or(|f| r.submitted_at >= f))
            .filter(|r| filter.until.is_none_or(|u| r.submitted_at < u))
            .map(|r| r.at(at))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{SlotList, SlotSet};

    #[test]
    fn slot_set_iterates_like_an_ordered_set() {
        let mut set = SlotSet::default();
        let mut model = std::collections::BTreeSet::new();
        for (i, slot) in [5usize, 0, 63, 64, 200, 5, 127, 128, 1000]
            .into_iter()
            .enumerate()
        {
            if i % 3 == 2 {
                set.remove(slot);
                model.remove(&slot);
            } else {
                set.insert(slot);
                model.insert(slot);
            }
            assert_eq!(
                set.iter().collect::<Vec<_>>(),
                model.iter().copied().collect::<Vec<_>>()
            );
        }
        set.remove(5000);
        assert_eq!(set.iter().count(), model.len());
    }

    #[test]
    fn slot_list_keeps_insertion_order() {
        let mut list = SlotList::default();
        assert!(list.as_slice().is_empty());
        for n in [3u32, 1, 2] {
            list.push(n);
        }
        assert_eq!(list.as_slice(), &[3, 1, 2]);
    }
}
