#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The request lifecycle contract (lifecycle.md): every command of §2, every error code (and that
//! a failed command changes nothing), submit's check order, terminal states, deadlines as facts
//! of time, `tick`, duration defaulting, autonomous approval (§4), coverage (§3), idempotency
//! keys, optimistic revisions, listing, and racing approvals.

use std::sync::Barrier;

use chrono::{DateTime, Datelike, TimeDelta, Utc, Weekday};
use jitaccess::lifecycle::{
    ActorKind, CommandOptions, Engine, ErrorCode, EventType, GrantArgs, HistoryFilter, MemorySink,
    MemoryStore, Request, RequestError, Status, SubmitArgs,
};
use jitaccess::{CompiledPolicy, Decision, Duration, Launch, Outcome, Policy};
use serde_json::json;

const H1: &str = "499cf3973c308a15fa1f8fc4a27d53f781223618013ff1b9bef4fd087cefc16b";
const H2: &str = "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa";
const TP1: &str = "e3ef68e539b84fc43a597dbe79514b369ce54823575cc53f53289e64474c53eb";
const TP2: &str = "0b5a5b0e6f0e8b0c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f4051627384";

const ALICE: &str = r"CORP\alice";
const ALICE_SID: &str = "S-1-5-21-1-2-3-1104";
const BOB: &str = r"CORP\bob";
const ADMIN: &str = r"CORP\admin";
const TOOL: &str = r"C:\Tools\tool.exe";
const JUST: &str = "INC1234 capture a boot trace";

/// The policy of these tests; `autonomousApproval` is appended per test.
const BASE: &str = r#"apiVersion: jitaccess/v1
name: lifecycle-tests
revision: 1
applications:
  - id: tool
    fileName: 'tool*.exe'
  - id: signed
    vendor: Contoso
    product: Signed Tool
    fileName: signed.exe
  - id: hashed
    sha256: 499cf3973c308a15fa1f8fc4a27d53f781223618013ff1b9bef4fd087cefc16b
  - id: brief
    fileName: brief.exe
  - id: wide
    fileName: wide.exe
  - id: confirmable
    fileName: conf.exe
  - id: shells
    fileName: [cmd.exe, powershell.exe]
privilegeLists:
  - { id: req, elevation: onRequest, applications: [tool, signed, hashed], maxDuration: 4h }
  - { id: short, elevation: onRequest, applications: [brief], maxDuration: 30m }
  - { id: open, elevation: onRequest, applications: [wide] }
  - { id: conf, elevation: userConfirmed, applications: [confirmable] }
  - { id: no-shells, elevation: deny, applications: [shells] }
requests:
  maxDuration: 8h
  defaultDuration: 1h
  pendingTimeout: 24h
  justification:
    minLength: 10
    pattern: '(INC|CHG)[0-9]{4}'
"#;

fn compiled(text: &str) -> CompiledPolicy {
    match Policy::from_yaml(text) {
        Ok(p) => p.compile(),
        Err(e) => panic!("test policy does not load: {e}"),
    }
}

fn policy(approval: &str) -> CompiledPolicy {
    compiled(&format!("{BASE}{approval}"))
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn t0() -> DateTime<Utc> {
    t("2026-11-23T09:00:00Z") // a Monday
}

fn mins(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

fn d(s: &str) -> Duration {
    s.parse().unwrap()
}

fn launch_value(v: serde_json::Value) -> Launch {
    Launch::from_value(v).unwrap()
}

fn launch(user: &str, computer: &str, path: &str) -> Launch {
    launch_value(
        json!({ "user": { "name": user }, "computer": { "name": computer }, "path": path }),
    )
}

fn tool(user: &str) -> Launch {
    launch(user, "PC-1", TOOL)
}

fn signed(user: &str, thumbprint: &str, valid: bool) -> Launch {
    launch_value(json!({
        "user": { "name": user },
        "computer": { "name": "PC-1" },
        "path": r"C:\Apps\signed.exe",
        "signer": { "publisher": "Contoso", "thumbprint": thumbprint, "valid": valid },
        "version": { "productName": "Signed Tool" }
    }))
}

fn hashed(user: &str, path: &str, sha256: Option<&str>) -> Launch {
    launch_value(json!({
        "user": { "name": user }, "computer": { "name": "PC-1" }, "path": path, "sha256": sha256
    }))
}

fn key(k: &str) -> CommandOptions {
    let mut o = CommandOptions::default();
    o.idempotency_key = Some(k.to_string());
    o
}

fn at_revision(r: u64) -> CommandOptions {
    let mut o = CommandOptions::default();
    o.if_revision = Some(r);
    o
}

struct Fx {
    engine: Engine,
    sink: MemorySink,
}

fn fx_with(policy: CompiledPolicy) -> Fx {
    let sink = MemorySink::default();
    let engine = Engine::new(policy, Box::new(MemoryStore), Box::new(sink.clone())).unwrap();
    Fx { engine, sink }
}

/// An engine over `BASE` plus an `autonomousApproval` section (may be empty).
fn fx(approval: &str) -> Fx {
    fx_with(policy(approval))
}

const AUTONOMOUS: &str = "autonomousApproval: { enabled: true }\n";

impl Fx {
    fn submit(
        &self,
        id: &str,
        launch: Launch,
        duration: Option<&str>,
        justification: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        self.engine.submit(
            SubmitArgs::new(
                id,
                launch,
                duration.map(d),
                justification.map(str::to_string),
            ),
            at,
        )
    }

    fn submit_ok(
        &self,
        id: &str,
        launch: Launch,
        duration: Option<&str>,
        at: DateTime<Utc>,
    ) -> Request {
        self.submit(id, launch, duration, Some(JUST), at)
            .unwrap_or_else(|e| panic!("submit {id}: {e}"))
    }

    fn pending_request(&self, id: &str, user: &str, at: DateTime<Utc>) -> Request {
        let r = self.submit_ok(id, tool(user), Some("2h"), at);
        assert_eq!(r.status, Status::Pending);
        r
    }

    fn active_request(&self, id: &str, user: &str, at: DateTime<Utc>) -> Request {
        self.pending_request(id, user, at);
        self.engine.approve(id, ADMIN, None, at).unwrap()
    }

    fn all(&self, at: DateTime<Utc>) -> Vec<Request> {
        self.engine.history(&HistoryFilter::default(), at)
    }

    fn types(&self) -> Vec<&'static str> {
        self.sink.events().iter().map(|e| e.kind.as_str()).collect()
    }

    fn event_count(&self) -> usize {
        self.sink.events().len()
    }

    /// Runs a command that must fail with `code` and change nothing: every request reads the
    /// same (status, revision, every field) and no event is emitted.
    fn fails<T: std::fmt::Debug>(
        &self,
        code: ErrorCode,
        at: DateTime<Utc>,
        f: impl FnOnce(&Engine) -> Result<T, RequestError>,
    ) {
        let before = self.all(at);
        let events = self.event_count();
        match f(&self.engine) {
            Ok(v) => panic!("expected {}, got success {v:?}", code.as_str()),
            Err(e) => assert_eq!(e.code, code, "expected {}, got {e}", code.as_str()),
        }
        assert_eq!(self.all(at), before, "a failed command changed requests");
        assert_eq!(
            self.event_count(),
            events,
            "a failed command emitted events"
        );
    }

    fn eval(&self, launch: &Launch, at: DateTime<Utc>) -> Decision {
        self.engine.evaluate(launch, at).unwrap()
    }

    fn rule(&self, launch: &Launch, at: DateTime<Utc>) -> (Outcome, Option<String>) {
        let d = self.eval(launch, at);
        (d.outcome, d.rule)
    }
}

fn grant_args(id: &str, users: &[&str], computers: &[&str], apps: &[&str], dur: &str) -> GrantArgs {
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    GrantArgs::new(id, ADMIN, v(users), v(computers), v(apps), d(dur))
}

fn elevates(rule: &str) -> (Outcome, Option<String>) {
    (Outcome::Elevate, Some(rule.to_string()))
}

fn requestable(rule: &str) -> (Outcome, Option<String>) {
    (Outcome::Request, Some(rule.to_string()))
}

// ---------------------------------------------------------------------------------------------
// §2 commands, row by row

#[test]
fn submit_creates_a_pending_request() {
    let f = fx("");
    let r = f.submit_ok("r1", tool(ALICE), Some("2h"), t0());
    assert_eq!(r.id, "r1");
    assert_eq!(r.status, Status::Pending);
    assert_eq!(r.revision, 1);
    assert_eq!(r.requester, ALICE);
    assert_eq!(r.computer.as_deref(), Some("PC-1"));
    assert_eq!(r.duration, d("2h"));
    assert_eq!(r.justification.as_deref(), Some(JUST));
    assert_eq!(r.submitted_at, t0());
    assert_eq!(r.pending_deadline, Some(t0() + TimeDelta::hours(24)));
    assert_eq!(
        (r.decided_by.as_deref(), r.not_before, r.not_after),
        (None, None, None)
    );
    assert_eq!(r.application(), Some("tool"));
    assert_eq!(f.engine.get("r1", t0()).unwrap(), r);
    let events = f.sink.events();
    assert_eq!(f.types(), ["request.submitted"]);
    assert_eq!(events[0].actor.kind, ActorKind::User);
    assert_eq!(events[0].actor.name.as_deref(), Some(ALICE));
    assert_eq!(events[0].request_id.as_deref(), Some("r1"));
    assert_eq!(events[0].time, t0());
}

#[test]
fn submit_is_approved_at_once_by_autonomous_approval() {
    let f = fx(AUTONOMOUS);
    let r = f.submit_ok("r1", tool(ALICE), Some("30m"), t0());
    assert_eq!(r.status, Status::Active);
    assert_eq!(r.decided_by.as_deref(), Some("policy:autonomous"));
    assert_eq!(r.decided_at, Some(t0()));
    assert_eq!(r.not_before, Some(t0()));
    assert_eq!(r.not_after, Some(t0() + mins(30)));
    assert_eq!(f.types(), ["request.submitted", "request.approved"]);
    let approved = &f.sink.events()[1];
    assert_eq!(approved.actor.kind, ActorKind::Policy);
    assert_eq!(approved.request_id.as_deref(), Some("r1"));
    assert_eq!(f.rule(&tool(ALICE), t0()), elevates("grant:r1"));
}

#[test]
fn submit_is_declined_at_once_by_an_autonomous_decline_rule() {
    let f = fx("autonomousApproval:
  enabled: true
  rules:
    - { id: never, action: decline }
");
    let r = f.submit_ok("r1", tool(ALICE), Some("30m"), t0());
    assert_eq!(r.status, Status::Declined);
    assert_eq!(r.decided_by.as_deref(), Some("policy:never"));
    assert_eq!(r.not_after, None);
    assert_eq!(f.types(), ["request.submitted", "request.declined"]);
    let e = &f.sink.events()[1];
    assert_eq!(e.actor.kind, ActorKind::Policy);
    assert_eq!(e.actor.rule.as_deref(), Some("never"));
    assert_eq!(f.rule(&tool(ALICE), t0()), requestable("req/tool"));
}

#[test]
fn approve_makes_a_pending_request_active() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    let at = t0() + mins(5);
    let r = f.engine.approve("r1", BOB, Some("ok"), at).unwrap();
    assert_eq!(r.status, Status::Active);
    assert_eq!(r.revision, 2);
    assert_eq!(r.decided_by.as_deref(), Some(r"admin:CORP\bob"));
    assert_eq!(r.decided_at, Some(at));
    assert_eq!(r.not_before, Some(at));
    assert_eq!(r.not_after, Some(at + TimeDelta::hours(2)));
    assert_eq!(r.comment.as_deref(), Some("ok"));
    assert_eq!(f.types(), ["request.submitted", "request.approved"]);
    let e = &f.sink.events()[1];
    assert_eq!(
        (e.actor.kind, e.actor.name.as_deref()),
        (ActorKind::Admin, Some(BOB))
    );
    assert_eq!(e.not_after, Some(at + TimeDelta::hours(2)));
    assert_eq!(f.rule(&tool(ALICE), at), elevates("grant:r1"));
}

#[test]
fn approve_and_decline_by_the_requester_are_self_approval() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    for by in [ALICE, r"corp\ALICE"] {
        f.fails(ErrorCode::SelfApproval, t0(), |e| {
            e.approve("r1", by, None, t0())
        });
        f.fails(ErrorCode::SelfApproval, t0(), |e| {
            e.decline("r1", by, None, t0())
        });
    }
    // Requested by SID only: the SID is the requester.
    f.submit_ok(
        "r2",
        launch_value(
            json!({ "user": { "sid": ALICE_SID }, "computer": { "name": "PC-1" }, "path": TOOL }),
        ),
        None,
        t0(),
    );
    f.fails(ErrorCode::SelfApproval, t0(), |e| {
        e.approve("r2", &ALICE_SID.to_lowercase(), None, t0())
    });
}

