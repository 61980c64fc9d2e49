//! Loading and validation of policy documents (policy.md §1, §6).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jitaccess::{LintCode, Policy, PolicyDocument};

fn errors(yaml: &str) -> Vec<String> {
    match Policy::from_yaml(yaml) {
        Ok(_) => panic!("expected the policy to be rejected:\n{yaml}"),
        Err(e) => e.errors.iter().map(ToString::to_string).collect(),
    }
}

fn has(errs: &[String], needle: &str) -> bool {
    errs.iter().any(|e| e.contains(needle))
}

const HEAD: &str = "apiVersion: jitaccess/v1\nname: t\n";

#[test]
fn every_error_is_reported_at_once_with_its_path_and_line() {
    let yaml = r#"apiVersion: jitaccess/v1
name: t
groups:
  it: { users: ['CORP\alice'] }
applications:
  - id: a
    vendr: Microsoft
  - id: b
    sha256: nothex
  - id: a
    fileName: x.exe
privilegeLists:
  - id: l1
    elevation: sometimes
    applications: [b]
  - id: l2
    appliesTo: [nobody]
    elevation: onRequest
    applications: [ghost, b]
"#;
    let errs = errors(yaml);
    assert!(
        has(
            &errs,
            "applications[0].vendr: unknown key (did you mean 'vendor'?)"
        ),
        "{errs:#?}"
    );
    assert!(has(&errs, "(line 7, column 5)"), "{errs:#?}");
    assert!(
        has(
            &errs,
            "applications[1].sha256: 'nothex' is not 64 hex digits"
        ),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "applications[2]: duplicate application id 'a'"),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[0].elevation: unknown elevation 'sometimes'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[1].appliesTo[0]: unknown group 'nobody'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[1].applications[0]: unknown application 'ghost'"
        ),
        "{errs:#?}"
    );
    assert!(errs.len() >= 6, "{errs:#?}");
}

#[test]
fn the_issue_example_message() {
    let yaml = format!(
        "{HEAD}applications:\n  - {{ id: a, fileName: a.exe }}\nprivilegeLists:\n  - {{ id: x, elevation: deny, applications: [a] }}\n  - {{ id: y, elevation: deny, applications: [a] }}\n  - {{ id: z, elevation: deny, applications: [a, ghost] }}\n"
    );
    let errs = errors(&yaml);
    assert!(
        has(
            &errs,
            "privilegeLists[2].applications[1]: unknown application 'ghost'"
        ),
        "{errs:#?}"
    );
}

#[test]
fn required_keys_and_api_version() {
    let errs = errors("name: t\n");
    assert!(has(&errs, "missing required key 'apiVersion'"), "{errs:#?}");
    let errs = errors("apiVersion: jitaccess/v2\nname: t\n");
    assert!(
        has(&errs, "apiVersion: unsupported apiVersion 'jitaccess/v2'"),
        "{errs:#?}"
    );
    let errs = errors("apiVersion: jitaccess/v1\n");
    assert!(has(&errs, "missing required key 'name'"), "{errs:#?}");
    let errs = errors("- just a list\n");
    assert!(has(&errs, "expected a mapping"), "{errs:#?}");
}

#[test]
fn ids_must_be_well_formed() {
    for bad in ["-x", "a b", "", "é", &"x".repeat(129)] {
        let yaml = format!("{HEAD}applications:\n  - {{ id: '{bad}', fileName: a.exe }}\n");
        let errs = errors(&yaml);
        assert!(has(&errs, "is not a valid id"), "{bad}: {errs:#?}");
    }
    let ok = format!("{HEAD}applications:\n  - {{ id: 'A.b_c-9', fileName: a.exe }}\n");
    assert!(Policy::from_yaml(&ok).is_ok());
}

