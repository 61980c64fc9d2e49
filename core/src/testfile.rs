//! Policy test files (testing.md): single-launch `cases` and multi-step `scenarios`.
//!
//! [`run_file`] loads a test file (YAML or JSON), loads its policy (a path relative to the
//! file, or inline), runs every case and reports each failure with what was expected and what
//! came back. Each case counts as one test. Scenarios need the request lifecycle, which is not
//! built yet: until it is, every scenario is reported as **failed** with the message
//! "scenarios are not supported yet" — never as passed.
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

use crate::policy::load::{self, Cx, P};
use crate::source::{self, Format, Limits, Node, Value};
use crate::{CompiledPolicy, Decision, Duration, Launch, Outcome, Policy, Warning};

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
    pub scenarios: Vec<(String, Node)>,
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
    let present = |m: &mut load::MapR<'_>, key: &'static str| -> Option<Option<Node>> {
        let was = m.get(key).cloned();
        // `get` hides nulls; tell "absent" from "null" by looking at the raw entries.
        match was {
            Some(n) => Some(Some(n)),
            None => match &node.value {
                Value::Map(entries) if entries.iter().any(|en| en.key == key) => Some(None),
                _ => None,
            },
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
        _ => {}
    }
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
                    if let Some(c) = read_case(&mut cx, &defaults, item, &ip) {
                        cases.push(c);
                    }
                }
            }
        }
        let mut scenarios = Vec::new();
        if let Some(n) = m.get("scenarios") {
            let sp = P::Key(&p, "scenarios");
            if let Some(items) = load::seq(&mut cx, n, &sp) {
                for (i, item) in items.iter().enumerate() {
                    let name = item
                        .get("name")
                        .and_then(Node::as_str)
                        .map_or_else(|| format!("scenarios[{i}]"), str::to_string);
                    scenarios.push((name, item.clone()));
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
    for (name, _) in &tf.scenarios {
        report.push(TestResult {
            file: tf.file.clone(),
            name: name.clone(),
            passed: false,
            message: Some(
                "scenarios are not supported yet (the request lifecycle is not built)".into(),
            ),
        });
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