#[test]
fn decline_makes_a_pending_request_declined() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    let r = f
        .engine
        .decline("r1", BOB, Some("not now"), t0() + mins(1))
        .unwrap();
    assert_eq!(r.status, Status::Declined);
    assert_eq!(r.revision, 2);
    assert_eq!(r.decided_by.as_deref(), Some(r"admin:CORP\bob"));
    assert_eq!(r.reason.as_deref(), Some("not now"));
    assert_eq!(r.not_after, None);
    assert_eq!(f.types(), ["request.submitted", "request.declined"]);
    assert_eq!(f.sink.events()[1].actor.kind, ActorKind::Admin);
}

#[test]
fn cancel_by_the_requester() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    f.pending_request("r2", BOB, t0());
    f.fails(ErrorCode::NotRequester, t0(), |e| {
        e.cancel("r1", Some(BOB), t0())
    });
    f.fails(ErrorCode::NotRequester, t0(), |e| {
        e.cancel("r1", Some(ADMIN), t0())
    });
    let r = f.engine.cancel("r1", None, t0() + mins(1)).unwrap();
    assert_eq!((r.status, r.revision), (Status::Cancelled, 2));
    let r = f
        .engine
        .cancel("r2", Some(r"corp\BOB"), t0() + mins(1))
        .unwrap();
    assert_eq!(r.status, Status::Cancelled);
    assert_eq!(
        f.types(),
        [
            "request.submitted",
            "request.submitted",
            "request.cancelled",
            "request.cancelled"
        ]
    );
    assert_eq!(f.sink.events()[2].actor.kind, ActorKind::User);
}

#[test]
fn revoke_ends_active_access() {
    let f = fx("");
    f.active_request("r1", ALICE, t0());
    let at = t0() + mins(10);
    let r = f.engine.revoke("r1", BOB, Some("done"), at).unwrap();
    assert_eq!((r.status, r.revision), (Status::Revoked, 3));
    assert_eq!(r.reason.as_deref(), Some("done"));
    assert_eq!(
        f.types(),
        ["request.submitted", "request.approved", "grant.revoked"]
    );
    let e = &f.sink.events()[2];
    assert_eq!(
        (e.actor.kind, e.actor.name.as_deref()),
        (ActorKind::Admin, Some(BOB))
    );
}

#[test]
fn relinquish_by_the_requester() {
    let f = fx("");
    f.active_request("r1", ALICE, t0());
    f.active_request("r2", BOB, t0());
    f.fails(ErrorCode::NotRequester, t0(), |e| {
        e.relinquish("r1", Some(BOB), t0())
    });
    f.fails(ErrorCode::NotRequester, t0(), |e| {
        e.relinquish("r1", Some(ADMIN), t0())
    });
    let r = f.engine.relinquish("r1", None, t0() + mins(1)).unwrap();
    assert_eq!((r.status, r.revision), (Status::Relinquished, 3));
    let r = f
        .engine
        .relinquish("r2", Some(r"CORP\BOB"), t0() + mins(1))
        .unwrap();
    assert_eq!(r.status, Status::Relinquished);
    assert_eq!(f.types().last(), Some(&"grant.relinquished"));
    assert_eq!(f.sink.events().last().unwrap().actor.kind, ActorKind::User);
}

#[test]
fn grant_creates_active_access() {
    let f = fx("");
    let r = f
        .engine
        .grant(
            grant_args("g1", &[ALICE], &["PC-*"], &["tool", "signed"], "2h"),
            t0(),
        )
        .unwrap();
    assert_eq!(r.status, Status::Active);
    assert_eq!(r.revision, 1);
    assert_eq!(r.decided_by.as_deref(), Some(r"admin:CORP\admin"));
    assert_eq!(r.not_before, Some(t0()));
    assert_eq!(r.not_after, Some(t0() + TimeDelta::hours(2)));
    assert_eq!(f.types(), ["grant.created"]);
    assert_eq!(f.sink.events()[0].actor.kind, ActorKind::Admin);
    assert_eq!(f.rule(&tool(ALICE), t0()), elevates("grant:g1"));
    assert_eq!(f.engine.active(t0()).len(), 1);
}

#[test]
fn grant_errors_change_nothing() {
    let f = fx("");
    f.fails(ErrorCode::UnknownApplication, t0(), |e| {
        e.grant(
            grant_args("g1", &[ALICE], &["*"], &["tool", "nope"], "1h"),
            t0(),
        )
    });
    f.fails(ErrorCode::UnknownApplication, t0(), |e| {
        e.grant(grant_args("g1", &[ALICE], &["*"], &[], "1h"), t0())
    });
    f.pending_request("r1", ALICE, t0());
    f.engine
        .grant(grant_args("g1", &[ALICE], &["*"], &["tool"], "1h"), t0())
        .unwrap();
    f.fails(ErrorCode::DuplicateId, t0(), |e| {
        e.grant(grant_args("g1", &[BOB], &["*"], &["tool"], "1h"), t0())
    });
    f.fails(ErrorCode::DuplicateId, t0(), |e| {
        e.grant(grant_args("r1", &[BOB], &["*"], &["tool"], "1h"), t0())
    });
    // ids are one namespace for requests and grants
    f.fails(ErrorCode::DuplicateId, t0(), |e| {
        e.submit(
            SubmitArgs::new("g1", tool(BOB), None, Some(JUST.into())),
            t0(),
        )
    });
}

// ---------------------------------------------------------------------------------------------
// Error codes of submit, and the check order

