#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Model-based test of the request lifecycle (lifecycle.md): random command sequences run
//! against the engine and against a small reference model written from the specification.
//!
//! After every command: the result (status, revision, decidedBy, notAfter, or the error code)
//! and the audit events agree with the model; every request reads as the model says; every
//! observed status change is an edge of the diagram of §1; terminal states never change; at most
//! one pending or active request exists per user, computer and application; `pending` and
//! `active` list what the model lists.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use jitaccess::lifecycle::{
    CommandOptions, Engine, ErrorCode, EventType, GrantArgs, MemorySink, MemoryStore, Request,
    RequestError, Status, SubmitArgs,
};
use jitaccess::{Duration, Launch, Outcome, Policy};
use proptest::prelude::*;

const POLICY: &str = r#"apiVersion: jitaccess/v1
name: model
applications:
  - { id: app-a, fileName: a.exe }
  - { id: app-b, fileName: b.exe }
  - { id: app-c, fileName: c.exe }
  - { id: shells, fileName: cmd.exe }
privilegeLists:
  - { id: req, elevation: onRequest, applications: [app-a, app-b, app-c], maxDuration: 4h }
  - { id: no-shells, elevation: deny, applications: [shells] }
requests:
  maxDuration: 8h
  defaultDuration: 1h
  pendingTimeout: 2h
  justification: { minLength: 5 }
autonomousApproval:
  enabled: true
  rules:
    - { id: no-bad, action: decline, when: { justification: 'bad' } }
    - { id: auto-c, action: approve, when: { applications: [app-c], maxDuration: 30m } }
"#;

const IDS: [&str; 8] = ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"];
const USERS: [&str; 4] = ["alice", "bob", "carol", "ALICE"];
const COMPUTERS: [&str; 2] = ["pc1", "pc2"];
/// Launch paths: three requestable applications, a denied one, an unknown one.
const PATHS: [&str; 5] = [
    r"C:\T\a.exe",
    r"C:\T\b.exe",
    r"C:\T\c.exe",
    r"C:\Windows\cmd.exe",
    r"C:\T\z.exe",
];
const APP_OF_PATH: [Option<&str>; 5] = [
    Some("app-a"),
    Some("app-b"),
    Some("app-c"),
    Some("shells"),
    None,
];
const DENIED: usize = 3;
const UNKNOWN: usize = 4;
const DURS: [Option<&str>; 5] = [None, Some("10m"), Some("30m"), Some("1h"), Some("5h")];
const JUSTS: [Option<&str>; 5] = [
    None,
    Some("   "),
    Some("abc"),
    Some("valid reason"),
    Some("bad reason"),
];
const BYS: [&str; 5] = ["admin", "root", "Alice", "BOB", "carol"];
const GUSERS: [&str; 3] = ["alice", "BOB", "*"];
const GCOMPUTERS: [&str; 3] = ["pc1", "PC2", "*"];
const GAPPS: [&str; 4] = ["app-a", "app-b", "shells", "nope"];
const GDURS: [&str; 2] = ["30m", "3h"];

