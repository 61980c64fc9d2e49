//! The `jitaccess` command line: forms and exit codes of interfaces.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jitaccess"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).current_dir(root()).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tmp(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jitaccess-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

#[test]
fn check_valid_policy_exits_0_with_warnings_on_stderr() {
    let out = run(&["check", "../shared/vectors/policies/corp.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("valid policy 'corp-workstations'"));
    assert!(
        text(&out.stderr).contains("weakAutomatic"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_invalid_policy_exits_1_with_every_error() {
    let p = tmp(
        "bad.yaml",
        "apiVersion: jitaccess/v1\nname: x\napplications:\n  - { id: a, vendr: x }\nprivilegeLists:\n  - { id: l, elevation: deny, applications: [ghost] }\n",
    );
    let out = run(&["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("applications[0].vendr: unknown key"), "{err}");
    assert!(
        err.contains("privilegeLists[0].applications[0]: unknown application 'ghost'"),
        "{err}"
    );
    assert!(err.contains("bad.yaml"), "{err}");
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn missing_files_and_bad_usage_exit_2() {
    assert_eq!(run(&["check", "nope.yaml"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["test"]).status.code(), Some(2));
    assert_eq!(run(&["test", "nope.yaml"]).status.code(), Some(2));
    let out = run(&[
        "eval",
        "../shared/vectors/policies/corp.yaml",
        "x.json",
        "--at",
        "yesterday",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--at 'yesterday'"));
}

#[test]
fn eval_prints_the_decision_json() {
    let launch = tmp(
        "launch.json",
        r#"{"user":{"name":"CORP\\alice","groups":["CORP\\IT Admins"]},"computer":{"name":"HD-07"},"path":"C:\\Program Files\\Tools\\x.exe"}"#,
    );
    let out = run(&[
        "eval",
        "../shared/vectors/policies/corp.yaml",
        launch.to_str().unwrap(),
        "--at",
        "2026-11-24T09:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "elevate");
    assert_eq!(d["rule"], "jit:helpdesk-window");
    assert_eq!(d["shadowed"][0], "tools/tools-folder");
    assert!(d["reason"].as_str().unwrap().contains("helpdesk-window"));
}

#[test]
fn eval_reads_standard_input_and_rejects_malformed_launches() {
    use std::io::Write;
    let mut child = bin()
        .args([
            "eval",
            "../shared/vectors/policies/corp.yaml",
            "-",
            "--compact",
        ])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"path":"C:\\Windows\\System32\\cmd.exe"}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line = text(&out.stdout);
    assert_eq!(line.lines().count(), 1);
    assert!(line.contains(r#""outcome":"deny""#), "{line}");

    let bad = tmp("bad-launch.json", r#"{"path":"C:\\x.exe","sha256":"abc"}"#);
    let out = run(&[
        "eval",
        "../shared/vectors/policies/corp.yaml",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("launch.sha256"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn test_runs_the_conformance_vectors() {
    let out = run(&["test", "../shared/vectors/decisions.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 15);
}

#[test]
fn failing_tests_exit_1_and_name_expected_and_actual() {
    let p = tmp(
        "failing.test.yaml",
        r#"
policy: {apiVersion: jitaccess/v1, name: t, applications: [{id: a, fileName: a.exe}], privilegeLists: [{id: l, elevation: deny, applications: [a]}]}
cases:
  - name: wrong on purpose
    launch: { path: 'C:\a.exe' }
    expect: { outcome: elevate, rule: l/a }
  - name: right
    launch: { path: 'C:\a.exe' }
    expect: { outcome: deny }
"#,
    );
    let out = run(&["test", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("outcome: expected elevate, got deny"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().last(), Some("1 passed, 1 failed"));
}

#[test]
fn unloadable_test_files_exit_2() {
    let p = tmp(
        "broken.test.yaml",
        "policy: {apiVersion: jitaccess/v1, name: t}\ncases:\n  - name: x\n    launch: {path: 'C:\\a.exe'}\n    expect: {outcom: none}\n",
    );
    let out = run(&["test", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cases[0].expect.outcom: unknown key"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn schema_matches_the_committed_file() {
    let out = run(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/policy.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(printed, committed);
}

#[test]
fn example_policy_and_tests_pass() {
    let out = run(&["check", "examples/policies/workstations.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&["test", "examples/policies/workstations.test.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// A test file never passes by checking nothing: an empty action or a null expectation is a
/// load error (exit 2), and every error line names the file.
#[test]
fn empty_actions_and_null_expectations_are_load_errors() {
    let p = tmp(
        "nulls.test.yaml",
        r#"
policy: {apiVersion: jitaccess/v1, name: t, applications: [{id: a, fileName: a.exe}], privilegeLists: [{id: l, elevation: onRequest, applications: [a]}]}
launchDefaults: { user: { name: 'CORP\alice' }, computer: { name: PC-1 } }
cases:
  - name: null lists
    launch: { path: 'C:\a.exe' }
    expect: { outcome: request, warnings: null, shadowed: null }
scenarios:
  - name: empty approve
    steps:
      - submit: { id: r1, launch: { path: 'C:\a.exe' }, duration: 1h, justification: INC1 }
        expect: { status: pending, notAfter: null }
      - approve:
        expect: { status: declined }
      - tick:
"#,
    );
    let out = run(&["test", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let file = p.display().to_string();
    for needle in [
        "cases[0].expect.warnings: null is not an expectation here",
        "cases[0].expect.shadowed: null is not an expectation here",
        "scenarios[0].steps[0].expect.notAfter: null is not an expectation here",
        "scenarios[0].steps[1].approve: 'approve' is null",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(needle) && l.contains(&file)),
            "{needle}: {stderr}"
        );
    }
    assert!(
        !stderr.contains("steps[2]"),
        "an empty tick is fine: {stderr}"
    );
}

/// `decidedBy` folds the admin's name, nothing else.
#[test]
fn decided_by_compares_only_the_user_name_case_insensitively() {
    let p = tmp(
        "decided.test.yaml",
        r#"
policy: {apiVersion: jitaccess/v1, name: t, applications: [{id: a, fileName: a.exe}], privilegeLists: [{id: l, elevation: onRequest, applications: [a]}]}
launchDefaults: { user: { name: 'CORP\alice' }, computer: { name: PC-1 } }
scenarios:
  - name: name folds
    steps:
      - submit: { id: r1, launch: { path: 'C:\a.exe' }, duration: 1h, justification: INC1 }
      - approve: { id: r1, by: 'CORP\bob' }
        expect: { status: active, decidedBy: 'admin:corp\BOB' }
  - name: prefix does not
    steps:
      - submit: { id: r1, launch: { path: 'C:\a.exe' }, duration: 1h, justification: INC1 }
      - approve: { id: r1, by: 'CORP\bob' }
        expect: { status: active, decidedBy: 'ADMIN:CORP\bob' }
"#,
    );
    let out = run(&["test", p.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("prefix does not"), "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("3 passed, 1 failed"),
        "{stdout}"
    );
}
