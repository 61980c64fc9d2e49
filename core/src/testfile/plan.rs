//! Test files as plain JSON plans, for faces that run the conformance vectors through their
//! own calls (the C ABI, C#): [`to_json_plan`] resolves a test file into JSON, and
//! [`check_expectation`] compares one actual result with one expectation by the rules of
//! testing.md (durations and times by value, user names case-insensitively).
//!
//! A plan is an object:
//!
//! ```json
//! { "file": "vectors/decisions.yaml",
//!   "policy": { "format": "yaml", "text": "apiVersion: jitaccess/v1\n…" },
//!   "cases": [ { "name": "…", "at": "2026-01-01T00:00:00Z", "launch": {…}, "expect": {…} } ],
//!   "scenarios": [ { "name": "…", "audit": ["request.submitted"] | null,
//!                    "steps": [ { "at": "…", "action": "submit", "args": {…}, "expect": {…} } ] } ] }
//! ```
//!
//! Every launch (of a case, a `launch` step's `args`, a `submit`'s `args.launch`) already has
//! `launchDefaults` merged in; every case and step has its `at` (the default time, or the
//! previous step's). `expect` is the expectation as written in the file.
//!
//! ```
//! let dir = std::env::temp_dir().join(format!("jitaccess-plan-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let file = dir.join("t.yaml");
//! std::fs::write(&file, r#"
//! policy:
//!   apiVersion: jitaccess/v1
//!   name: t
//!   applications: [{ id: shells, fileName: cmd.exe }]
//!   privilegeLists: [{ id: no-shells, elevation: deny, applications: [shells] }]
//! launchDefaults: { user: { name: alice } }
//! cases:
//!   - name: cmd is denied
//!     launch: { path: 'C:\Windows\System32\cmd.exe' }
//!     expect: { outcome: deny, rule: no-shells/shells }
//! "#).unwrap();
//! let plan = jitaccess::testfile::to_json_plan(&file).unwrap();
//! let case = &plan["cases"][0];
//! assert_eq!(case["launch"]["user"]["name"], "alice");
//! assert_eq!(case["at"], "2026-01-01T00:00:00Z");
//!
//! let policy = jitaccess::Policy::from_json(plan["policy"]["text"].as_str().unwrap()).unwrap();
//! let launch = jitaccess::Launch::from_value(case["launch"].clone()).unwrap();
//! let decision = policy.compile().evaluate(&launch, jitaccess::default_test_time()).unwrap();
//! let actual = serde_json::to_value(&decision).unwrap();
//! let problems = jitaccess::testfile::check_expectation("decision", &case["expect"], &actual).unwrap();
//! assert!(problems.is_empty(), "{problems:?}");
//! ```

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value as Json, json};

