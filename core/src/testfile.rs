//! Policy test files (testing.md): single-launch `cases` and multi-step `scenarios`.
//!
//! [`run_file`] loads a test file (YAML or JSON), loads its policy (a path relative to the
//! file, or inline), runs every case and reports each failure with what was expected and what
//! came back. Each case, each scenario step and each `audit` expectation counts as one test; a
//! step after a failed step still runs. Every scenario starts from an empty
//! [`crate::lifecycle::Engine`]; its events go to an in-memory sink, which the `audit`
//! expectation reads.
//!
//! ```
//! let dir = std::env::temp_dir().join(format!("jitaccess-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let file = dir.join("t.yaml");
//! std::fs::write(&file, r#"
//! policy:
//!   apiVersion: jitaccess/v1
//!   name: t
//!   applications: [{ id: shells, fileName: cmd.exe }]
//!   privilegeLists: [{ id: no-shells, elevation: deny, applications: [shells] }]
//! cases:
//!   - name: cmd is denied
//!     launch: { path: 'C:\Windows\System32\cmd.exe' }
//!     expect: { outcome: deny, rule: no-shells/shells }
//! "#).unwrap();
//! let report = jitaccess::testfile::run_file(&file).unwrap();
//! assert_eq!((report.passed, report.failed), (1, 0));
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::fold::fold_eq;
use crate::lifecycle::{
    Engine, ErrorCode, EventType, GrantArgs, MemorySink, MemoryStore, Request, RequestError,
    Status, SubmitArgs,
};
use crate::policy::load::{self, Cx, P};
use crate::source::{self, Format, Limits, Node, Value};
use crate::{CompiledPolicy, Decision, Duration, Launch, Outcome, Policy, Warning};

mod plan;
pub use plan::{check_expectation, to_json_plan};

/// A test file that could not be loaded (exit code 2 of `jitaccess test`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
#[non_exhaustive]
pub struct TestFileError {
    /// The test file.
    pub file: String,
    /// Why it could not be loaded; several problems are on separate lines.
    pub message: String,
}

/// The result of one test: a case, a scenario step or an audit expectation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TestResult {
    /// The test file.
    pub file: String,
    /// The case name (for scenario steps: `scenario name / step N`).
    pub name: String,
    /// Whether every expectation held.
    pub passed: bool,
    /// For a failure: what was expected and what came back, one mismatch per line.
    pub message: Option<String>,
}

/// The results of one or more test files.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TestReport {
    /// Number of tests that passed.
    pub passed: usize,
    /// Number of tests that failed.
    pub failed: usize,
    /// Every test, in file order.
    pub results: Vec<TestResult>,
}

impl TestReport {
    fn push(&mut self, r: TestResult) {
        if r.passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.results.push(r);
    }

    /// Adds the results of another report.
    pub fn merge(&mut self, other: TestReport) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.results.extend(other.results);
    }

    /// The closing line of testing.md: `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// What a case or a `launch` step expects (testing.md).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Expect {
    pub outcome: Option<Outcome>,
    /// `Some(None)`: expects no winner.
    pub rule: Option<Option<String>>,
    pub warnings: Option<BTreeSet<Warning>>,
    pub shadowed: Option<Vec<String>>,
    pub max_duration: Option<Option<Duration>>,
    pub elevation: Option<Option<String>>,
}

impl Expect {
    /// Mismatches between the expectation and a decision, one line each.
    pub(crate) fn check(&self, d: &Decision) -> Vec<String> {
        let mut out = Vec::new();
        let show = |o: &Option<String>| o.clone().map_or("null".to_string(), |s| s);
        if let Some(o) = self.outcome
            && d.outcome != o
        {
            out.push(format!(
                "outcome: expected {}, got {}",
                o.as_str(),
                d.outcome.as_str()
            ));
        }
        if let Some(r) = &self.rule
            && &d.rule != r
        {
            out.push(format!("rule: expected {}, got {}", show(r), show(&d.rule)));
        }
        if let Some(w) = &self.warnings {
            let got: BTreeSet<Warning> = d.warnings.iter().copied().collect();
            if &got != w {
                let fmt = |s: &BTreeSet<Warning>| {
                    format!(
                        "[{}]",
                        s.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(", ")
                    )
                };
                out.push(format!("warnings: expected {}, got {}", fmt(w), fmt(&got)));
            }
        }
        if let Some(s) = &self.shadowed
            && &d.shadowed != s
        {
            out.push(format!(
                "shadowed: expected [{}], got [{}]",
                s.join(", "),
                d.shadowed.join(", ")
            ));
        }
        if let Some(m) = &self.max_duration
            && &d.max_duration != m
        {
            let f = |m: &Option<Duration>| m.map_or("null".to_string(), |d| d.to_string());
            out.push(format!(
                "maxDuration: expected {}, got {}",
                f(m),
                f(&d.max_duration)
            ));
        }
        if let Some(e) = &self.elevation {
            let got = d.elevation.map(|e| e.as_str().to_string());
            if &got != e {
                out.push(format!(
                    "elevation: expected {}, got {}",
                    show(e),
                    show(&got)
                ));
            }
        }
        if !out.is_empty() {
            out.push(format!("reason: {}", d.reason));
        }
        out
    }
}