#[test]
fn criteria_values_are_checked() {
    let yaml = format!(
        r#"{HEAD}applications:
  - id: none-at-all
  - id: guid
    clsid: 'not-a-guid'
  - id: thumb
    signerThumbprint: [abc]
  - id: ver
    minVersion: '1.x'
  - id: range
    minVersion: '2.0'
    maxVersion: '1.0'
  - id: badpath
    path: 'relative\dir\'
  - id: var
    path: '%Nope%\x.exe'
  - id: empty-list
    fileName: []
"#
    );
    let errs = errors(&yaml);
    assert!(
        has(
            &errs,
            "applications[0]: application 'none-at-all' has no criterion"
        ),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "applications[1].clsid: 'not-a-guid' is not a GUID"),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "applications[2].signerThumbprint: 'abc' is not 64 hex digits"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "applications[3].minVersion: '1.x' is not a dotted version"
        ),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "applications[4]: minVersion is above maxVersion"),
        "{errs:#?}"
    );
    assert!(has(&errs, "applications[5].path:"), "{errs:#?}");
    assert!(
        has(&errs, "applications[6].path:") && has(&errs, "Nope"),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "applications[7].fileName: must not be an empty list"),
        "{errs:#?}"
    );
}

#[test]
fn lists_durations_and_windows() {
    let yaml = format!(
        r#"{HEAD}groups:
  empty: {{}}
applications:
  - {{ id: a, sha256: '{h}' }}
privilegeLists:
  - {{ id: l1, elevation: onRequest, applications: [a], maxDuration: 9h }}
  - {{ id: l2, elevation: automatic, applications: [a], maxDuration: 1h }}
  - {{ id: l3, elevation: onRequest, applications: [a], maxDuration: 0m }}
  - {{ id: l4, elevation: onRequest, applications: 'some' }}
  - {{ id: l5, elevation: onRequest, applications: [a], appliesTo: [] }}
jitPolicies:
  - {{ id: j1, applications: all, from: '2026-11-24T18:00:00Z', until: '2026-11-24T08:00:00Z' }}
  - {{ id: j2, applications: all, from: 'tomorrow', until: '2026-11-24T08:00:00+01:00' }}
requests:
  maxDuration: 8h
  justification: {{ minLength: 0, pattern: '(unclosed' }}
"#,
        h = "a".repeat(64)
    );
    let errs = errors(&yaml);
    assert!(
        has(&errs, "groups.empty: a group needs at least one of"),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[0].maxDuration: maxDuration 9h is above requests.maxDuration 8h"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[1].maxDuration: maxDuration applies to onRequest lists only"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[2].maxDuration: '0m' is not a duration greater than zero"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "privilegeLists[3].applications: expected a list of application ids or the string 'all'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "privilegeLists[4].appliesTo: must not be empty"),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "jitPolicies[0]: from (2026-11-24T18:00:00+00:00) must be before until"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "jitPolicies[1].from: 'tomorrow' is not an RFC 3339 time"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "requests.justification.minLength: must be at least 1"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "requests.justification.pattern: invalid regular expression '(unclosed'"
        ),
        "{errs:#?}"
    );
}

#[test]
fn autonomous_approval_is_validated() {
    let yaml = format!(
        r#"{HEAD}applications:
  - {{ id: a, fileName: a.exe }}
privilegeLists:
  - {{ id: l, elevation: onRequest, applications: [a] }}
autonomousApproval:
  enabled: yes
  rules:
    - id: r1
      action: maybe
      when:
        applications: [ghost]
        privilegeLists: [nolist]
        schedule: {{ days: [mon, funday], from: '25:00', to: '06:00', timeZone: 'Mars/Olympus' }}
        maxPerUser: {{ count: 0, per: 1h }}
        justification: '['
"#
    );
    let errs = errors(&yaml);
    assert!(
        has(
            &errs,
            "autonomousApproval.enabled: expected true or false, found 'yes'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "autonomousApproval.rules[0].action: unknown action 'maybe'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "rules[0].when.applications[0]: unknown application 'ghost'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "rules[0].when.privilegeLists[0]: unknown privilege list 'nolist'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "when.schedule.days[1]: unknown day 'funday'"),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "when.schedule.from: '25:00' is not a time of day"),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "when.schedule.timeZone: unknown IANA time zone 'Mars/Olympus'"
        ),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "when.maxPerUser.count: must be a whole number of at least 1"
        ),
        "{errs:#?}"
    );
    assert!(
        has(&errs, "when.justification: invalid regular expression"),
        "{errs:#?}"
    );
}