use super::{ACTIONS, Expect, StepExpect, TestFile, TestFileError, merge};
use crate::Decision;
use crate::lifecycle::{EventType, Status};
use crate::policy::load::{Cx, P};
use crate::source::{self, Format, Limits, Node};

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse_time(v: Option<&Json>) -> Option<DateTime<Utc>> {
    let text = v?.as_str()?;
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Loads a test file (checked exactly as [`super::run_file`] checks it) and returns it as a
/// JSON plan (see the module documentation): the policy resolved to its text, `launchDefaults`
/// merged into every launch, every case and step with its time.
///
/// # Errors
/// The [`TestFileError`] of [`super::run_file`] when the file or its policy cannot be loaded.
pub fn to_json_plan(path: impl AsRef<Path>) -> Result<Json, TestFileError> {
    let path = path.as_ref();
    // Validates everything (policy included) with the same messages as `jitaccess test`.
    let tf = TestFile::load(path)?;
    let fail = |message: String| TestFileError {
        file: tf.file.clone(),
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read the test file: {e}")))?;
    let format = Format::from_path(path).unwrap_or(Format::Yaml);
    let root = source::parse(&text, format, &Limits::default())
        .map_err(|e| fail(e.to_string()))?
        .to_json();
    let policy = match root.get("policy") {
        Some(Json::String(rel)) => {
            let ppath = path.parent().unwrap_or(Path::new("")).join(rel);
            let text = std::fs::read_to_string(&ppath)
                .map_err(|e| fail(format!("cannot read {}: {e}", ppath.display())))?;
            let format = match Format::from_path(&ppath) {
                Some(Format::Json) => "json",
                _ => "yaml",
            };
            json!({ "format": format, "text": text })
        }
        Some(inline) => json!({ "format": "json", "text": inline.to_string() }),
        None => return Err(fail("missing required key 'policy'".into())),
    };
    let empty = Json::Object(Default::default());
    let defaults = root.get("launchDefaults").unwrap_or(&empty);
    let launch_of = |v: Option<&Json>| merge(defaults, v.unwrap_or(&empty));

    let mut cases = Vec::new();
    for c in root
        .get("cases")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let at = parse_time(c.get("at")).unwrap_or_else(crate::default_test_time);
        cases.push(json!({
            "name": c.get("name").cloned().unwrap_or(Json::Null),
            "at": time_text(at),
            "launch": launch_of(c.get("launch")),
            "expect": c.get("expect").cloned().unwrap_or(Json::Null),
        }));
    }
    let mut scenarios = Vec::new();
    for s in root
        .get("scenarios")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let mut at = crate::default_test_time();
        let mut steps = Vec::new();
        for step in s
            .get("steps")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(t) = parse_time(step.get("at")) {
                at = t;
            }
            let Some(action) = ACTIONS.iter().copied().find(|a| step.get(a).is_some()) else {
                continue;
            };
            let raw = step.get(action).cloned().unwrap_or(Json::Null);
            let args = match action {
                "launch" => launch_of(Some(&raw)),
                "submit" => {
                    let mut args = match raw {
                        Json::Object(m) => m,
                        _ => Default::default(),
                    };
                    let launch = launch_of(args.get("launch"));
                    args.insert("launch".into(), launch);
                    Json::Object(args)
                }
                "tick" => empty.clone(),
                _ => raw,
            };
            steps.push(json!({
                "at": time_text(at),
                "action": action,
                "args": args,
                "expect": step.get("expect").cloned().unwrap_or_else(|| empty.clone()),
            }));
        }
        scenarios.push(json!({
            "name": s.get("name").cloned().unwrap_or(Json::Null),
            "audit": s.get("audit").cloned().unwrap_or(Json::Null),
            "steps": steps,
        }));
    }
    Ok(json!({
        "file": tf.file,
        "policy": policy,
        "cases": cases,
        "scenarios": scenarios,
    }))
}

/// Compares one actual result with one expectation of a plan, by the rules of testing.md;
/// returns the mismatches, one sentence each (empty: the test passed).
///
/// `kind` says what is compared:
/// - `"decision"`: the `expect` of a case or `launch` step against a decision's JSON, or
///   against `{"error": {"code": …, "message": …}}` when the launch was refused;
/// - `"request"`: the `expect` of a command step against `{"request": <request JSON or null>}`
///   or `{"error": {"code": "<lifecycle code>", "message": …}}` (for `tick` with an `id`, the
///   request is the one read back with that id);
/// - `"audit"`: a scenario's `audit` list against the events its steps emitted (an array of
///   event type strings, or of event objects with a `type`); `policy.loaded` is left out.
///
/// # Errors
/// A message when `kind` is unknown or the expectation or the actual value is malformed.
///
/// ```
/// use serde_json::json;
/// use jitaccess::testfile::check_expectation;
/// let expect = json!({ "status": "active", "decidedBy": "admin:corp\\BOB", "notAfter": "2026-11-23T10:30:00+01:00" });
/// let actual = json!({ "request": { "status": "active", "decidedBy": "admin:CORP\\bob", "notAfter": "2026-11-23T09:30:00Z" } });
/// assert!(check_expectation("request", &expect, &actual).unwrap().is_empty());
/// let actual = json!({ "error": { "code": "notFound", "message": "no request 'r9'" } });
/// assert_eq!(check_expectation("request", &expect, &actual).unwrap().len(), 1);
/// ```
pub fn check_expectation(kind: &str, expect: &Json, actual: &Json) -> Result<Vec<String>, String> {
    match kind {
        "decision" => check_decision(expect, actual),
        "request" => check_request(expect, actual),
        "audit" => check_audit(expect, actual),
        other => Err(format!(
            "unknown kind '{other}': expected decision, request or audit"
        )),
    }
}