struct Case {
    name: String,
    at: DateTime<Utc>,
    launch: Launch,
    expect: Expect,
}

/// A loaded test file.
pub(crate) struct TestFile {
    pub file: String,
    pub policy: CompiledPolicy,
    cases: Vec<Case>,
    scenarios: Vec<Scenario>,
}

/// Merges `overlay` onto `base` (testing.md `launchDefaults`): objects merge key by key, other
/// values replace, null removes the key.
pub(crate) fn merge(base: &Json, overlay: &Json) -> Json {
    match (base, overlay) {
        (Json::Object(b), Json::Object(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = match out.get(k) {
                        Some(bv) => merge(bv, v),
                        None => strip_nulls(v),
                    };
                    out.insert(k.clone(), merged);
                }
            }
            Json::Object(out)
        }
        _ => strip_nulls(overlay),
    }
}

fn strip_nulls(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Reads `expect` of a case or a `launch` step.
pub(crate) fn read_expect(
    cx: &mut Cx,
    node: &Node,
    p: &P<'_>,
    require_outcome: bool,
) -> Option<Expect> {
    let mut m = load::map(cx, node, p)?;
    let mut e = Expect::default();
    // `get` hides nulls: `Some(None)` is a key given as null.
    let present = |m: &mut load::MapR<'_>, key: &'static str| -> Option<Option<Node>> {
        match m.get(key) {
            Some(n) => Some(Some(n.clone())),
            None => m.null_span(key).map(|_| None),
        }
    };
    match present(&mut m, "outcome") {
        Some(Some(n)) => {
            let kp = P::Key(p, "outcome");
            if let Some(s) = load::string(cx, &n, &kp) {
                match s.parse::<Outcome>() {
                    Ok(o) => e.outcome = Some(o),
                    Err(msg) => cx.error(&kp, n.span, msg),
                }
            }
        }
        _ if require_outcome => cx.error(p, node.span, "missing required key 'outcome'"),
        Some(None) => cx.error(
            &P::Key(p, "outcome"),
            node.span,
            "null is not an outcome; leave the key out",
        ),
        None => {}
    }
    load::null_is_error(
        cx,
        &m,
        p,
        &["warnings", "shadowed"],
        "null is not an expectation here; give a list ([] for none) or leave the key out",
    );
    match present(&mut m, "rule") {
        Some(Some(n)) => e.rule = load::string(cx, &n, &P::Key(p, "rule")).map(Some),
        Some(None) => e.rule = Some(None),
        None => {}
    }
    if let Some(Some(n)) = present(&mut m, "warnings") {
        let kp = P::Key(p, "warnings");
        if let Some(items) = load::string_list(cx, &n, &kp) {
            let mut set = BTreeSet::new();
            for w in items {
                match w.parse::<Warning>() {
                    Ok(w) => {
                        set.insert(w);
                    }
                    Err(msg) => cx.error(&kp, n.span, msg),
                }
            }
            e.warnings = Some(set);
        }
    }
    if let Some(Some(n)) = present(&mut m, "shadowed") {
        e.shadowed = load::string_list(cx, &n, &P::Key(p, "shadowed"));
    }
    match present(&mut m, "maxDuration") {
        Some(Some(n)) => {
            e.max_duration = load::duration(cx, &n, &P::Key(p, "maxDuration")).map(Some)
        }
        Some(None) => e.max_duration = Some(None),
        None => {}
    }
    match present(&mut m, "elevation") {
        Some(Some(n)) => e.elevation = load::string(cx, &n, &P::Key(p, "elevation")).map(Some),
        Some(None) => e.elevation = Some(None),
        None => {}
    }
    m.finish(cx, p);
    Some(e)
}

/// Builds the launch of a case or step: `launchDefaults` merged under `node`.
pub(crate) fn read_launch(cx: &mut Cx, defaults: &Json, node: &Node, p: &P<'_>) -> Option<Launch> {
    let merged = merge(defaults, &node.to_json());
    match Launch::from_value(merged) {
        Ok(l) => Some(l),
        Err(e) => {
            cx.error(p, node.span, e.to_string());
            None
        }
    }
}

/// Keeps a case or scenario that was read; never drops one without an error saying why.
fn keep_or_explain<T>(
    cx: &mut Cx,
    read: Option<T>,
    out: &mut Vec<T>,
    p: &P<'_>,
    item: &Node,
    what: &str,
) {
    match read {
        Some(t) => out.push(t),
        None if cx.errors.is_empty() => {
            cx.error(p, item.span, format!("this {what} could not be read"));
        }
        None => {}
    }
}

fn errors_text(cx: Cx) -> String {
    cx.errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl TestFile {
    /// Loads a test file and its policy.
    pub(crate) fn load(path: &Path) -> Result<TestFile, TestFileError> {
        let file = path.display().to_string();
        let fail = |message: String| TestFileError {
            file: file.clone(),
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(format!("cannot read the test file: {e}")))?;
        let format = Format::from_path(path).unwrap_or(Format::Yaml);
        let root =
            source::parse(&text, format, &Limits::default()).map_err(|e| fail(e.to_string()))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();

        let mut cx = Cx { errors: Vec::new() };
        let p = P::Root;
        let Some(mut m) = load::map(&mut cx, &root, &p) else {
            return Err(fail(errors_text(cx)));
        };
        let policy = match m.get("policy") {
            Some(n) => match &n.value {
                Value::String(rel) => {
                    let ppath: PathBuf = base.join(rel);
                    Policy::from_path(&ppath)
                        .map_err(|e| fail(format!("policy {}: {e}", ppath.display())))?
                }
                Value::Map(_) => {
                    Policy::from_node(n).map_err(|e| fail(format!("inline policy: {e}")))?
                }
                other => {
                    return Err(fail(format!(
                        "policy: expected a path or an inline policy document, found {}",
                        other.kind_name()
                    )));
                }
            },
            None => {
                return Err(fail(
                    "missing required key 'policy' (a path or an inline policy)".into(),
                ));
            }
        };
        let defaults = m
            .get("launchDefaults")
            .map(Node::to_json)
            .unwrap_or(Json::Object(Default::default()));
        let mut cases = Vec::new();
        if let Some(n) = m.get("cases") {
            let cp = P::Key(&p, "cases");
            if let Some(items) = load::seq(&mut cx, n, &cp) {
                for (i, item) in items.iter().enumerate() {
                    let ip = P::Index(&cp, i);
                    let c = read_case(&mut cx, &defaults, item, &ip);
                    keep_or_explain(&mut cx, c, &mut cases, &ip, item, "case");
                }
            }
        }
        let mut scenarios = Vec::new();
        if let Some(n) = m.get("scenarios") {
            let sp = P::Key(&p, "scenarios");
            if let Some(items) = load::seq(&mut cx, n, &sp) {
                for (i, item) in items.iter().enumerate() {
                    let ip = P::Index(&sp, i);
                    let sc = read_scenario(&mut cx, &defaults, item, &ip);
                    keep_or_explain(&mut cx, sc, &mut scenarios, &ip, item, "scenario");
                }
            }
        }
        m.finish(&mut cx, &p);
        if !cx.errors.is_empty() {
            return Err(fail(errors_text(cx)));
        }
        Ok(TestFile {
            file,
            policy: policy.compile(),
            cases,
            scenarios,
        })
    }
}

fn read_case(cx: &mut Cx, defaults: &Json, node: &Node, p: &P<'_>) -> Option<Case> {
    let mut m = load::map(cx, node, p)?;
    let name = match m.get("name") {
        Some(n) => load::string(cx, n, &P::Key(p, "name")),
        None => {
            cx.error(p, node.span, "missing required key 'name'");
            None
        }
    };
    let at = match m.get("at") {
        Some(n) => load::time(cx, n, &P::Key(p, "at")),
        None => Some(crate::default_test_time()),
    };
    let launch = match m.get("launch") {
        Some(n) => read_launch(cx, defaults, n, &P::Key(p, "launch")),
        None => {
            cx.error(p, node.span, "missing required key 'launch'");
            None
        }
    };
    let expect = match m.get("expect") {
        Some(n) => read_expect(cx, n, &P::Key(p, "expect"), true),
        None => {
            cx.error(p, node.span, "missing required key 'expect'");
            None
        }
    };
    m.finish(cx, p);
    Some(Case {
        name: name?,
        at: at?,
        launch: launch?,
        expect: expect?,
    })
}

/// Runs one test file.
pub fn run_file(path: impl AsRef<Path>) -> Result<TestReport, TestFileError> {
    run_file_audited(path, &mut crate::lifecycle::NullSink)
}

/// Runs one test file and also sends every event of its scenarios, in order, to `audit`
/// (`jitaccess test --audit-log`). A failing sink fails the run with its message.
pub fn run_file_audited(
    path: impl AsRef<Path>,
    audit: &mut dyn crate::lifecycle::AuditSink,
) -> Result<TestReport, TestFileError> {
    let tf = TestFile::load(path.as_ref())?;
    let mut report = TestReport::default();
    for case in &tf.cases {
        let result = match tf.policy.evaluate(&case.launch, case.at) {
            Ok(d) => {
                let mismatches = case.expect.check(&d);
                TestResult {
                    file: tf.file.clone(),
                    name: case.name.clone(),
                    passed: mismatches.is_empty(),
                    message: (!mismatches.is_empty()).then(|| mismatches.join("\n")),
                }
            }
            Err(e) => TestResult {
                file: tf.file.clone(),
                name: case.name.clone(),
                passed: false,
                message: Some(e.to_string()),
            },
        };
        report.push(result);
    }
    for sc in &tf.scenarios {
        let (results, events) = run_scenario(&tf, sc);
        for r in results {
            report.push(r);
        }
        for e in &events {
            audit.record(e).map_err(|m| TestFileError {
                file: tf.file.clone(),
                message: format!("the audit log failed: {m}"),
            })?;
        }
    }
    Ok(report)
}

/// Runs several test files; stops at the first file that cannot be loaded.
pub fn run_files<I, T>(paths: I) -> Result<TestReport, TestFileError>
where
    I: IntoIterator<Item = T>,
    T: AsRef<Path>,
{
    let mut report = TestReport::default();
    for p in paths {
        report.merge(run_file(p)?);
    }
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/// What a scenario step does.
enum Action {
    Submit {
        id: String,
        launch: Launch,
        /// The duration as written.
        duration: Option<String>,
        justification: Option<String>,
    },
    Approve {
        id: String,
        by: String,
        comment: Option<String>,
    },
    Decline {
        id: String,
        by: String,
        reason: Option<String>,
    },
    Cancel {
        id: String,
        by: Option<String>,
    },
    Revoke {
        id: String,
        by: String,
        reason: Option<String>,
    },
    Relinquish {
        id: String,
        by: Option<String>,
    },
    Grant {
        args: GrantArgs,
    },
    Launch(Launch),
    Tick,
}

#[derive(Default)]
struct StepExpect {
    status: Option<Status>,
    decided_by: Option<String>,
    not_after: Option<DateTime<Utc>>,
    error: Option<ErrorCode>,
    id: Option<String>,
    decision: Option<Expect>,
}

struct Step {
    at: DateTime<Utc>,
    action: Action,
    expect: StepExpect,
}

struct Scenario {
    name: String,
    audit: Option<Vec<String>>,
    steps: Vec<Step>,
}

const ACTIONS: [&str; 9] = [
    "submit",
    "approve",
    "decline",
    "cancel",
    "revoke",
    "relinquish",
    "grant",
    "launch",
    "tick",
];

fn opt_string(cx: &mut Cx, m: &mut load::MapR<'_>, key: &'static str, p: &P<'_>) -> Option<String> {
    m.get(key)
        .and_then(|n| load::string(cx, n, &P::Key(p, key)))
}

fn req_string(
    cx: &mut Cx,
    m: &mut load::MapR<'_>,
    key: &'static str,
    node: &Node,
    p: &P<'_>,
) -> Option<String> {
    let v = opt_string(cx, m, key, p);
    if v.is_none() && node.get(key).is_none() {
        cx.error(p, node.span, format!("missing required key '{key}'"));
    }
    v
}

fn strings(cx: &mut Cx, m: &mut load::MapR<'_>, key: &'static str, p: &P<'_>) -> Vec<String> {
    m.get(key)
        .and_then(|n| match &n.value {
            Value::Seq(_) => load::string_list(cx, n, &P::Key(p, key)),
            _ => load::string(cx, n, &P::Key(p, key)).map(|s| vec![s]),
        })
        .unwrap_or_default()
}

fn read_action(cx: &mut Cx, defaults: &Json, kind: &str, node: &Node, p: &P<'_>) -> Option<Action> {
    if kind == "launch" {
        return read_launch(cx, defaults, node, p).map(Action::Launch);
    }
    let mut m = load::map(cx, node, p)?;
    let action = match kind {
        "submit" => {
            let id = req_string(cx, &mut m, "id", node, p);
            let launch = match m.get("launch") {
                Some(n) => read_launch(cx, defaults, n, &P::Key(p, "launch")),
                None => read_launch(
                    cx,
                    defaults,
                    &Node::from_json(&Json::Object(Default::default())),
                    &P::Key(p, "launch"),
                ),
            };
            let duration = opt_string(cx, &mut m, "duration", p);
            let justification = opt_string(cx, &mut m, "justification", p);
            Some(Action::Submit {
                id: id?,
                launch: launch?,
                duration,
                justification,
            })
        }
        "approve" | "decline" | "revoke" => {
            let id = req_string(cx, &mut m, "id", node, p);
            let by = req_string(cx, &mut m, "by", node, p);
            let extra = opt_string(
                cx,
                &mut m,
                if kind == "approve" {
                    "comment"
                } else {
                    "reason"
                },
                p,
            );
            let (id, by) = (id?, by?);
            Some(match kind {
                "approve" => Action::Approve {
                    id,
                    by,
                    comment: extra,
                },
                "decline" => Action::Decline {
                    id,
                    by,
                    reason: extra,
                },
                _ => Action::Revoke {
                    id,
                    by,
                    reason: extra,
                },
            })
        }
        "cancel" | "relinquish" => {
            let id = req_string(cx, &mut m, "id", node, p)?;
            let by = opt_string(cx, &mut m, "by", p);
            Some(if kind == "cancel" {
                Action::Cancel { id, by }
            } else {
                Action::Relinquish { id, by }
            })
        }
        "grant" => {
            let id = req_string(cx, &mut m, "id", node, p);
            let by = req_string(cx, &mut m, "by", node, p);
            let users = strings(cx, &mut m, "user", p);
            let computers = strings(cx, &mut m, "computer", p);
            let applications = strings(cx, &mut m, "applications", p);
            let duration = match m.get("duration") {
                Some(n) => load::duration(cx, n, &P::Key(p, "duration")),
                None => {
                    cx.error(p, node.span, "missing required key 'duration'");
                    None
                }
            };
            Some(Action::Grant {
                args: GrantArgs::new(id?, by?, users, computers, applications, duration?),
            })
        }
        _ => Some(Action::Tick),
    };
    m.finish(cx, p);
    action
}

fn read_step_expect(cx: &mut Cx, node: &Node, p: &P<'_>, launch: bool) -> Option<StepExpect> {
    if launch {
        return read_expect(cx, node, p, false).map(|e| StepExpect {
            decision: Some(e),
            ..StepExpect::default()
        });
    }
    let mut m = load::map(cx, node, p)?;
    // A null here would check nothing; say so rather than pass silently.
    load::null_is_error(
        cx,
        &m,
        p,
        &["status", "decidedBy", "notAfter", "error", "id"],
        "null is not an expectation here; leave the key out",
    );
    let mut e = StepExpect::default();
    if let Some(n) = m.get("status") {
        let kp = P::Key(p, "status");
        if let Some(s) = load::string(cx, n, &kp) {
            match s.parse::<Status>() {
                Ok(st) => e.status = Some(st),
                Err(msg) => cx.error(&kp, n.span, msg),
            }
        }
    }
    e.decided_by = opt_string(cx, &mut m, "decidedBy", p);
    if let Some(n) = m.get("notAfter") {
        e.not_after = load::time(cx, n, &P::Key(p, "notAfter"));
    }
    if let Some(n) = m.get("error") {
        let kp = P::Key(p, "error");
        if let Some(s) = load::string(cx, n, &kp) {
            match s.parse::<ErrorCode>() {
                Ok(c) => e.error = Some(c),
                Err(msg) => cx.error(&kp, n.span, msg),
            }
        }
    }
    e.id = opt_string(cx, &mut m, "id", p);
    m.finish(cx, p);
    Some(e)
}

/// Whether a request's `decidedBy` is the expected one (testing.md: names of users compare
/// case-insensitively, everything else exactly): `admin:<name>` folds the name, while the prefix
/// and a `policy:<rule id>` compare exactly.
pub(crate) fn decided_by_eq(got: &str, want: &str) -> bool {
    match (got.split_once(':'), want.split_once(':')) {
        (Some(("admin", g)), Some(("admin", w))) => fold_eq(g, w),
        _ => got == want,
    }
}

fn read_scenario(cx: &mut Cx, defaults: &Json, node: &Node, p: &P<'_>) -> Option<Scenario> {
    let mut m = load::map(cx, node, p)?;
    let name = req_string(cx, &mut m, "name", node, p);
    let audit = m
        .get("audit")
        .and_then(|n| load::string_list(cx, n, &P::Key(p, "audit")));
    let mut steps = Vec::new();
    let mut at = crate::default_test_time();
    let mut ok = true;
    match m.get("steps") {
        Some(n) => {
            let sp = P::Key(p, "steps");
            for (i, item) in load::seq(cx, n, &sp).unwrap_or_default().iter().enumerate() {
                let ip = P::Index(&sp, i);
                let Some(mut sm) = load::map(cx, item, &ip) else {
                    ok = false;
                    continue;
                };
                if let Some(tn) = sm.get("at")
                    && let Some(t) = load::time(cx, tn, &P::Key(&ip, "at"))
                {
                    if t < at && i > 0 {
                        cx.error(
                            &P::Key(&ip, "at"),
                            tn.span,
                            format!(
                                "time goes backwards: {} is before the previous step's {}",
                                t.to_rfc3339(),
                                at.to_rfc3339()
                            ),
                        );
                        ok = false;
                    }
                    at = t;
                }
                let present: Vec<&str> = ACTIONS
                    .iter()
                    .copied()
                    .filter(|a| item.get(a).is_some())
                    .collect();
                let mut action = None;
                let mut kind = "";
                match present.as_slice() {
                    [one] => {
                        kind = one;
                        let key: &'static str =
                            ACTIONS.iter().copied().find(|a| a == one).unwrap_or("tick");
                        if let Some(an) = sm.get(key) {
                            action = read_action(cx, defaults, key, an, &P::Key(&ip, key));
                        } else if key == "tick" {
                            action = Some(Action::Tick);
                        } else {
                            // `approve:` with nothing after it: an action without its fields.
                            cx.error(
                                &P::Key(&ip, key),
                                sm.null_span(key).unwrap_or(item.span),
                                format!("'{key}' is null; it needs its fields (see testing.md)"),
                            );
                        }
                    }
                    [] => cx.error(
                        &ip,
                        item.span,
                        format!("a step needs one action: {}", ACTIONS.join(", ")),
                    ),
                    many => cx.error(
                        &ip,
                        item.span,
                        format!("a step holds exactly one action, found {}", many.join(", ")),
                    ),
                }
                let expect = match sm.get("expect") {
                    Some(en) => read_step_expect(cx, en, &P::Key(&ip, "expect"), kind == "launch"),
                    None => Some(StepExpect::default()),
                };
                sm.finish(cx, &ip);
                match (action, expect) {
                    (Some(action), Some(expect)) => steps.push(Step { at, action, expect }),
                    _ => ok = false,
                }
            }
        }
        None => cx.error(p, node.span, "missing required key 'steps'"),
    }
    m.finish(cx, p);
    (ok && cx.errors.is_empty()).then_some(())?;
    Some(Scenario {
        name: name?,
        audit,
        steps,
    })
}

/// Runs one scenario from an empty engine.
fn run_scenario(tf: &TestFile, sc: &Scenario) -> (Vec<TestResult>, Vec<crate::lifecycle::Event>) {
    let sink = MemorySink::default();
    let mut results = Vec::new();
    let engine = match Engine::new(
        tf.policy.clone(),
        Box::new(MemoryStore),
        Box::new(sink.clone()),
    ) {
        Ok(e) => e,
        Err(e) => {
            let failed = TestResult {
                file: tf.file.clone(),
                name: sc.name.clone(),
                passed: false,
                message: Some(e.to_string()),
            };
            return (vec![failed], Vec::new());
        }
    };
    for (n, step) in sc.steps.iter().enumerate() {
        let mut problems = Vec::new();
        let at = step.at;
        let outcome: Result<Option<Request>, RequestError> = match &step.action {
            Action::Submit {
                id,
                launch,
                duration,
                justification,
            } => engine
                .submit(
                    SubmitArgs::with_duration_text(
                        id.clone(),
                        launch.clone(),
                        duration.as_deref(),
                        justification.clone(),
                    ),
                    at,
                )
                .map(Some),
            Action::Approve { id, by, comment } => {
                engine.approve(id, by, comment.as_deref(), at).map(Some)
            }
            Action::Decline { id, by, reason } => {
                engine.decline(id, by, reason.as_deref(), at).map(Some)
            }
            Action::Cancel { id, by } => engine.cancel(id, by.as_deref(), at).map(Some),
            Action::Revoke { id, by, reason } => {
                engine.revoke(id, by, reason.as_deref(), at).map(Some)
            }
            Action::Relinquish { id, by } => engine.relinquish(id, by.as_deref(), at).map(Some),
            Action::Grant { args } => engine.grant(args.clone(), at).map(Some),
            Action::Tick => engine.tick(at).map(|_| None),
            Action::Launch(launch) => {
                match engine.evaluate(launch, at) {
                    Ok(d) => {
                        if let Some(e) = &step.expect.decision {
                            problems.extend(e.check(&d));
                        }
                    }
                    Err(e) => problems.push(format!("the launch is malformed: {e}")),
                }
                Ok(None)
            }
        };
        let ex = &step.expect;
        match outcome {
            Err(e) => match ex.error {
                Some(code) if code == e.code => {}
                Some(code) => problems.push(format!(
                    "error: expected {}, got {} ({})",
                    code.as_str(),
                    e.code.as_str(),
                    e.message
                )),
                None => problems.push(format!(
                    "unexpected error {}: {}",
                    e.code.as_str(),
                    e.message
                )),
            },
            Ok(result) => {
                if let Some(code) = ex.error {
                    problems.push(format!(
                        "error: expected {}, but the step succeeded",
                        code.as_str()
                    ));
                }
                // After tick, `id` names the request to look at.
                let req = match (&step.action, &ex.id) {
                    (_, Some(id)) => engine.get(id, at).ok(),
                    _ => result,
                };
                if ex.status.is_some() || ex.decided_by.is_some() || ex.not_after.is_some() {
                    match &req {
                        None => problems.push(
                            "expected a request, but the step names none (give `id`)".to_string(),
                        ),
                        Some(r) => {
                            if let Some(s) = ex.status
                                && r.status != s
                            {
                                problems.push(format!(
                                    "status: expected {}, got {}",
                                    s.as_str(),
                                    r.status.as_str()
                                ));
                            }
                            if let Some(d) = &ex.decided_by
                                && !r
                                    .decided_by
                                    .as_deref()
                                    .is_some_and(|got| decided_by_eq(got, d))
                            {
                                problems.push(format!(
                                    "decidedBy: expected {d}, got {}",
                                    r.decided_by.as_deref().unwrap_or("null")
                                ));
                            }
                            if let Some(t) = ex.not_after
                                && r.not_after != Some(t)
                            {
                                problems.push(format!(
                                    "notAfter: expected {}, got {}",
                                    t.to_rfc3339(),
                                    r.not_after.map_or("null".to_string(), |x| x.to_rfc3339())
                                ));
                            }
                        }
                    }
                }
            }
        }
        results.push(TestResult {
            file: tf.file.clone(),
            name: format!("{} / step {}", sc.name, n + 1),
            passed: problems.is_empty(),
            message: (!problems.is_empty()).then(|| problems.join("\n")),
        });
    }
    if let Some(expected) = &sc.audit {
        let got: Vec<String> = sink
            .events()
            .iter()
            .filter(|e| e.kind != EventType::PolicyLoaded)
            .map(|e| e.kind.as_str().to_string())
            .collect();
        let passed = &got == expected;
        results.push(TestResult {
            file: tf.file.clone(),
            name: format!("{} / audit", sc.name),
            passed,
            message: (!passed).then(|| {
                format!(
                    "audit: expected [{}], got [{}]",
                    expected.join(", "),
                    got.join(", ")
                )
            }),
        });
    }
    (results, sink.events())
}