#[test]
fn submit_errors_change_nothing() {
    let f = fx("");
    f.pending_request("r0", ALICE, t0());
    let at = t0() + mins(1);
    let sub = |id: &'static str, l: Launch, dur: Option<&'static str>, j: Option<&'static str>| {
        move |e: &Engine| {
            e.submit(
                SubmitArgs::new(id, l, dur.map(d), j.map(str::to_string)),
                at,
            )
        }
    };
    use ErrorCode as C;
    // decision
    f.fails(
        C::NotRequestable,
        at,
        sub(
            "r1",
            launch(ALICE, "PC-1", r"C:\x\conf.exe"),
            None,
            Some(JUST),
        ),
    );
    f.fails(
        C::NotRequestable,
        at,
        sub(
            "r1",
            launch(ALICE, "PC-1", r"C:\x\other.exe"),
            None,
            Some(JUST),
        ),
    );
    f.fails(
        C::NotRequestable,
        at,
        sub(
            "r1",
            launch_value(json!({ "path": TOOL })),
            None,
            Some(JUST),
        ),
    );
    f.fails(
        C::Denied,
        at,
        sub(
            "r1",
            launch(ALICE, "PC-1", r"C:\Windows\System32\cmd.exe"),
            None,
            Some(JUST),
        ),
    );
    // justification
    f.fails(
        C::JustificationRequired,
        at,
        sub("r1", tool(BOB), None, None),
    );
    f.fails(
        C::JustificationRequired,
        at,
        sub("r1", tool(BOB), None, Some("   ")),
    );
    f.fails(
        C::JustificationTooShort,
        at,
        sub("r1", tool(BOB), None, Some("INC1234")),
    );
    f.fails(
        C::JustificationTooShort,
        at,
        sub("r1", tool(BOB), None, Some("  INC1234   ")),
    );
    f.fails(
        C::JustificationPattern,
        at,
        sub("r1", tool(BOB), None, Some("no ticket number here")),
    );
    // duration: the list's maximum, and requests.maxDuration for a list without one
    f.fails(
        C::DurationTooLong,
        at,
        sub("r1", tool(BOB), Some("4h1s"), Some(JUST)),
    );
    f.fails(
        C::DurationTooLong,
        at,
        sub(
            "r1",
            launch(BOB, "PC-1", r"C:\x\brief.exe"),
            Some("31m"),
            Some(JUST),
        ),
    );
    f.fails(
        C::DurationTooLong,
        at,
        sub(
            "r1",
            launch(BOB, "PC-1", r"C:\x\wide.exe"),
            Some("8h1s"),
            Some(JUST),
        ),
    );
    // duplicate: alice already has r0 pending for tool on PC-1
    f.fails(C::Duplicate, at, sub("r1", tool(ALICE), None, Some(JUST)));
    f.fails(
        C::Duplicate,
        at,
        sub("r1", tool(r"corp\ALICE"), None, Some(JUST)),
    );
    f.fails(
        C::Duplicate,
        at,
        sub(
            "r1",
            launch(ALICE, "PC-1", r"c:\TOOLS\.\Tool.EXE"),
            None,
            Some(JUST),
        ),
    );
    // id
    f.fails(C::DuplicateId, at, sub("r0", tool(BOB), None, Some(JUST)));
    // and the boundaries that are accepted
    assert_eq!(
        f.submit("a", tool(BOB), Some("4h"), Some(JUST), at)
            .unwrap()
            .duration,
        d("4h")
    );
    let wide = launch(BOB, "PC-1", r"C:\x\wide.exe");
    assert_eq!(
        f.submit("b", wide, Some("8h"), Some(JUST), at)
            .unwrap()
            .duration,
        d("8h")
    );
    assert_eq!(
        f.submit("c", tool("carol"), None, Some("CHG0000 xx"), at)
            .unwrap()
            .status,
        Status::Pending
    );
}

#[test]
fn duplicate_compares_user_computer_and_application_identity() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    // another computer, another application, another user: not duplicates
    f.submit_ok("r2", launch(ALICE, "PC-2", TOOL), None, t0());
    f.submit_ok(
        "r3",
        launch(ALICE, "PC-1", r"C:\Tools\tool2.exe"),
        None,
        t0(),
    );
    f.submit_ok("r4", tool(BOB), None, t0());
    // the same user by SID (r5 named both)
    let both = json!({ "user": { "name": "CORP\\carol", "sid": "S-1-5-21-9" }, "computer": { "name": "PC-1" }, "path": TOOL });
    f.submit_ok("r5", launch_value(both), None, t0());
    let by_sid = launch_value(
        json!({ "user": { "sid": "S-1-5-21-9" }, "computer": { "name": "PC-1" }, "path": TOOL }),
    );
    f.fails(ErrorCode::Duplicate, t0(), |e| {
        e.submit(
            SubmitArgs::new("r6", by_sid.clone(), None, Some(JUST.into())),
            t0(),
        )
    });
    // active requests block too
    f.engine.approve("r1", ADMIN, None, t0()).unwrap();
    f.fails(ErrorCode::Duplicate, t0(), |e| {
        e.submit(
            SubmitArgs::new("r6", tool(ALICE), None, Some(JUST.into())),
            t0(),
        )
    });
    // a terminal one does not
    f.engine.revoke("r1", ADMIN, None, t0()).unwrap();
    assert_eq!(
        f.submit_ok("r6", tool(ALICE), None, t0()).status,
        Status::Pending
    );
    // sha256 identity: same hash, another path
    f.submit_ok(
        "h1",
        hashed(ALICE, r"C:\dl\setup.exe", Some(H1)),
        None,
        t0(),
    );
    f.fails(ErrorCode::Duplicate, t0(), |e| {
        let l = hashed(ALICE, r"D:\elsewhere\renamed.exe", Some(&H1.to_uppercase()));
        e.submit(SubmitArgs::new("h2", l, None, Some(JUST.into())), t0())
    });
}

#[test]
fn submit_checks_run_in_the_table_order() {
    let f = fx("");
    f.pending_request("r0", ALICE, t0());
    let at = t0();
    let cmd = launch(ALICE, "PC-1", r"C:\Windows\System32\cmd.exe");
    let conf = launch(ALICE, "PC-1", r"C:\x\conf.exe");
    let s = |l: &Launch, dur: &str, j: Option<&str>| {
        f.submit("new", l.clone(), Some(dur), j, at)
            .unwrap_err()
            .code
    };
    use ErrorCode as C;
    // the decision comes first: denied beats every later check
    assert_eq!(s(&cmd, "1h", Some("x")), C::Denied);
    assert_eq!(s(&cmd, "9h", None), C::Denied);
    assert_eq!(s(&conf, "9h", Some("x")), C::NotRequestable);
    // then the justification, before the duration and the duplicate check
    assert_eq!(s(&tool(ALICE), "9h", None), C::JustificationRequired);
    assert_eq!(s(&tool(ALICE), "9h", Some("x")), C::JustificationTooShort);
    assert_eq!(
        s(&tool(ALICE), "9h", Some("long enough but no ticket")),
        C::JustificationPattern
    );
    // then the duration, before the duplicate check
    assert_eq!(s(&tool(ALICE), "5h", Some(JUST)), C::DurationTooLong);
    assert_eq!(s(&tool(ALICE), "1h", Some(JUST)), C::Duplicate);
    assert_eq!(f.all(at).len(), 1);
    assert_eq!(f.types(), ["request.submitted"]);
}

// ---------------------------------------------------------------------------------------------
// Error codes of the other commands

#[test]
fn unknown_ids_are_not_found() {
    let f = fx("");
    f.active_request("r1", ALICE, t0());
    use ErrorCode as C;
    f.fails(C::NotFound, t0(), |e| e.approve("nope", ADMIN, None, t0()));
    f.fails(C::NotFound, t0(), |e| e.decline("nope", ADMIN, None, t0()));
    f.fails(C::NotFound, t0(), |e| e.cancel("nope", None, t0()));
    f.fails(C::NotFound, t0(), |e| e.revoke("nope", ADMIN, None, t0()));
    f.fails(C::NotFound, t0(), |e| e.relinquish("nope", None, t0()));
    f.fails(C::NotFound, t0(), |e| e.get("nope", t0()));
    // ids are compared exactly
    f.fails(C::NotFound, t0(), |e| e.revoke("R1", ADMIN, None, t0()));
}

#[test]
fn commands_outside_their_from_state_are_invalid_transitions() {
    let f = fx("");
    f.pending_request("p", ALICE, t0());
    f.active_request("a", BOB, t0());
    f.engine
        .grant(grant_args("g", &["carol"], &["*"], &["tool"], "1h"), t0())
        .unwrap();
    use ErrorCode as C;
    let at = t0();
    // pending: revoke and relinquish do not apply
    f.fails(C::InvalidTransition, at, |e| e.revoke("p", ADMIN, None, at));
    f.fails(C::InvalidTransition, at, |e| e.relinquish("p", None, at));
    // active (requests and grants): approve, decline, cancel do not apply
    for id in ["a", "g"] {
        f.fails(C::InvalidTransition, at, |e| e.approve(id, ADMIN, None, at));
        f.fails(C::InvalidTransition, at, |e| e.decline(id, ADMIN, None, at));
        f.fails(C::InvalidTransition, at, |e| e.cancel(id, None, at));
    }
    // the state is checked before the actor
    f.fails(C::InvalidTransition, at, |e| e.approve("a", BOB, None, at));
    f.fails(C::InvalidTransition, at, |e| {
        e.relinquish("p", Some(ADMIN), at)
    });
}