#[test]
fn json_documents_load_with_the_same_rules() {
    let json = r#"{
  "apiVersion": "jitaccess/v1",
  "name": "j",
  "applications": [{ "id": "a", "fileName": "a.exe", "colour": "red" }]
}"#;
    let err = Policy::from_json(json).unwrap_err();
    assert_eq!(err.errors.len(), 1);
    let e = &err.errors[0];
    assert_eq!(e.path, "applications[0].colour");
    assert_eq!(e.line, Some(4));
    let ok = r#"{"apiVersion": "jitaccess/v1", "name": "j", "applications": [{"id": "a", "fileName": ["a.exe", "b.exe"]}]}"#;
    assert!(Policy::from_json(ok).is_ok());
    let syntax = Policy::from_json("{\"apiVersion\": ").unwrap_err();
    assert_eq!(syntax.errors.len(), 1);
    assert!(syntax.errors[0].line.is_some(), "{syntax}");
}

#[test]
fn hostile_documents_get_clear_errors() {
    // 10k levels of nesting.
    let deep = format!(
        "{HEAD}variables: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let errs = errors(&deep);
    assert!(has(&errs, "nesting"), "{errs:#?}");
    let deep_json = format!(
        "{{\"apiVersion\":\"jitaccess/v1\",\"name\":\"x\",\"groups\":{}{}}}",
        "{\"a\":".repeat(10_000),
        "}".repeat(10_000)
    );
    let err = Policy::from_json(&deep_json).unwrap_err();
    assert!(err.to_string().contains("nesting"), "{err}");
    // A billion laughs.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let err = Policy::from_yaml(&bomb).unwrap_err();
    assert!(err.to_string().contains("nodes"), "{err}");
    // A 10 MB policy of many applications loads (or fails clearly) in bounded time.
    let mut big = String::from(HEAD);
    big.push_str("applications:\n");
    let mut i = 0;
    while big.len() < 10 << 20 {
        big.push_str(&format!(
            "  - {{ id: app{i}, fileName: 'tool{i}.exe', product: 'Product number {i}' }}\n"
        ));
        i += 1;
    }
    let policy = Policy::from_yaml(&big).expect("a large valid policy loads");
    assert_eq!(policy.document().applications.len(), i);
    // Regex size limits.
    let huge_regex =
        format!("{HEAD}requests:\n  justification:\n    pattern: '(a{{1000}}){{1000}}'\n");
    let errs = errors(&huge_regex);
    assert!(
        has(
            &errs,
            "requests.justification.pattern: invalid regular expression"
        ),
        "{errs:#?}"
    );
}

#[test]
fn duplicate_yaml_keys_are_errors() {
    let errs = errors(&format!("{HEAD}name: again\n"));
    assert!(has(&errs, "name"), "{errs:#?}");
}

#[test]
fn lint_warnings() {
    let yaml = format!(
        r#"{HEAD}applications:
  - {{ id: weak, fileName: helper.exe }}
  - {{ id: downloads, path: 'C:\Users\*\Downloads\' }}
  - {{ id: signed, vendor: Contoso, product: Tool }}
  - {{ id: orphan, sha256: '{h}' }}
privilegeLists:
  - {{ id: auto, elevation: automatic, applications: [weak, signed] }}
  - {{ id: req, elevation: onRequest, applications: [downloads, signed] }}
jitPolicies:
  - {{ id: window, applications: all, from: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00Z' }}
"#,
        h = "b".repeat(64)
    );
    let policy = Policy::from_yaml(&yaml).unwrap();
    let lints = policy.lint();
    let find = |code: LintCode, path: &str| lints.iter().any(|l| l.code == code && l.path == path);
    assert!(
        find(LintCode::WeakAutomatic, "privilegeLists[0].applications[0]"),
        "{lints:#?}"
    );
    assert!(
        find(LintCode::WeakAutomatic, "jitPolicies[0]"),
        "{lints:#?}"
    );
    assert!(
        find(LintCode::UserWritablePath, "applications[1].path"),
        "{lints:#?}"
    );
    // `signed` is in `auto` (automatic) and `req` (onRequest) with the same scope: onRequest is
    // more restrictive, so auto/signed never wins.
    assert!(
        find(LintCode::NeverWins, "privilegeLists[0].applications[1]"),
        "{lints:#?}"
    );
    assert!(
        !find(LintCode::NeverWins, "privilegeLists[1].applications[1]"),
        "{lints:#?}"
    );
    assert!(
        find(LintCode::UnreferencedApplication, "applications[3]"),
        "{lints:#?}"
    );
    assert!(
        !find(LintCode::WeakAutomatic, "privilegeLists[0].applications[1]"),
        "{lints:#?}"
    );
}

#[test]
fn deny_all_shadows_everything_in_scope() {
    let yaml = format!(
        r#"{HEAD}applications:
  - {{ id: a, vendor: Contoso }}
privilegeLists:
  - {{ id: l, elevation: userConfirmed, applications: [a] }}
  - {{ id: freeze, elevation: deny, applications: all }}
"#
    );
    let policy = Policy::from_yaml(&yaml).unwrap();
    assert!(
        policy
            .lint()
            .iter()
            .any(|l| l.code == LintCode::NeverWins && l.message.contains("freeze/*")),
        "{:#?}",
        policy.lint()
    );
}

/// A document with every field set, serialized by serde and read back by the hand-written
/// loader, comes back equal: the two stay in step.
#[test]
fn serde_and_the_loader_agree_on_every_field() {
    let yaml = format!(
        r#"apiVersion: jitaccess/v1
name: full
revision: 7
platform: windows
variables: {{ Tools: 'D:\Tools' }}
groups:
  g1: {{ users: ['CORP\a'], userGroups: ['CORP\G'], computers: ['PC-*'], computerTags: [laptop] }}
applications:
  - id: all-criteria
    vendor: V
    signerThumbprint: '{h}'
    product: P
    fileName: [a.exe, b*.exe]
    originalFileName: a.exe
    minVersion: '1.0'
    maxVersion: '2.0'
    sha256: ['{h}']
    clsid: '{{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A}}'
    path: ['%Tools%\', 'C:\x\**\y.exe']
    commandLine: '* /quiet'
allowlist: [all-criteria]
privilegeLists:
  - id: l1
    appliesTo: [g1, {{ computers: ['HD-*'] }}]
    elevation: onRequest
    applications: [all-criteria]
    maxDuration: 2h
  - {{ id: l2, elevation: deny, applications: all }}
jitPolicies:
  - {{ id: j1, appliesTo: [g1], applications: [all-criteria], from: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00Z' }}
requests:
  maxDuration: 8h
  defaultDuration: 30m
  pendingTimeout: 1d
  justification: {{ minLength: 5, pattern: '^INC' }}
autonomousApproval:
  enabled: true
  rules:
    - id: r1
      action: approve
      when:
        applications: [all-criteria]
        privilegeLists: [l1]
        groups: [g1]
        computers: ['PC-*']
        maxDuration: 1h
        justification: 'INC[0-9]+'
        schedule: {{ days: [mon, fri], from: '22:00', to: '06:00', timeZone: Europe/Berlin }}
        maxPerUser: {{ count: 3, per: 24h }}
"#,
        h = "c".repeat(64)
    );
    let policy = Policy::from_yaml(&yaml).unwrap();
    let doc = policy.document().clone();
    let json = serde_json::to_string(&doc).unwrap();
    let via_serde: PolicyDocument = serde_json::from_str(&json).unwrap();
    assert_eq!(via_serde, doc);
    let via_loader = Policy::from_json(&json).unwrap();
    assert_eq!(via_loader.document(), &doc);
    let via_document = Policy::from_document(via_serde).unwrap();
    assert_eq!(via_document.document(), &doc);
}

/// The committed JSON Schema is what the Rust types generate.
#[test]
fn committed_schema_does_not_drift() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/policy.schema.json");
    let committed = std::fs::read_to_string(path).expect("docs/policy.schema.json exists");
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        committed,
        Policy::json_schema(),
        "docs/policy.schema.json is stale: regenerate it with `cargo run -p jitaccess-cli -- schema > docs/policy.schema.json`"
    );
}

#[test]
fn shared_conformance_policy_loads() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/policies/corp.yaml"
    );
    let policy = Policy::from_path(path).unwrap();
    assert_eq!(policy.document().name, "corp-workstations");
    assert_eq!(policy.document().revision, Some(3));
}

/// An empty (null) value where absence would widen the policy is an error: in YAML a key whose
/// entries are all commented out is null, and "absent" would mean everyone / no condition.
#[test]
fn empty_values_that_would_widen_the_policy_are_errors() {
    let yaml = format!(
        r#"{HEAD}groups:
  it: {{ users: ['CORP\alice'] }}
applications:
  - {{ id: a, fileName: a.exe }}
allowlist:
  # - a
privilegeLists:
  - id: l
    elevation: onRequest
    appliesTo:
    # - it
    applications: [a]
jitPolicies:
  - {{ id: j, applications: all, appliesTo: , from: '2026-11-24T08:00:00Z', until: '2026-11-24T18:00:00Z' }}
autonomousApproval:
  enabled: true
  rules:
    - id: r1
      action: approve
      when:
        groups:
        # - it
        schedule: {{ days: [], from: '09:00', to: '17:00', timeZone: UTC }}
    - id: r2
      action: approve
      when:
    - id: r3
      action: approve
      when:
        schedule: {{ days: , from: '09:00', to: '17:00', timeZone: UTC }}
"#
    );
    let errs = errors(&yaml);
    for path in [
        "allowlist: is empty (null)",
        "privilegeLists[0].appliesTo: is empty (null)",
        "jitPolicies[0].appliesTo: is empty (null)",
        "autonomousApproval.rules[0].when.groups: is empty (null)",
        "autonomousApproval.rules[0].when.schedule.days: must not be an empty list",
        "autonomousApproval.rules[1].when: is empty (null)",
        "autonomousApproval.rules[2].when.schedule.days: is empty (null)",
    ] {
        assert!(has(&errs, path), "{path}: {errs:#?}");
    }
    assert_eq!(errs.len(), 7, "{errs:#?}");

    let yaml = format!("{HEAD}autonomousApproval:\n  enabled: true\n  rules:\n");
    assert!(has(
        &errors(&yaml),
        "autonomousApproval.rules: is empty (null)"
    ));
    // Null stays "absent" where absence narrows or changes nothing.
    let yaml = format!("{HEAD}variables:\njitPolicies:\n");
    assert!(Policy::from_yaml(&yaml).is_ok());
}

#[test]
fn variable_names_differing_only_in_case_are_errors_on_windows() {
    let yaml = format!(
        "{HEAD}variables: {{ Tools: 'D:\\T', TOOLS: 'E:\\T' }}\napplications:\n  - {{ id: a, path: '%tools%\\' }}\n"
    );
    let errs = errors(&yaml);
    assert!(
        has(
            &errs,
            "variables.TOOLS: variable 'TOOLS' is already defined as 'Tools'"
        ),
        "{errs:#?}"
    );
    // Values are not expanded: a nested variable is reported at the variable.
    let yaml = format!(
        "{HEAD}variables: {{ Nest: '%SystemRoot%\\Nested' }}\napplications:\n  - {{ id: a, path: '%Nest%\\' }}\n"
    );
    let errs = errors(&yaml);
    assert!(
        has(
            &errs,
            "variables.Nest: '%SystemRoot%\\Nested': a variable's value is not expanded"
        ),
        "{errs:#?}"
    );
    // POSIX variables are case-sensitive: two names.
    let yaml = format!(
        "{HEAD}platform: linux\nvariables: {{ tools: /t, TOOLS: /u }}\napplications:\n  - {{ id: a, path: '$tools/' }}\n"
    );
    assert!(Policy::from_yaml(&yaml).is_ok());
}

#[test]
fn toml_files_are_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("jitaccess-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policy.toml");
    std::fs::write(&file, "apiVersion = \"jitaccess/v1\"\n").unwrap();
    let err = Policy::from_path(&file).unwrap_err().to_string();
    assert!(err.contains("TOML policies are not supported"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn duplicate_approval_rule_ids_are_reported_even_when_the_first_rule_has_errors() {
    let yaml = format!(
        r#"{HEAD}applications:
  - {{ id: a, fileName: a.exe }}
autonomousApproval:
  enabled: true
  rules:
    - {{ id: r, action: allow }}
    - {{ id: r, action: approve }}
"#
    );
    let errs = errors(&yaml);
    assert!(
        has(&errs, "autonomousApproval.rules[0].action"),
        "{errs:#?}"
    );
    assert!(
        has(
            &errs,
            "autonomousApproval.rules[1]: duplicate approval rule id 'r'"
        ),
        "{errs:#?}"
    );
}