fn errors_of(cx: Cx) -> String {
    cx.errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn actual_error(actual: &Json) -> Option<(String, String)> {
    let e = actual.get("error")?;
    let code = e
        .get("code")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let message = e
        .get("message")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    Some((code, message))
}

fn check_decision(expect: &Json, actual: &Json) -> Result<Vec<String>, String> {
    let mut cx = Cx { errors: Vec::new() };
    let node = Node::from_json(expect);
    let parsed: Option<Expect> =
        super::read_expect(&mut cx, &node, &P::Key(&P::Root, "expect"), false);
    let e = match parsed {
        Some(e) if cx.errors.is_empty() => e,
        _ => return Err(errors_of(cx)),
    };
    if let Some((code, message)) = actual_error(actual) {
        return Ok(vec![format!("the launch is malformed ({code}): {message}")]);
    }
    let d: Decision = serde_json::from_value(actual.clone())
        .map_err(|e| format!("the actual value is not a decision: {e}"))?;
    Ok(e.check(&d))
}

fn check_request(expect: &Json, actual: &Json) -> Result<Vec<String>, String> {
    let mut cx = Cx { errors: Vec::new() };
    let node = Node::from_json(expect);
    let parsed: Option<StepExpect> =
        super::read_step_expect(&mut cx, &node, &P::Key(&P::Root, "expect"), false);
    let ex = match parsed {
        Some(e) if cx.errors.is_empty() => e,
        _ => return Err(errors_of(cx)),
    };
    let mut problems = Vec::new();
    if let Some((code, message)) = actual_error(actual) {
        match ex.error {
            Some(want) if want.as_str() == code => {}
            Some(want) => problems.push(format!(
                "error: expected {}, got {code} ({message})",
                want.as_str()
            )),
            None => problems.push(format!("unexpected error {code}: {message}")),
        }
        return Ok(problems);
    }
    if let Some(code) = ex.error {
        problems.push(format!(
            "error: expected {}, but the step succeeded",
            code.as_str()
        ));
    }
    // Read the three compared fields from the JSON, so that a partial request also checks.
    let req = match actual.get("request") {
        None | Some(Json::Null) => None,
        Some(r) => Some(r),
    };
    if ex.status.is_none() && ex.decided_by.is_none() && ex.not_after.is_none() {
        return Ok(problems);
    }
    let Some(r) = req else {
        problems.push("expected a request, but the step names none (give `id`)".to_string());
        return Ok(problems);
    };
    let text = |key: &str| r.get(key).and_then(Json::as_str);
    if let Some(s) = ex.status {
        let got = text("status").unwrap_or("null");
        if got.parse::<Status>().ok() != Some(s) {
            problems.push(format!("status: expected {}, got {got}", s.as_str()));
        }
    }
    if let Some(d) = &ex.decided_by
        && !text("decidedBy").is_some_and(|got| super::decided_by_eq(got, d))
    {
        problems.push(format!(
            "decidedBy: expected {d}, got {}",
            text("decidedBy").unwrap_or("null")
        ));
    }
    if let Some(t) = ex.not_after {
        let got = parse_time(r.get("notAfter"));
        if got != Some(t) {
            problems.push(format!(
                "notAfter: expected {}, got {}",
                t.to_rfc3339(),
                got.map_or("null".to_string(), |x| x.to_rfc3339())
            ));
        }
    }
    Ok(problems)
}

fn check_audit(expect: &Json, actual: &Json) -> Result<Vec<String>, String> {
    let strings = |v: &Json, what: &str| -> Result<Vec<String>, String> {
        v.as_array()
            .ok_or_else(|| format!("the {what} audit value is not an array"))?
            .iter()
            .map(|e| {
                e.as_str()
                    .or_else(|| e.get("type").and_then(Json::as_str))
                    .map(str::to_string)
                    .ok_or_else(|| format!("the {what} audit list holds a non-event: {e}"))
            })
            .collect()
    };
    let want = strings(expect, "expected")?;
    let got: Vec<String> = strings(actual, "actual")?
        .into_iter()
        .filter(|t| t != EventType::PolicyLoaded.as_str())
        .collect();
    Ok(if want == got {
        Vec::new()
    } else {
        vec![format!(
            "audit: expected [{}], got [{}]",
            want.join(", "),
            got.join(", ")
        )]
    })
}