#[test]
fn terminal_states_reject_every_command() {
    let f = fx("");
    let at = t0();
    // declined, cancelled, revoked, relinquished
    f.pending_request("declined", "u1", at);
    f.engine.decline("declined", ADMIN, None, at).unwrap();
    f.pending_request("cancelled", "u2", at);
    f.engine.cancel("cancelled", None, at).unwrap();
    f.active_request("revoked", "u3", at);
    f.engine.revoke("revoked", ADMIN, None, at).unwrap();
    f.active_request("relinquished", "u4", at);
    f.engine.relinquish("relinquished", None, at).unwrap();
    f.engine
        .grant(
            grant_args("grant-revoked", &["u5"], &["*"], &["tool"], "1h"),
            at,
        )
        .unwrap();
    f.engine.revoke("grant-revoked", ADMIN, None, at).unwrap();
    // timedOut and expired, recorded by tick
    f.pending_request("timedOut", "u6", at);
    f.submit_ok("expired", tool("u7"), Some("10m"), at);
    f.engine.approve("expired", ADMIN, None, at).unwrap();
    let later = at + TimeDelta::hours(25);
    assert_eq!(f.engine.tick(later).unwrap().len(), 2);
    let expect = [
        ("declined", Status::Declined),
        ("cancelled", Status::Cancelled),
        ("revoked", Status::Revoked),
        ("relinquished", Status::Relinquished),
        ("grant-revoked", Status::Revoked),
        ("timedOut", Status::TimedOut),
        ("expired", Status::Expired),
    ];
    for (id, status) in expect {
        let r = f.engine.get(id, later).unwrap();
        assert_eq!(r.status, status, "{id}");
        assert!(r.status.is_terminal());
        let requester = r.requester.clone();
        use ErrorCode as C;
        f.fails(C::InvalidTransition, later, |e| {
            e.approve(id, ADMIN, None, later)
        });
        f.fails(C::InvalidTransition, later, |e| {
            e.decline(id, ADMIN, None, later)
        });
        f.fails(C::InvalidTransition, later, |e| e.cancel(id, None, later));
        f.fails(C::InvalidTransition, later, |e| {
            e.cancel(id, Some(&requester), later)
        });
        f.fails(C::InvalidTransition, later, |e| {
            e.revoke(id, ADMIN, None, later)
        });
        f.fails(C::InvalidTransition, later, |e| {
            e.relinquish(id, None, later)
        });
        f.fails(C::InvalidTransition, later, |e| {
            e.approve_with(id, ADMIN, None, later, &at_revision(r.revision))
        });
        // reusing the id is still refused
        f.fails(C::DuplicateId, later, |e| {
            e.submit(
                SubmitArgs::new(id, tool("someone-else"), None, Some(JUST.into())),
                later,
            )
        });
        // and a tick changes nothing
        let n = f.event_count();
        assert!(
            f.engine
                .tick(later + TimeDelta::days(30))
                .unwrap()
                .is_empty()
        );
        assert_eq!(f.event_count(), n);
        assert_eq!(f.engine.get(id, later + TimeDelta::days(30)).unwrap(), r);
    }
}

// ---------------------------------------------------------------------------------------------
// Deadlines are facts of time; tick records them

#[test]
fn timeout_is_a_fact_of_time() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    let deadline = t0() + TimeDelta::hours(24);
    let before = deadline - TimeDelta::seconds(1);
    assert_eq!(f.engine.get("r1", before).unwrap().status, Status::Pending);
    assert_eq!(f.engine.pending(before).len(), 1);
    // at the deadline, without any tick
    assert_eq!(
        f.engine.get("r1", deadline).unwrap().status,
        Status::TimedOut
    );
    assert!(f.engine.pending(deadline).is_empty());
    assert_eq!(f.all(deadline)[0].status, Status::TimedOut);
    use ErrorCode as C;
    f.fails(C::InvalidTransition, deadline, |e| {
        e.approve("r1", ADMIN, None, deadline)
    });
    f.fails(C::InvalidTransition, deadline, |e| {
        e.decline("r1", ADMIN, None, deadline)
    });
    f.fails(C::InvalidTransition, deadline, |e| {
        e.cancel("r1", None, deadline)
    });
    // no longer a duplicate
    f.submit_ok("r2", tool(ALICE), None, deadline);
    // the stored status is still pending until a tick records it
    assert_eq!(f.types(), ["request.submitted", "request.submitted"]);
    let changed = f.engine.tick(deadline).unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (
            changed[0].id.as_str(),
            changed[0].status,
            changed[0].revision
        ),
        ("r1", Status::TimedOut, 2)
    );
    assert_eq!(f.types().last(), Some(&"request.timedOut"));
    assert_eq!(
        f.sink.events().last().unwrap().actor.kind,
        ActorKind::System
    );
    // the stored status now reads timedOut even at an earlier time
    assert_eq!(f.engine.get("r1", t0()).unwrap().status, Status::TimedOut);
}

#[test]
fn expiry_is_a_fact_of_time_and_access_is_half_open() {
    let f = fx("");
    f.submit_ok("r1", tool(ALICE), Some("30m"), t0());
    let start = t0() + mins(5);
    f.engine.approve("r1", ADMIN, None, start).unwrap();
    let end = start + mins(30);
    let last = end - TimeDelta::seconds(1);
    assert_eq!(f.rule(&tool(ALICE), start), elevates("grant:r1"));
    assert_eq!(f.rule(&tool(ALICE), last), elevates("grant:r1"));
    assert_eq!(f.engine.active(last).len(), 1);
    // at notAfter, without any tick
    assert_eq!(f.rule(&tool(ALICE), end), requestable("req/tool"));
    assert_eq!(f.engine.get("r1", end).unwrap().status, Status::Expired);
    assert!(f.engine.active(end).is_empty());
    use ErrorCode as C;
    f.fails(C::InvalidTransition, end, |e| {
        e.revoke("r1", ADMIN, None, end)
    });
    f.fails(C::InvalidTransition, end, |e| e.relinquish("r1", None, end));
    f.submit_ok("r2", tool(ALICE), None, end);
    let n = f.event_count();
    let changed = f.engine.tick(end).unwrap();
    assert_eq!(
        changed
            .iter()
            .map(|r| (r.id.as_str(), r.status))
            .collect::<Vec<_>>(),
        [("r1", Status::Expired)]
    );
    assert_eq!(f.types()[n..], ["grant.expired"]);
    assert_eq!(f.engine.get("r1", start).unwrap().status, Status::Expired);
}

#[test]
fn tick_records_due_transitions_in_deadline_order() {
    let f = fx("");
    // ids in the opposite order of their deadlines
    f.pending_request("a", ALICE, t0()); // times out at t0 + 24h
    f.submit_ok("b", tool(BOB), Some("40m"), t0());
    f.engine.approve("b", ADMIN, None, t0()).unwrap(); // expires at t0 + 40m
    f.engine
        .grant(
            grant_args("c", &["carol"], &["*"], &["tool"], "20m"),
            t0() + mins(10),
        )
        .unwrap(); // t0 + 30m
    f.submit_ok("d", tool("dave"), Some("10m"), t0() + mins(1));
    f.engine.approve("d", ADMIN, None, t0() + mins(2)).unwrap(); // t0 + 12m
    f.pending_request("e", "erin", t0() + mins(3)); // stays pending
    // nothing due yet
    let n = f.event_count();
    assert!(f.engine.tick(t0() + mins(11)).unwrap().is_empty());
    assert_eq!(f.event_count(), n);
    // one due
    let changed = f.engine.tick(t0() + mins(12)).unwrap();
    assert_eq!(
        changed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["d"]
    );
    let n = f.event_count();
    let later = t0() + TimeDelta::hours(24) + mins(1);
    // e was submitted at t0 + 3m: pending until t0 + 24h + 3m
    let changed = f.engine.tick(later).unwrap();
    let got: Vec<(&str, Status)> = changed.iter().map(|r| (r.id.as_str(), r.status)).collect();
    assert_eq!(
        got,
        [
            ("c", Status::Expired),
            ("b", Status::Expired),
            ("a", Status::TimedOut)
        ]
    );
    let events = f.sink.events();
    let new: Vec<(&str, Option<&str>)> = events[n..]
        .iter()
        .map(|e| (e.kind.as_str(), e.request_id.as_deref()))
        .collect();
    assert_eq!(
        new,
        [
            ("grant.expired", Some("c")),
            ("grant.expired", Some("b")),
            ("request.timedOut", Some("a"))
        ]
    );
    assert_eq!(f.engine.get("e", later).unwrap().status, Status::Pending);
    // recorded: a second tick at the same time changes nothing
    let n = f.event_count();
    assert!(f.engine.tick(later).unwrap().is_empty());
    assert_eq!(f.event_count(), n);
}

// ---------------------------------------------------------------------------------------------
// Durations

#[test]
fn omitted_duration_takes_the_default_capped_at_the_maximum() {
    let f = fx("");
    assert_eq!(f.submit_ok("a", tool(ALICE), None, t0()).duration, d("1h"));
    let brief = launch(ALICE, "PC-1", r"C:\x\brief.exe");
    assert_eq!(f.submit_ok("b", brief, None, t0()).duration, d("30m"));
    let r = f.engine.approve("b", ADMIN, None, t0()).unwrap();
    assert_eq!(r.not_after, Some(t0() + mins(30)));

    let g = fx_with(compiled(
        &BASE.replace("defaultDuration: 1h", "defaultDuration: 6h"),
    ));
    assert_eq!(g.submit_ok("a", tool(ALICE), None, t0()).duration, d("4h"));
    let wide = launch(ALICE, "PC-1", r"C:\x\wide.exe");
    assert_eq!(g.submit_ok("w", wide, None, t0()).duration, d("6h"));
    let brief = launch(ALICE, "PC-1", r"C:\x\brief.exe");
    assert_eq!(g.submit_ok("b", brief, None, t0()).duration, d("30m"));
}

/// `durationInvalid` cannot arise through the Rust API (a `Duration` is > 0 by type): it comes
/// from faces that read durations from text, e.g. a test file's `duration: 0m`.
#[test]
fn duration_invalid_through_a_test_file() {
    let report = run_test_file(
        "duration-invalid",
        r#"
  - name: zero duration
    audit: [request.submitted]
    steps:
      - at: 2026-11-23T09:00:00Z
        submit: { id: r1, launch: { path: 'C:\Tools\tool.exe' }, duration: 0m, justification: 'INC1234 capture a trace' }
        expect: { error: durationInvalid }
      - submit: { id: r1, launch: { path: 'C:\Tools\tool.exe' }, duration: 0s, justification: 'INC1234 capture a trace' }
        expect: { error: durationInvalid }
      - submit: { id: r1, launch: { path: 'C:\Tools\tool.exe' }, duration: 30m, justification: 'INC1234 capture a trace' }
        expect: { status: pending }
"#,
    );
    assert_eq!((report.passed, report.failed), (4, 0), "{report:#?}");
}