fn start() -> DateTime<Utc> {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

fn dur(s: &str) -> Duration {
    s.parse().unwrap()
}

fn launch(user: &str, computer: &str, path: &str) -> Launch {
    Launch::from_value(serde_json::json!({
        "user": { "name": user }, "computer": { "name": computer }, "path": path
    }))
    .unwrap()
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn pattern(p: &str, s: &str) -> bool {
    p == "*" || eq(p, s)
}

#[derive(Clone, Debug)]
enum Cmd {
    Submit {
        id: usize,
        user: usize,
        computer: usize,
        path: usize,
        dur: usize,
        just: usize,
    },
    Approve {
        id: usize,
        by: usize,
        rev: usize,
    },
    Decline {
        id: usize,
        by: usize,
        rev: usize,
    },
    Cancel {
        id: usize,
        by: Option<usize>,
    },
    Revoke {
        id: usize,
        by: usize,
    },
    Relinquish {
        id: usize,
        by: Option<usize>,
    },
    Grant {
        id: usize,
        by: usize,
        user: usize,
        computer: usize,
        app: usize,
        dur: usize,
    },
    Tick,
    Evaluate {
        user: usize,
        computer: usize,
        path: usize,
    },
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let id = 0..IDS.len();
    let by = 0..BYS.len();
    prop_oneof![
        4 => (id.clone(), 0..USERS.len(), 0..COMPUTERS.len(), 0..PATHS.len(), 0..DURS.len(), 0..JUSTS.len())
            .prop_map(|(id, user, computer, path, dur, just)| Cmd::Submit { id, user, computer, path, dur, just }),
        3 => (id.clone(), by.clone(), 0..3usize).prop_map(|(id, by, rev)| Cmd::Approve { id, by, rev }),
        1 => (id.clone(), by.clone(), 0..3usize).prop_map(|(id, by, rev)| Cmd::Decline { id, by, rev }),
        1 => (id.clone(), proptest::option::of(by.clone())).prop_map(|(id, by)| Cmd::Cancel { id, by }),
        1 => (id.clone(), by.clone()).prop_map(|(id, by)| Cmd::Revoke { id, by }),
        1 => (id.clone(), proptest::option::of(by.clone())).prop_map(|(id, by)| Cmd::Relinquish { id, by }),
        3 => (id, by, 0..GUSERS.len(), 0..GCOMPUTERS.len(), proptest::sample::select(vec![0usize, 0, 1, 2, 3]), 0..GDURS.len())
            .prop_map(|(id, by, user, computer, app, dur)| Cmd::Grant { id, by, user, computer, app, dur }),
        1 => Just(Cmd::Tick),
        // launches lean towards alice and app-a, so that several grants often cover one
        3 => (
            proptest::sample::select(vec![0usize, 0, 0, 1, 2, 3]),
            0..COMPUTERS.len(),
            proptest::sample::select(vec![0usize, 0, 0, 1, 2, 3, 4]),
        )
            .prop_map(|(user, computer, path)| Cmd::Evaluate { user, computer, path }),
    ]
}

/// Minutes to advance before a command: often 0 and multiples of 10, so that commands land
/// exactly on deadlines (every duration and the pending timeout are multiples of 10 minutes).
fn step() -> impl Strategy<Value = (i64, Cmd)> {
    (
        proptest::sample::select(vec![0i64, 0, 1, 10, 10, 20, 30, 60]),
        cmd(),
    )
}

#[derive(Clone, Debug)]
enum Kind {
    Submitted {
        user: String,
        computer: String,
        path: usize,
    },
    Granted {
        user: String,
        computer: String,
        app: String,
    },
}

#[derive(Clone, Debug)]
struct MReq {
    kind: Kind,
    requester: String,
    status: Status,
    submitted: DateTime<Utc>,
    pending_deadline: Option<DateTime<Utc>>,
    not_after: Option<DateTime<Utc>>,
    duration: TimeDelta,
    revision: u64,
    decided_by: Option<String>,
}

impl MReq {
    fn status_at(&self, at: DateTime<Utc>) -> Status {
        match self.status {
            Status::Pending if self.pending_deadline.is_some_and(|d| at >= d) => Status::TimedOut,
            Status::Active if self.not_after.is_some_and(|d| at >= d) => Status::Expired,
            s => s,
        }
    }
}

/// What a successful request command returns, and the events it emits.
#[derive(Clone, Debug, PartialEq)]
struct Outcome1 {
    status: Status,
    revision: u64,
    decided_by: Option<String>,
    not_after: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct Model {
    reqs: BTreeMap<String, MReq>,
}

type Expected = Result<(Option<Outcome1>, Vec<EventType>), ErrorCode>;

impl Model {
    fn outcome(&self, id: &str, at: DateTime<Utc>) -> Outcome1 {
        let r = &self.reqs[id];
        Outcome1 {
            status: r.status_at(at),
            revision: r.revision,
            decided_by: r.decided_by.clone(),
            not_after: r.not_after,
        }
    }

    fn get(&self, id: &str) -> Result<&MReq, ErrorCode> {
        self.reqs.get(id).ok_or(ErrorCode::NotFound)
    }

    fn revision_opt(&self, id: &str, rev: usize) -> Option<u64> {
        let current = self.reqs.get(id).map_or(1, |r| r.revision);
        match rev {
            0 => None,
            1 => Some(current),
            _ => Some(current + 1),
        }
    }

    /// Checks common to the transitions of one request; returns a copy to change.
    fn from(
        &self,
        id: &str,
        rev: Option<u64>,
        from: Status,
        at: DateTime<Utc>,
    ) -> Result<MReq, ErrorCode> {
        let r = self.get(id)?;
        if rev.is_some_and(|v| v != r.revision) {
            return Err(ErrorCode::InvalidTransition);
        }
        if r.status_at(at) != from {
            return Err(ErrorCode::InvalidTransition);
        }
        Ok(r.clone())
    }

    fn commit(
        &mut self,
        id: &str,
        mut r: MReq,
        at: DateTime<Utc>,
        events: Vec<EventType>,
    ) -> Expected {
        r.revision += 1;
        self.reqs.insert(id.to_string(), r);
        Ok((Some(self.outcome(id, at)), events))
    }

    fn apply(&mut self, cmd: &Cmd, at: DateTime<Utc>) -> Expected {
        match *cmd {
            Cmd::Submit {
                id,
                user,
                computer,
                path,
                dur: d,
                just,
            } => {
                let id = IDS[id];
                if self.reqs.contains_key(id) {
                    return Err(ErrorCode::DuplicateId);
                }
                match path {
                    DENIED => return Err(ErrorCode::Denied),
                    UNKNOWN => return Err(ErrorCode::NotRequestable),
                    _ => {}
                }
                let j = JUSTS[just].map(str::trim).unwrap_or("");
                if j.is_empty() {
                    return Err(ErrorCode::JustificationRequired);
                }
                if j.chars().count() < 5 {
                    return Err(ErrorCode::JustificationTooShort);
                }
                let duration = DURS[d].map_or(TimeDelta::hours(1), |s| dur(s).to_chrono());
                if duration > TimeDelta::hours(4) {
                    return Err(ErrorCode::DurationTooLong);
                }
                let (user, computer) = (USERS[user].to_ascii_lowercase(), COMPUTERS[computer]);
                let duplicate = self.reqs.values().any(|r| {
                    matches!(r.status_at(at), Status::Pending | Status::Active)
                        && matches!(&r.kind, Kind::Submitted { user: u, computer: c, path: p }
                            if *u == user && c == computer && *p == path)
                });
                if duplicate {
                    return Err(ErrorCode::Duplicate);
                }
                let mut r = MReq {
                    kind: Kind::Submitted {
                        user: user.clone(),
                        computer: computer.to_string(),
                        path,
                    },
                    requester: user,
                    status: Status::Pending,
                    submitted: at,
                    pending_deadline: Some(at + TimeDelta::hours(2)),
                    not_after: None,
                    duration,
                    revision: 1,
                    decided_by: None,
                };
                let mut events = vec![EventType::RequestSubmitted];
                if JUSTS[just].is_some_and(|j| j.contains("bad")) {
                    r.status = Status::Declined;
                    r.decided_by = Some("policy:no-bad".into());
                    r.revision = 2;
                    events.push(EventType::RequestDeclined);
                } else if APP_OF_PATH[path] == Some("app-c") && duration <= TimeDelta::minutes(30) {
                    r.status = Status::Active;
                    r.decided_by = Some("policy:auto-c".into());
                    r.not_after = Some(at + duration);
                    r.revision = 2;
                    events.push(EventType::RequestApproved);
                }
                self.reqs.insert(id.to_string(), r);
                Ok((Some(self.outcome(id, at)), events))
            }
            Cmd::Approve { id, by, rev } | Cmd::Decline { id, by, rev } => {
                let approve = matches!(cmd, Cmd::Approve { .. });
                let id = IDS[id];
                let mut r = self.from(id, self.revision_opt(id, rev), Status::Pending, at)?;
                if eq(BYS[by], &r.requester) {
                    return Err(ErrorCode::SelfApproval);
                }
                r.decided_by = Some(format!("admin:{}", BYS[by]));
                let event = if approve {
                    r.status = Status::Active;
                    r.not_after = Some(at + r.duration);
                    EventType::RequestApproved
                } else {
                    r.status = Status::Declined;
                    EventType::RequestDeclined
                };
                self.commit(id, r, at, vec![event])
            }
            Cmd::Cancel { id, by } => {
                let id = IDS[id];
                let mut r = self.from(id, None, Status::Pending, at)?;
                if by.is_some_and(|b| !eq(BYS[b], &r.requester)) {
                    return Err(ErrorCode::NotRequester);
                }
                r.status = Status::Cancelled;
                self.commit(id, r, at, vec![EventType::RequestCancelled])
            }
            Cmd::Revoke { id, .. } => {
                let id = IDS[id];
                let mut r = self.from(id, None, Status::Active, at)?;
                r.status = Status::Revoked;
                self.commit(id, r, at, vec![EventType::GrantRevoked])
            }
            Cmd::Relinquish { id, by } => {
                let id = IDS[id];
                let mut r = self.from(id, None, Status::Active, at)?;
                if let Some(b) = by {
                    let by = BYS[b];
                    // documented choice (docs/lifecycle.md): a grant may also be given back by
                    // a user its patterns cover
                    let covered =
                        matches!(&r.kind, Kind::Granted { user, .. } if pattern(user, by));
                    if !eq(by, &r.requester) && !covered {
                        return Err(ErrorCode::NotRequester);
                    }
                }
                r.status = Status::Relinquished;
                self.commit(id, r, at, vec![EventType::GrantRelinquished])
            }
            Cmd::Grant {
                id,
                by,
                user,
                computer,
                app,
                dur: d,
            } => {
                let id = IDS[id];
                if self.reqs.contains_key(id) {
                    return Err(ErrorCode::DuplicateId);
                }
                if GAPPS[app] == "nope" {
                    return Err(ErrorCode::UnknownApplication);
                }
                let duration = dur(GDURS[d]).to_chrono();
                let r = MReq {
                    kind: Kind::Granted {
                        user: GUSERS[user].to_string(),
                        computer: GCOMPUTERS[computer].to_string(),
                        app: GAPPS[app].to_string(),
                    },
                    requester: BYS[by].to_string(),
                    status: Status::Active,
                    submitted: at,
                    pending_deadline: None,
                    not_after: Some(at + duration),
                    duration,
                    revision: 1,
                    decided_by: Some(format!("admin:{}", BYS[by])),
                };
                self.reqs.insert(id.to_string(), r);
                Ok((Some(self.outcome(id, at)), vec![EventType::GrantCreated]))
            }
            Cmd::Tick => {
                let mut due: Vec<(DateTime<Utc>, String)> = self
                    .reqs
                    .iter()
                    .filter(|(_, r)| r.status_at(at) != r.status)
                    .map(|(id, r)| {
                        let deadline = if r.status == Status::Pending {
                            r.pending_deadline
                        } else {
                            r.not_after
                        };
                        (deadline.unwrap(), id.clone())
                    })
                    .collect();
                due.sort();
                let mut events = Vec::new();
                for (_, id) in &due {
                    let r = self.reqs.get_mut(id).unwrap();
                    r.status = r.status_at(at);
                    r.revision += 1;
                    events.push(if r.status == Status::TimedOut {
                        EventType::RequestTimedOut
                    } else {
                        EventType::GrantExpired
                    });
                }
                Ok((None, events))
            }
            Cmd::Evaluate { .. } => {
                let (outcome, _) = self.evaluate(cmd, at);
                let events = match outcome {
                    Outcome::Elevate => vec![EventType::ElevationPerformed],
                    Outcome::Deny => vec![EventType::ElevationDenied],
                    _ => vec![],
                };
                Ok((None, events))
            }
        }
    }

    /// The decision for an `Evaluate` command: (outcome, rule).
    fn evaluate(&self, cmd: &Cmd, at: DateTime<Utc>) -> (Outcome, Option<String>) {
        let Cmd::Evaluate {
            user,
            computer,
            path,
        } = *cmd
        else {
            unreachable!()
        };
        if path == DENIED {
            return (Outcome::Deny, Some("no-shells/shells".into()));
        }
        let (user, computer) = (USERS[user], COMPUTERS[computer]);
        let covering = self
            .reqs
            .iter()
            .filter(|(_, r)| r.status_at(at) == Status::Active)
            .filter(|(_, r)| match &r.kind {
                Kind::Submitted {
                    user: u,
                    computer: c,
                    path: p,
                } => eq(u, user) && c == computer && *p == path,
                Kind::Granted {
                    user: u,
                    computer: c,
                    app,
                } => pattern(u, user) && pattern(c, computer) && APP_OF_PATH[path] == Some(app),
            })
            .map(|(id, _)| id.clone())
            .min();
        match (covering, APP_OF_PATH[path]) {
            (Some(id), _) => (Outcome::Elevate, Some(format!("grant:{id}"))),
            (None, Some(app)) => (Outcome::Request, Some(format!("req/{app}"))),
            (None, None) => (Outcome::None, None),
        }
    }

    /// Ids that read `status` at `at`, oldest first (submitted time, then id).
    fn listed(&self, status: Status, at: DateTime<Utc>) -> Vec<String> {
        let mut v: Vec<(DateTime<Utc>, String)> = self
            .reqs
            .iter()
            .filter(|(_, r)| r.status_at(at) == status)
            .map(|(id, r)| (r.submitted, id.clone()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect()
    }
}

fn run_engine(
    engine: &Engine,
    cmd: &Cmd,
    at: DateTime<Utc>,
) -> Result<Option<Request>, RequestError> {
    match *cmd {
        Cmd::Submit {
            id,
            user,
            computer,
            path,
            dur: d,
            just,
        } => engine
            .submit(
                SubmitArgs::new(
                    IDS[id],
                    launch(USERS[user], COMPUTERS[computer], PATHS[path]),
                    DURS[d].map(dur),
                    JUSTS[just].map(str::to_string),
                ),
                at,
            )
            .map(Some),
        Cmd::Approve { .. } | Cmd::Decline { .. } => unreachable!("run with options"),
        Cmd::Cancel { id, by } => engine.cancel(IDS[id], by.map(|b| BYS[b]), at).map(Some),
        Cmd::Revoke { id, by } => engine.revoke(IDS[id], BYS[by], None, at).map(Some),
        Cmd::Relinquish { id, by } => engine.relinquish(IDS[id], by.map(|b| BYS[b]), at).map(Some),
        Cmd::Grant {
            id,
            by,
            user,
            computer,
            app,
            dur: d,
        } => engine
            .grant(
                GrantArgs::new(
                    IDS[id],
                    BYS[by],
                    vec![GUSERS[user].to_string()],
                    vec![GCOMPUTERS[computer].to_string()],
                    vec![GAPPS[app].to_string()],
                    dur(GDURS[d]),
                ),
                at,
            )
            .map(Some),
        Cmd::Tick | Cmd::Evaluate { .. } => Ok(None),
    }
}

fn allowed(from: Option<Status>, to: Status) -> bool {
    use Status as S;
    match from {
        None => matches!(to, S::Pending | S::Active | S::Declined),
        Some(f) if f == to => true,
        Some(S::Pending) => matches!(to, S::Active | S::Declined | S::Cancelled | S::TimedOut),
        Some(S::Active) => matches!(to, S::Expired | S::Revoked | S::Relinquished),
        Some(_) => false,
    }
}

fn run(steps: &[(i64, Cmd)]) -> Result<(), TestCaseError> {
    let policy = Policy::from_yaml(POLICY).unwrap().compile();
    let sink = MemorySink::default();
    let engine = Engine::new(policy, Box::new(MemoryStore), Box::new(sink.clone())).unwrap();
    let mut model = Model::default();
    let mut seen: HashMap<String, Status> = HashMap::new();
    let mut at = start();
    for (n, (advance, cmd)) in steps.iter().enumerate() {
        at += TimeDelta::minutes(*advance);
        let ctx = || format!("step {n} at {at}: {cmd:?}");
        let events_before = sink.events().len();

        // the engine
        let got: Result<Option<Request>, RequestError>;
        let mut ticked: Option<Vec<(String, Status)>> = None;
        let mut decision = None;
        match *cmd {
            Cmd::Approve { id, by, rev } | Cmd::Decline { id, by, rev } => {
                let mut o = CommandOptions::default();
                o.if_revision = model.revision_opt(IDS[id], rev);
                got = if matches!(cmd, Cmd::Approve { .. }) {
                    engine.approve_with(IDS[id], BYS[by], None, at, &o)
                } else {
                    engine.decline_with(IDS[id], BYS[by], None, at, &o)
                }
                .map(Some);
            }
            Cmd::Tick => {
                let changed = engine.tick(at).unwrap();
                ticked = Some(changed.into_iter().map(|r| (r.id, r.status)).collect());
                got = Ok(None);
            }
            Cmd::Evaluate {
                user,
                computer,
                path,
            } => {
                let d = engine
                    .evaluate(&launch(USERS[user], COMPUTERS[computer], PATHS[path]), at)
                    .unwrap();
                decision = Some((d.outcome, d.rule));
                got = Ok(None);
            }
            _ => got = run_engine(&engine, cmd, at),
        }

        // the model
        let expected_tick: Option<Vec<String>> = matches!(cmd, Cmd::Tick).then(|| {
            let mut due: Vec<(DateTime<Utc>, String)> = model
                .reqs
                .iter()
                .filter(|(_, r)| r.status_at(at) != r.status)
                .map(|(id, r)| {
                    (
                        r.pending_deadline
                            .filter(|_| r.status == Status::Pending)
                            .or(r.not_after)
                            .unwrap(),
                        id.clone(),
                    )
                })
                .collect();
            due.sort();
            due.into_iter().map(|(_, id)| id).collect()
        });
        let expected_decision =
            matches!(cmd, Cmd::Evaluate { .. }).then(|| model.evaluate(cmd, at));
        let expected = model.apply(cmd, at);

        // the result agrees
        match (&got, &expected) {
            (Err(e), Err(code)) => prop_assert_eq!(e.code, *code, "{}: {}", ctx(), e),
            (Ok(r), Ok((want, _))) => {
                let r = r.as_ref().map(|r| Outcome1 {
                    status: r.status,
                    revision: r.revision,
                    decided_by: r.decided_by.clone(),
                    not_after: r.not_after,
                });
                prop_assert_eq!(&r, want, "{}", ctx());
            }
            _ => prop_assert!(false, "{}: engine {:?}, model {:?}", ctx(), got, expected),
        }
        if let Some(want) = expected_tick {
            let got = ticked.unwrap();
            let ids: Vec<String> = got.iter().map(|(id, _)| id.clone()).collect();
            prop_assert_eq!(ids, want, "{}: tick order", ctx());
            for (id, status) in &got {
                prop_assert_eq!(*status, model.reqs[id].status, "{}: {}", ctx(), id);
            }
        }
        if let Some(want) = expected_decision {
            prop_assert_eq!(decision.unwrap(), want, "{}", ctx());
        }

        // the events agree; a failed command emits none
        let events = sink.events();
        let new: Vec<EventType> = events[events_before..].iter().map(|e| e.kind).collect();
        let want_events = expected
            .as_ref()
            .map(|(_, e)| e.clone())
            .unwrap_or_default();
        prop_assert_eq!(new, want_events, "{}: events", ctx());

        // every request reads as the model says; transitions follow the diagram
        for id in IDS {
            match (engine.get(id, at), model.reqs.get(id)) {
                (Err(e), None) => prop_assert_eq!(e.code, ErrorCode::NotFound),
                (Ok(r), Some(m)) => {
                    let status = m.status_at(at);
                    prop_assert_eq!(r.status, status, "{}: {} reads", ctx(), id);
                    prop_assert_eq!(r.revision, m.revision, "{}: {} revision", ctx(), id);
                    let before = seen.get(id).copied();
                    prop_assert!(
                        allowed(before, status),
                        "{}: {} went from {:?} to {:?}",
                        ctx(),
                        id,
                        before,
                        status
                    );
                    seen.insert(id.to_string(), status);
                }
                (r, m) => prop_assert!(false, "{}: {}: engine {:?}, model {:?}", ctx(), id, r, m),
            }
        }

        // listing agrees, and at most one open request per user, computer and application
        let pending = engine.pending(at);
        let active = engine.active(at);
        let ids = |v: &[Request]| v.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        prop_assert_eq!(
            ids(&pending),
            model.listed(Status::Pending, at),
            "{}",
            ctx()
        );
        prop_assert_eq!(ids(&active), model.listed(Status::Active, at), "{}", ctx());
        let mut open = HashSet::new();
        for r in pending.iter().chain(&active) {
            if let Some(l) = r.launch() {
                let key = (
                    r.requester.to_ascii_lowercase(),
                    r.computer.clone().unwrap_or_default().to_ascii_lowercase(),
                    l.path.to_ascii_lowercase(),
                );
                prop_assert!(
                    open.insert(key.clone()),
                    "{}: two open requests for {:?}",
                    ctx(),
                    key
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_model(steps in proptest::collection::vec(step(), 1..60)) {
        run(&steps)?;
    }
}