/// lifecycle.md §2 orders the checks: decision, justification, then `duration > 0`.
#[test]
fn duration_invalid_is_checked_after_decision_and_justification_in_test_files() {
    let report = run_test_file(
        "duration-invalid-order",
        r#"
  - name: zero duration comes after the decision and the justification
    audit: []
    steps:
      - at: 2026-11-23T09:00:00Z
        submit: { id: r1, launch: { path: 'C:\Windows\System32\cmd.exe' }, duration: 0m, justification: 'x' }
        expect: { error: denied }
      - submit: { id: r2, launch: { path: 'C:\x\conf.exe' }, duration: 0m, justification: 'INC1234 capture a trace' }
        expect: { error: notRequestable }
      - submit: { id: r3, launch: { path: 'C:\Tools\tool.exe' }, duration: 0m }
        expect: { error: justificationRequired }
      - submit: { id: r4, launch: { path: 'C:\Tools\tool.exe' }, duration: 0m, justification: 'short' }
        expect: { error: justificationTooShort }
      - submit: { id: r5, launch: { path: 'C:\Tools\tool.exe' }, duration: 0m, justification: 'long but no ticket' }
        expect: { error: justificationPattern }
"#,
    );
    assert_eq!(report.failed, 0, "{report:#?}");
}

fn run_test_file(name: &str, scenarios: &str) -> jitaccess::testfile::TestReport {
    let dir = std::env::temp_dir().join(format!("jitaccess-lifecycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.yaml"));
    let policy: String = BASE.lines().map(|l| format!("  {l}\n")).collect();
    let text = format!(
        "policy:\n{policy}launchDefaults:\n  user: {{ name: 'CORP\\alice' }}\n  computer: {{ name: PC-1 }}\nscenarios:{scenarios}"
    );
    std::fs::write(&file, text).unwrap();
    let report = jitaccess::testfile::run_file(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    report
}

// ---------------------------------------------------------------------------------------------
// §4 autonomous approval

/// Submits one tool request for alice on a fresh engine; returns (status, decidedBy).
fn decide(
    approval: &str,
    l: Launch,
    dur: Option<&str>,
    just: &str,
    at: DateTime<Utc>,
) -> (Status, Option<String>) {
    let f = fx(approval);
    let r = f.submit("r1", l, dur, Some(just), at).unwrap();
    (r.status, r.decided_by)
}

fn active_by(rule: &str) -> (Status, Option<String>) {
    (Status::Active, Some(format!("policy:{rule}")))
}

fn declined_by(rule: &str) -> (Status, Option<String>) {
    (Status::Declined, Some(format!("policy:{rule}")))
}

const PENDING: (Status, Option<String>) = (Status::Pending, None);

#[test]
fn decline_beats_approve_and_the_smallest_rule_id_decides() {
    let rules = "autonomousApproval:
  enabled: true
  rules:
    - { id: z-decline, action: decline, when: { justification: 'CHG' } }
    - { id: m-approve, action: approve }
    - { id: y-decline, action: decline, when: { justification: 'CHG9' } }
    - { id: a-approve, action: approve, when: { applications: [tool] } }
";
    let s = signed(ALICE, TP1, true);
    assert_eq!(
        decide(rules, tool(ALICE), None, "CHG1234 change", t0()),
        declined_by("z-decline")
    );
    assert_eq!(
        decide(rules, tool(ALICE), None, "CHG9999 change", t0()),
        declined_by("y-decline")
    );
    assert_eq!(
        decide(rules, tool(ALICE), None, JUST, t0()),
        active_by("a-approve")
    );
    assert_eq!(decide(rules, s, None, JUST, t0()), active_by("m-approve"));
}

#[test]
fn no_matching_rule_leaves_the_request_pending() {
    let rules = "autonomousApproval:
  enabled: true
  rules:
    - { id: only-brief, action: approve, when: { applications: [brief] } }
    - { id: only-pc9, action: decline, when: { computers: ['PC-9*'] } }
";
    assert_eq!(decide(rules, tool(ALICE), None, JUST, t0()), PENDING);
    let brief = launch(ALICE, "PC-1", r"C:\x\brief.exe");
    assert_eq!(
        decide(rules, brief, None, JUST, t0()),
        active_by("only-brief")
    );
    let pc9 = launch(ALICE, "PC-99", r"C:\x\brief.exe");
    assert_eq!(
        decide(rules, pc9, None, JUST, t0()),
        declined_by("only-pc9")
    );
}

#[test]
fn disabled_autonomous_approval_leaves_requests_pending() {
    let off = "autonomousApproval:
  enabled: false
  rules:
    - { id: all, action: approve }
";
    assert_eq!(decide(off, tool(ALICE), None, JUST, t0()), PENDING);
    assert_eq!(
        decide(
            "autonomousApproval: { enabled: false }\n",
            tool(ALICE),
            None,
            JUST,
            t0()
        ),
        PENDING
    );
    assert_eq!(decide("", tool(ALICE), None, JUST, t0()), PENDING);
}

#[test]
fn rule_max_duration_sees_the_defaulted_duration() {
    let rules = "autonomousApproval:
  enabled: true
  rules:
    - { id: short-ones, action: approve, when: { maxDuration: 1h } }
";
    assert_eq!(
        decide(rules, tool(ALICE), None, JUST, t0()),
        active_by("short-ones")
    );
    assert_eq!(
        decide(rules, tool(ALICE), Some("1h"), JUST, t0()),
        active_by("short-ones")
    );
    assert_eq!(decide(rules, tool(ALICE), Some("61m"), JUST, t0()), PENDING);
    let g = fx_with(compiled(&format!(
        "{}{rules}",
        BASE.replace("defaultDuration: 1h", "defaultDuration: 2h")
    )));
    let r = g.submit_ok("r1", tool(ALICE), None, t0());
    assert_eq!((r.status, r.duration), (Status::Pending, d("2h")));
    let brief = launch(ALICE, "PC-1", r"C:\x\brief.exe");
    let r = g.submit_ok("r2", brief, None, t0());
    assert_eq!((r.status, r.duration), (Status::Active, d("30m")));
}

#[test]
fn schedule_spanning_midnight_belongs_to_the_day_it_starts_on() {
    for tz in ["UTC", "Europe/Berlin"] {
        let rules = format!(
            "autonomousApproval:
  enabled: true
  rules:
    - id: weekend-nights
      action: approve
      when: {{ schedule: {{ days: [fri], from: '22:00', to: '06:00', timeZone: '{tz}' }} }}
"
        );
        // 2026-11-27 is a Friday; in November Berlin is UTC+1.
        assert_eq!(t("2026-11-27T00:00:00Z").weekday(), Weekday::Fri);
        let off = if tz == "UTC" { 0 } else { 1 };
        let local = |s: &str| t(s) - TimeDelta::hours(off);
        let probe = |s: &str| decide(&rules, tool(ALICE), None, JUST, local(s));
        let on = active_by("weekend-nights");
        assert_eq!(
            probe("2026-11-27T03:00:00Z"),
            PENDING,
            "{tz}: Friday 03:00 belongs to Thursday"
        );
        assert_eq!(probe("2026-11-28T03:00:00Z"), on, "{tz}: Saturday 03:00");
        assert_eq!(probe("2026-11-27T21:59:00Z"), PENDING, "{tz}: Friday 21:59");
        assert_eq!(probe("2026-11-27T22:00:00Z"), on, "{tz}: from is inclusive");
        assert_eq!(probe("2026-11-27T23:59:59Z"), on, "{tz}: Friday 23:59:59");
        assert_eq!(probe("2026-11-28T00:00:00Z"), on, "{tz}: Saturday 00:00");
        assert_eq!(probe("2026-11-28T05:59:59Z"), on, "{tz}: Saturday 05:59:59");
        assert_eq!(
            probe("2026-11-28T06:00:00Z"),
            PENDING,
            "{tz}: to is exclusive"
        );
        assert_eq!(
            probe("2026-11-28T22:30:00Z"),
            PENDING,
            "{tz}: Saturday night is not listed"
        );
        assert_eq!(probe("2026-11-29T03:00:00Z"), PENDING, "{tz}: Sunday 03:00");
    }
}

#[test]
fn schedule_follows_daylight_saving_time_in_europe_berlin() {
    // 2026-03-29 (Sunday): 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    let spring = "autonomousApproval:
  enabled: true
  rules:
    - id: sunday-early
      action: approve
      when: { schedule: { days: [sun], from: '01:30', to: '03:30', timeZone: Europe/Berlin } }
";
    assert_eq!(t("2026-03-29T00:00:00Z").weekday(), Weekday::Sun);
    let on = active_by("sunday-early");
    let probe = |s: &str| decide(spring, tool(ALICE), None, JUST, t(s));
    assert_eq!(probe("2026-03-29T00:29:00Z"), PENDING); // 01:29 CET
    assert_eq!(probe("2026-03-29T00:30:00Z"), on); // 01:30 CET
    assert_eq!(probe("2026-03-29T00:59:59Z"), on); // 01:59:59 CET
    assert_eq!(probe("2026-03-29T01:00:00Z"), on); // 03:00 CEST
    assert_eq!(probe("2026-03-29T01:29:00Z"), on); // 03:29 CEST
    assert_eq!(probe("2026-03-29T01:30:00Z"), PENDING); // 03:30 CEST (02:30 at a fixed +1)
    // a week earlier, standard time all night
    assert_eq!(probe("2026-03-22T02:29:00Z"), on); // 03:29 CET
    assert_eq!(probe("2026-03-22T02:30:00Z"), PENDING); // 03:30 CET
    // 2026-10-25 (Sunday): 03:00 CEST becomes 02:00 CET at 01:00 UTC; 02:00–03:00 happens twice.
    let autumn = "autonomousApproval:
  enabled: true
  rules:
    - id: twice
      action: approve
      when: { schedule: { days: [sun], from: '02:00', to: '03:00', timeZone: Europe/Berlin } }
";
    assert_eq!(t("2026-10-25T00:00:00Z").weekday(), Weekday::Sun);
    let on = active_by("twice");
    let probe = |s: &str| decide(autumn, tool(ALICE), None, JUST, t(s));
    assert_eq!(probe("2026-10-24T23:59:00Z"), PENDING); // 01:59 CEST
    assert_eq!(probe("2026-10-25T00:00:00Z"), on); // 02:00 CEST
    assert_eq!(probe("2026-10-25T00:59:00Z"), on); // 02:59 CEST
    assert_eq!(probe("2026-10-25T01:00:00Z"), on); // 02:00 CET
    assert_eq!(probe("2026-10-25T01:59:00Z"), on); // 02:59 CET
    assert_eq!(probe("2026-10-25T02:00:00Z"), PENDING); // 03:00 CET
}

const QUOTA: &str = "autonomousApproval:
  enabled: true
  rules:
    - { id: quota, action: approve, when: { maxPerUser: { count: 2, per: 24h } } }
";

fn numbered_tool(user: &str, n: u32) -> Launch {
    launch(user, "PC-1", &format!(r"C:\Tools\tool{n}.exe"))
}

#[test]
fn max_per_user_window_excludes_its_start_and_includes_its_end() {
    let f = fx(QUOTA);
    let su = |id: &str, user: &str, n: u32, at: DateTime<Utc>| {
        let r = f.submit_ok(id, numbered_tool(user, n), Some("10m"), at);
        (r.status, r.decided_by)
    };
    let s = |id: &str, n: u32, at: DateTime<Utc>| su(id, ALICE, n, at);
    let on = active_by("quota");
    assert_eq!(s("p1", 1, t0()), on);
    assert_eq!(s("p2", 2, t0() + TimeDelta::hours(1)), on);
    assert_eq!(s("p3", 3, t0() + TimeDelta::hours(2)), PENDING);
    // other users have their own quota; the requester compares case-insensitively
    let two = t0() + TimeDelta::hours(2);
    assert_eq!(su("b1", BOB, 1, two), on);
    assert_eq!(su("p3b", r"corp\ALICE", 9, two), PENDING);
    // an admin approval does not count
    f.engine
        .approve("p3", ADMIN, None, t0() + TimeDelta::hours(3))
        .unwrap();
    let day = t0() + TimeDelta::hours(24);
    // (at − 24h, at] still holds t0 one second before a day has passed
    assert_eq!(s("p4", 4, day - TimeDelta::seconds(1)), PENDING);
    // at t0 + 24h the window (t0, t0 + 24h] no longer holds t0
    assert_eq!(s("p5", 5, day), on);
    // … and holds p5's own approval at its closed end
    assert_eq!(s("p6", 6, day), PENDING);
}

/// The quota window counts autonomous *approvals* (their time), lifecycle.md §4: giving access
/// back or losing it later does not move the approval into a later window.
#[test]
fn max_per_user_counts_the_approval_time_not_a_later_relinquish_or_revoke() {
    let rules = "autonomousApproval:
  enabled: true
  rules:
    - { id: once-a-day, action: approve, when: { maxPerUser: { count: 1, per: 24h } } }
";
    let f = fx(rules);
    let on = active_by("once-a-day");
    let r = f.submit_ok("q1", numbered_tool(ALICE, 1), Some("1h"), t0());
    assert_eq!((r.status, r.decided_by), on.clone());
    f.engine.relinquish("q1", None, t0() + mins(30)).unwrap();
    let r = f.submit_ok("b1", numbered_tool(BOB, 1), Some("1h"), t0());
    assert_eq!((r.status, r.decided_by), on.clone());
    f.engine.revoke("b1", ADMIN, None, t0() + mins(30)).unwrap();
    // a day after the approvals: the window (t0, t0 + 24h] holds no approval of either user
    let day = t0() + TimeDelta::hours(24);
    let r = f.submit_ok("q2", numbered_tool(ALICE, 2), Some("1h"), day);
    assert_eq!(
        (r.status, r.decided_by),
        on.clone(),
        "alice's approval at t0 is outside the window"
    );
    let r = f.submit_ok("b2", numbered_tool(BOB, 2), Some("1h"), day);
    assert_eq!(
        (r.status, r.decided_by),
        on,
        "bob's approval at t0 is outside the window"
    );
}

// ---------------------------------------------------------------------------------------------
// §3 coverage

#[test]
fn coverage_same_user_by_name_or_sid() {
    let f = fx(AUTONOMOUS);
    let both = json!({ "user": { "name": ALICE, "sid": ALICE_SID }, "computer": { "name": "PC-1" }, "path": TOOL });
    f.submit_ok("r1", launch_value(both), None, t0());
    let at = t0() + mins(1);
    let by_sid = launch_value(
        json!({ "user": { "sid": ALICE_SID }, "computer": { "name": "PC-1" }, "path": TOOL }),
    );
    assert_eq!(f.rule(&by_sid, at), elevates("grant:r1"));
    assert_eq!(f.rule(&tool(ALICE), at), elevates("grant:r1"));
    assert_eq!(f.rule(&tool(r"corp\ALICE"), at), elevates("grant:r1"));
    assert_eq!(f.rule(&tool(BOB), at), requestable("req/tool"));
    let other_sid = launch_value(
        json!({ "user": { "sid": "S-1-5-21-1-2-3-9999" }, "computer": { "name": "PC-1" }, "path": TOOL }),
    );
    assert_eq!(f.rule(&other_sid, at), requestable("req/tool"));
    // a request by SID only covers a later launch that names the user and the SID
    let sid_only =
        json!({ "user": { "sid": "S-1-5-21-7" }, "computer": { "name": "PC-1" }, "path": TOOL });
    f.submit_ok("r2", launch_value(sid_only), None, t0());
    let named = launch_value(
        json!({ "user": { "name": r"CORP\carol", "sid": "S-1-5-21-7" }, "computer": { "name": "PC-1" }, "path": TOOL }),
    );
    assert_eq!(f.rule(&named, at), elevates("grant:r2"));
}

#[test]
fn coverage_same_computer() {
    let f = fx(AUTONOMOUS);
    f.submit_ok("r1", tool(ALICE), None, t0());
    let at = t0() + mins(1);
    assert_eq!(f.rule(&tool(ALICE), at), elevates("grant:r1"));
    assert_eq!(
        f.rule(&launch(ALICE, "PC-2", TOOL), at),
        requestable("req/tool")
    );
    let no_computer = launch_value(json!({ "user": { "name": ALICE }, "path": TOOL }));
    assert_eq!(f.rule(&no_computer, at), requestable("req/tool"));
}

#[test]
fn coverage_by_sha256_when_the_request_had_one() {
    let f = fx(AUTONOMOUS);
    f.submit_ok(
        "h1",
        hashed(ALICE, r"C:\dl\setup.exe", Some(H1)),
        None,
        t0(),
    );
    let at = t0() + mins(1);
    let upper = H1.to_uppercase();
    assert_eq!(
        f.rule(
            &hashed(ALICE, r"D:\elsewhere\renamed.exe", Some(&upper)),
            at
        ),
        elevates("grant:h1")
    );
    // same path, another or no hash: not the same application
    assert_eq!(
        f.eval(&hashed(ALICE, r"C:\dl\setup.exe", Some(H2)), at)
            .outcome,
        Outcome::None
    );
    assert_eq!(
        f.eval(&hashed(ALICE, r"C:\dl\setup.exe", None), at).outcome,
        Outcome::None
    );
    assert_eq!(
        f.rule(&hashed(BOB, r"C:\dl\setup.exe", Some(H1)), at),
        requestable("req/hashed")
    );
}

#[test]
fn coverage_by_path_and_thumbprint_otherwise() {
    let f = fx(AUTONOMOUS);
    // a path request without a signer
    f.submit_ok("p1", tool(ALICE), None, t0());
    // a path request with a valid signer
    f.submit_ok("s1", signed(ALICE, TP1, true), None, t0());
    let at = t0() + mins(1);
    assert_eq!(
        f.rule(&launch(ALICE, "PC-1", r"c:\TOOLS\TOOL.EXE"), at),
        elevates("grant:p1")
    );
    assert_eq!(
        f.rule(&launch(ALICE, "PC-1", r"C:\Tools\sub\..\tool.exe"), at),
        elevates("grant:p1")
    );
    assert_eq!(
        f.rule(&launch(ALICE, "PC-1", r"C:\Tools\tool2.exe"), at),
        requestable("req/tool")
    );
    assert_eq!(
        f.rule(&launch(ALICE, "PC-1", r"C:\Other\tool.exe"), at),
        requestable("req/tool")
    );
    // an unresolved spelling never establishes identity
    assert_ne!(
        f.eval(&launch(ALICE, "PC-1", r"C:\TOOLS~1\tool.exe"), at)
            .outcome,
        Outcome::Elevate
    );
    // the signer of the request: the same thumbprint, still valid
    assert_eq!(f.rule(&signed(ALICE, TP1, true), at), elevates("grant:s1"));
    assert_eq!(
        f.rule(&signed(ALICE, &TP1.to_uppercase(), true), at),
        elevates("grant:s1")
    );
    assert_eq!(
        f.rule(&signed(ALICE, TP2, true), at),
        requestable("req/signed")
    );
    assert_ne!(
        f.eval(&signed(ALICE, TP1, false), at).outcome,
        Outcome::Elevate
    );
    let unsigned = launch_value(
        json!({ "user": { "name": ALICE }, "computer": { "name": "PC-1" }, "path": r"C:\Apps\signed.exe" }),
    );
    assert_ne!(f.eval(&unsigned, at).outcome, Outcome::Elevate);
}

#[test]
fn a_grant_covers_its_user_and_computer_patterns_and_any_of_its_applications() {
    let f = fx("");
    f.engine
        .grant(
            grant_args(
                "g1",
                &[r"CORP\a*", "S-1-5-21-9-*"],
                &["PC-*"],
                &["tool", "hashed"],
                "1h",
            ),
            t0(),
        )
        .unwrap();
    let at = t0() + mins(1);
    let g = elevates("grant:g1");
    assert_eq!(f.rule(&tool(ALICE), at), g);
    assert_eq!(f.rule(&launch(r"corp\ANNE", "pc-7", TOOL), at), g);
    assert_eq!(f.rule(&launch(ALICE, "PC-1", r"D:\any\tool99.exe"), at), g);
    assert_eq!(
        f.rule(&hashed(ALICE, r"C:\dl\whatever.exe", Some(H1)), at),
        g
    );
    let sid = launch_value(
        json!({ "user": { "sid": "S-1-5-21-9-1001" }, "computer": { "name": "PC-1" }, "path": TOOL }),
    );
    assert_eq!(f.rule(&sid, at), g);
    assert_eq!(f.rule(&tool(BOB), at), requestable("req/tool"));
    assert_eq!(
        f.rule(&launch(ALICE, "LAPTOP-1", TOOL), at),
        requestable("req/tool")
    );
    assert_eq!(
        f.rule(&signed(ALICE, TP1, true), at),
        requestable("req/signed")
    );
    let no_computer = launch_value(json!({ "user": { "name": ALICE }, "path": TOOL }));
    assert_eq!(f.rule(&no_computer, at), requestable("req/tool"));
    assert_eq!(
        f.eval(&launch(ALICE, "PC-1", r"C:\x\unknown.exe"), at)
            .outcome,
        Outcome::None
    );
    // the grant's window is half-open too
    let end = t0() + TimeDelta::hours(1);
    assert_eq!(f.rule(&tool(ALICE), end - TimeDelta::seconds(1)), g);
    assert_eq!(f.rule(&tool(ALICE), end), requestable("req/tool"));
}

#[test]
fn a_deny_entry_beats_a_covering_grant() {
    let f = fx("");
    f.engine
        .grant(
            grant_args("g1", &["*"], &["*"], &["shells", "tool"], "1h"),
            t0(),
        )
        .unwrap();
    let n = f.event_count();
    let cmd = launch(ALICE, "PC-1", r"C:\Windows\System32\cmd.exe");
    let d = f.eval(&cmd, t0());
    assert_eq!(
        (d.outcome, d.rule.as_deref()),
        (Outcome::Deny, Some("no-shells/shells"))
    );
    assert!(
        d.shadowed.contains(&"grant:g1".to_string()),
        "{:?}",
        d.shadowed
    );
    assert_eq!(f.rule(&tool(ALICE), t0()), elevates("grant:g1"));
    assert_eq!(f.types()[n..], ["elevation.denied", "elevation.performed"]);
}

#[test]
fn revoke_and_relinquish_stop_coverage_at_once() {
    let f = fx(AUTONOMOUS);
    f.submit_ok("r1", tool(ALICE), None, t0());
    f.submit_ok("r2", tool(BOB), None, t0());
    f.engine
        .grant(grant_args("g1", &["carol"], &["*"], &["tool"], "1h"), t0())
        .unwrap();
    f.engine
        .grant(grant_args("g2", &["d*"], &["*"], &["tool"], "1h"), t0())
        .unwrap();
    let at = t0() + mins(5);
    assert_eq!(f.rule(&tool(ALICE), at), elevates("grant:r1"));
    assert_eq!(f.rule(&tool(BOB), at), elevates("grant:r2"));
    assert_eq!(f.rule(&tool("carol"), at), elevates("grant:g1"));
    assert_eq!(f.rule(&tool("dave"), at), elevates("grant:g2"));
    f.engine.revoke("r1", ADMIN, None, at).unwrap();
    f.engine.relinquish("r2", None, at).unwrap();
    f.engine.revoke("g1", ADMIN, None, at).unwrap();
    f.engine.relinquish("g2", None, at).unwrap();
    for u in [ALICE, BOB, "carol", "dave"] {
        assert_eq!(f.rule(&tool(u), at), requestable("req/tool"), "{u}");
    }
    assert!(f.engine.active(at).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Idempotency keys and optimistic revisions

#[test]
fn an_idempotency_key_returns_the_first_result_and_changes_nothing() {
    let f = fx("");
    let args = |id: &str, user: &str| SubmitArgs::new(id, tool(user), None, Some(JUST.into()));
    let first = f
        .engine
        .submit_with(args("r1", ALICE), t0(), &key("k-submit"))
        .unwrap();
    let snapshot = (f.all(t0()), f.event_count());
    let again = f
        .engine
        .submit_with(args("r1", ALICE), t0() + mins(1), &key("k-submit"))
        .unwrap();
    assert_eq!(again, first);
    // the key decides, not the arguments: no second request appears
    let other = f
        .engine
        .submit_with(args("r2", BOB), t0() + mins(1), &key("k-submit"))
        .unwrap();
    assert_eq!(other, first);
    assert_eq!((f.all(t0()), f.event_count()), snapshot);
    f.fails(ErrorCode::NotFound, t0(), |e| e.get("r2", t0()));

    let approved = f
        .engine
        .approve_with("r1", BOB, Some("ok"), t0() + mins(2), &key("k-approve"))
        .unwrap();
    assert_eq!(approved.status, Status::Active);
    let snapshot = (f.all(t0() + mins(3)), f.event_count());
    let again = f
        .engine
        .approve_with("r1", BOB, Some("ok"), t0() + mins(3), &key("k-approve"))
        .unwrap();
    assert_eq!(again, approved);
    assert_eq!((f.all(t0() + mins(3)), f.event_count()), snapshot);
    // without the key the repeat is an invalid transition
    f.fails(ErrorCode::InvalidTransition, t0() + mins(3), |e| {
        e.approve("r1", BOB, Some("ok"), t0() + mins(3))
    });

    // a failure is a result too: repeating with the same key repeats it, even if it would now work
    f.pending_request("r3", "carol", t0());
    let e1 = f
        .engine
        .approve_with("r3", "carol", None, t0(), &key("k-self"))
        .unwrap_err();
    assert_eq!(e1.code, ErrorCode::SelfApproval);
    let before = (f.all(t0()), f.event_count());
    let e2 = f
        .engine
        .approve_with("r3", ADMIN, None, t0(), &key("k-self"))
        .unwrap_err();
    assert_eq!(e2, e1);
    assert_eq!((f.all(t0()), f.event_count()), before);
    assert_eq!(f.engine.get("r3", t0()).unwrap().status, Status::Pending);
}

#[test]
fn an_if_revision_mismatch_is_an_invalid_transition() {
    let f = fx("");
    let r = f.pending_request("r1", ALICE, t0());
    assert_eq!(r.revision, 1);
    f.fails(ErrorCode::InvalidTransition, t0(), |e| {
        e.approve_with("r1", BOB, None, t0(), &at_revision(2))
    });
    f.fails(ErrorCode::InvalidTransition, t0(), |e| {
        e.decline_with("r1", BOB, None, t0(), &at_revision(0))
    });
    f.fails(ErrorCode::InvalidTransition, t0(), |e| {
        e.cancel_with("r1", None, t0(), &at_revision(7))
    });
    let r = f
        .engine
        .approve_with("r1", BOB, None, t0(), &at_revision(1))
        .unwrap();
    assert_eq!(r.revision, 2);
    f.fails(ErrorCode::InvalidTransition, t0(), |e| {
        e.revoke_with("r1", BOB, None, t0(), &at_revision(1))
    });
    f.fails(ErrorCode::InvalidTransition, t0(), |e| {
        e.relinquish_with("r1", None, t0(), &at_revision(3))
    });
    let r = f
        .engine
        .relinquish_with("r1", None, t0(), &at_revision(2))
        .unwrap();
    assert_eq!((r.status, r.revision), (Status::Relinquished, 3));
}

// ---------------------------------------------------------------------------------------------
// Listing

#[test]
fn listing_pending_active_and_history_with_filters() {
    let f = fx("");
    f.pending_request("r1", ALICE, t0());
    f.submit_ok("r2", launch(BOB, "PC-2", TOOL), None, t0() + mins(1));
    f.submit_ok("r3", launch(ALICE, "PC-2", TOOL), None, t0() + mins(2));
    f.engine.approve("r2", ADMIN, None, t0() + mins(3)).unwrap();
    f.engine
        .grant(
            grant_args("g1", &["carol"], &["*"], &["tool"], "2h"),
            t0() + mins(4),
        )
        .unwrap();
    f.submit_ok("r4", launch("carol", "PC-3", TOOL), None, t0() + mins(5));
    f.engine.decline("r4", ADMIN, None, t0() + mins(6)).unwrap();
    let at = t0() + mins(10);
    let ids = |v: Vec<Request>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(f.engine.pending(at)), ["r1", "r3"]);
    assert_eq!(ids(f.engine.active(at)), ["r2", "g1"]);
    let filter =
        |user: Option<&str>, computer: Option<&str>, from: Option<i64>, until: Option<i64>| {
            let mut h = HistoryFilter::default();
            h.user = user.map(str::to_string);
            h.computer = computer.map(str::to_string);
            h.from = from.map(|m| t0() + mins(m));
            h.until = until.map(|m| t0() + mins(m));
            ids(f.engine.history(&h, at))
        };
    assert_eq!(
        filter(None, None, None, None),
        ["r1", "r2", "r3", "g1", "r4"]
    );
    assert_eq!(filter(Some(r"corp\ALICE"), None, None, None), ["r1", "r3"]);
    assert_eq!(filter(None, Some("pc-2"), None, None), ["r2", "r3"]);
    assert_eq!(filter(Some(ALICE), Some("PC-2"), None, None), ["r3"]);
    assert_eq!(filter(None, None, Some(1), None), ["r2", "r3", "g1", "r4"]);
    assert_eq!(filter(None, None, None, Some(2)), ["r1", "r2"]);
    assert_eq!(filter(None, None, Some(1), Some(4)), ["r2", "r3"]);
    assert_eq!(
        filter(Some("nobody"), None, None, None),
        Vec::<String>::new()
    );
    // reads are as of `at`: deadlines apply without a tick
    let day = t0() + TimeDelta::hours(24);
    assert_eq!(ids(f.engine.pending(day)), ["r3"]);
    assert!(f.engine.active(day).is_empty());
    let statuses: Vec<Status> = f.all(day + mins(3)).iter().map(|r| r.status).collect();
    use Status as S;
    assert_eq!(
        statuses,
        [
            S::TimedOut,
            S::Expired,
            S::TimedOut,
            S::Expired,
            S::Declined
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Racing approvals (lifecycle.md §5)

#[test]
fn racing_approvals_and_declines_exactly_one_wins() {
    const REQUESTS: usize = 100;
    const THREADS: usize = 8;
    let f = fx("");
    for i in 0..REQUESTS {
        f.pending_request(&format!("r{i}"), &format!("user{i}"), t0());
    }
    let at = t0() + mins(1);
    for i in 0..REQUESTS {
        let id = format!("r{i}");
        let with_revision = i % 2 == 1;
        let barrier = Barrier::new(THREADS);
        let results: Vec<(usize, Result<Request, RequestError>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS)
                .map(|k| {
                    let (engine, barrier, id) = (&f.engine, &barrier, &id);
                    s.spawn(move || {
                        let by = format!("admin{k}");
                        let opts = if with_revision {
                            at_revision(1)
                        } else {
                            CommandOptions::default()
                        };
                        barrier.wait();
                        let r = if k % 2 == 0 {
                            engine.approve_with(id, &by, None, at, &opts)
                        } else {
                            engine.decline_with(id, &by, None, at, &opts)
                        };
                        (k, r)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<&(usize, Result<Request, RequestError>)> =
            results.iter().filter(|(_, r)| r.is_ok()).collect();
        assert_eq!(winners.len(), 1, "{id}: {results:?}");
        for (_, r) in &results {
            if let Err(e) = r {
                assert_eq!(e.code, ErrorCode::InvalidTransition, "{id}: {e}");
            }
        }
        let (k, won) = winners[0];
        let won = won.as_ref().unwrap();
        let want = if k % 2 == 0 {
            Status::Active
        } else {
            Status::Declined
        };
        assert_eq!(won.status, want);
        assert_eq!(won.decided_by, Some(format!("admin:admin{k}")));
        let stored = f.engine.get(&id, at).unwrap();
        assert_eq!(&stored, won);
        assert_eq!(stored.revision, 2);
    }
    let events = f.sink.events();
    for i in 0..REQUESTS {
        let id = format!("r{i}");
        let n = events
            .iter()
            .filter(|e| e.request_id.as_deref() == Some(id.as_str()))
            .filter(|e| {
                matches!(
                    e.kind,
                    EventType::RequestApproved | EventType::RequestDeclined
                )
            })
            .count();
        assert_eq!(n, 1, "{id}: one decision event");
    }
}

#[test]
fn among_covering_grants_the_smallest_rule_string_wins_and_is_audited() {
    let f = fx("");
    f.pending_request("r9", ALICE, t0());
    f.engine.approve("r9", ADMIN, None, t0()).unwrap();
    f.engine
        .grant(grant_args("g2", &["*"], &["*"], &["tool"], "1h"), t0())
        .unwrap();
    f.engine
        .grant(
            grant_args("g10", &[ALICE], &["PC-1"], &["tool"], "1h"),
            t0(),
        )
        .unwrap();
    let n = f.event_count();
    let d = f.eval(&tool(ALICE), t0());
    assert_eq!(d.rule.as_deref(), Some("grant:g10"));
    assert_eq!(d.shadowed[..2], ["grant:g2", "grant:r9"]);
    let e = &f.sink.events()[n];
    assert_eq!(e.kind, EventType::ElevationPerformed);
    assert_eq!(e.request_id.as_deref(), Some("g10"));
    assert_eq!(e.rule.as_deref(), Some("grant:g10"));
    f.engine.revoke("g10", ADMIN, None, t0()).unwrap();
    assert_eq!(f.rule(&tool(ALICE), t0()), elevates("grant:g2"));
    f.engine.revoke("g2", ADMIN, None, t0()).unwrap();
    assert_eq!(f.rule(&tool(ALICE), t0()), elevates("grant:r9"));
}

#[test]
fn schedule_to_24_00_ends_at_midnight() {
    let rules = "autonomousApproval:
  enabled: true
  rules:
    - id: late
      action: approve
      when: { schedule: { days: [sat], from: '22:00', to: '24:00', timeZone: UTC } }
";
    let probe = |s: &str| decide(rules, tool(ALICE), None, JUST, t(s));
    assert_eq!(probe("2026-11-28T21:59:59Z"), PENDING);
    assert_eq!(probe("2026-11-28T22:00:00Z"), active_by("late"));
    assert_eq!(probe("2026-11-28T23:59:59Z"), active_by("late"));
    assert_eq!(probe("2026-11-29T00:00:00Z"), PENDING);
}

/// The engine knows the requester's SID from the launch: an administrator account named by that
/// SID is the requester (policy.md: where the contract is silent, prefer the safer answer).
#[test]
fn self_approval_by_the_requesters_sid_is_refused() {
    let f = fx("");
    let both = json!({ "user": { "name": ALICE, "sid": ALICE_SID }, "computer": { "name": "PC-1" }, "path": TOOL });
    f.submit_ok("r1", launch_value(both), None, t0());
    f.fails(ErrorCode::SelfApproval, t0(), |e| {
        e.approve("r1", ALICE_SID, None, t0())
    });
    f.fails(ErrorCode::SelfApproval, t0(), |e| {
        e.decline("r1", ALICE_SID, None, t0())
    });
}

fn with_sid(name: Option<&str>, computer: &str, path: &str) -> Launch {
    let user = match name {
        Some(n) => json!({ "name": n, "sid": ALICE_SID }),
        None => json!({ "sid": ALICE_SID }),
    };
    launch_value(json!({ "user": user, "computer": { "name": computer }, "path": path }))
}

/// The requester may be named by the SID of the request's user, for cancel and relinquish as
/// for `selfApproval`.
#[test]
fn the_requester_may_act_by_sid() {
    let f = fx("");
    f.submit_ok("r1", with_sid(Some(ALICE), "PC-1", TOOL), Some("1h"), t0());
    f.fails(ErrorCode::SelfApproval, t0(), |e| {
        e.approve("r1", &ALICE_SID.to_lowercase(), None, t0())
    });
    let r = f.engine.cancel("r1", Some(ALICE_SID), t0()).unwrap();
    assert_eq!(r.status, Status::Cancelled);
    f.submit_ok("r2", with_sid(Some(ALICE), "PC-1", TOOL), Some("1h"), t0());
    f.engine.approve("r2", ADMIN, None, t0()).unwrap();
    f.fails(ErrorCode::NotRequester, t0(), |e| {
        e.relinquish("r2", Some("S-1-5-21-1-2-3-9999"), t0())
    });
    let r = f.engine.relinquish("r2", Some(ALICE_SID), t0()).unwrap();
    assert_eq!(r.status, Status::Relinquished);
}

/// `maxPerUser` counts the requester's autonomous approvals whether a request named the user
/// by name and SID or by the SID alone.
#[test]
fn max_per_user_counts_a_user_known_by_name_or_sid() {
    let f = fx(QUOTA);
    let on = active_by("quota");
    let s = |id: &str, name: Option<&str>, n: u32, at: DateTime<Utc>| {
        let path = format!(r"C:\Tools\tool{n}.exe");
        let r = f.submit_ok(id, with_sid(name, "PC-1", &path), Some("10m"), at);
        (r.status, r.decided_by)
    };
    assert_eq!(s("a1", Some(ALICE), 1, t0()), on);
    assert_eq!(s("a2", None, 2, t0() + mins(1)), on);
    assert_eq!(s("a3", Some(ALICE), 3, t0() + mins(2)), PENDING);
    assert_eq!(s("a4", None, 4, t0() + mins(3)), PENDING);
}

/// Request JSON uses the spec's camelCase names throughout, and journals written with the old
/// `privilege_list` spelling still load.
#[test]
fn request_json_is_camel_case_and_reads_the_old_spelling() {
    let f = fx("");
    let r = f.submit_ok("r1", tool(ALICE), Some("1h"), t0());
    let v = serde_json::to_value(&r).unwrap();
    let origin = &v["origin"];
    assert_eq!(origin["kind"], "submitted", "{v}");
    assert!(origin.get("privilegeList").is_some(), "{v}");
    assert!(origin.get("privilege_list").is_none(), "{v}");
    let old = serde_json::to_string(&v)
        .unwrap()
        .replace("\"privilegeList\"", "\"privilege_list\"");
    let back: jitaccess::lifecycle::Request = serde_json::from_str(&old).unwrap();
    assert_eq!(back, r);
}
