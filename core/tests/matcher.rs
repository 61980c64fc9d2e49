//! Decisions (policy.md §1–§5): criteria, groups, precedence, allowlist, JIT, paths.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use jitaccess::{CompiledPolicy, Decision, Launch, Outcome, Policy, Warning};

fn compile(yaml: &str) -> CompiledPolicy {
    Policy::from_yaml(yaml)
        .unwrap_or_else(|e| panic!("{e}"))
        .compile()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn eval(p: &CompiledPolicy, launch: &str) -> Decision {
    eval_at(p, launch, "2026-01-01T00:00:00Z")
}

thread_local! {
    /// One decision reused by every `evaluate_into` of a test thread (hits, misses, denies,
    /// allowlist misses in turn), to check that reusing its buffers leaves nothing behind.
    static REUSED: std::cell::RefCell<Decision> = std::cell::RefCell::new(Decision::default());
}

/// `evaluate`, checked against `evaluate_into` on the launch's view (same decision).
fn eval_at(p: &CompiledPolicy, launch: &str, at: &str) -> Decision {
    let launch = Launch::from_json(launch).unwrap_or_else(|e| panic!("{e}"));
    let d = p.evaluate(&launch, t(at)).unwrap();
    REUSED.with(|r| {
        let mut r = r.borrow_mut();
        p.evaluate_into(&launch.view(), t(at), &mut r).unwrap();
        assert_eq!(*r, d, "evaluate_into differs from evaluate");
    });
    d
}

const SHA: &str = "499cf3973c308a15fa1f8fc4a27d53f781223618013ff1b9bef4fd087cefc16b";

fn policy() -> CompiledPolicy {
    compile(&format!(
        r#"
apiVersion: jitaccess/v1
name: test
groups:
  admins: {{ userGroups: ['CORP\Admins'] }}
  laptops: {{ computerTags: [laptop] }}
  admin-laptops: {{ userGroups: ['CORP\Admins'], computerTags: [laptop] }}
applications:
  - {{ id: hash, sha256: '{SHA}' }}
  - {{ id: thumb, signerThumbprint: '{SHA}' }}
  - {{ id: ms, vendor: 'Microsoft Corporation' }}
  - {{ id: ms-product, vendor: 'Microsoft*', product: 'Tool' }}
  - {{ id: ms-exe, vendor: 'Microsoft Corporation', product: 'Tool', fileName: 'tool.exe' }}
  - {{ id: ms-exe-v, vendor: 'Microsoft Corporation', product: 'Tool', fileName: 'tool.exe', minVersion: '2.0' }}
  - {{ id: by-name, fileName: 'tool.exe' }}
  - {{ id: by-cmd, commandLine: '* /install *' }}
  - {{ id: by-orig, originalFileName: 'TOOL.EXE' }}
  - {{ id: glob, path: 'C:\Apps\*\bin\*.exe' }}
  - {{ id: deep, path: 'C:\Deep\**\x.exe' }}
  - {{ id: exact, path: 'C:\Exact\one.exe' }}
  - {{ id: star-name, fileName: '*setup*' }}
privilegeLists:
  - {{ id: a-hash, elevation: onRequest, applications: [hash] }}
  - {{ id: a-thumb, elevation: automatic, applications: [thumb] }}
  - {{ id: b-ms, elevation: userConfirmed, applications: [ms] }}
  - {{ id: c-product, elevation: automatic, applications: [ms-product] }}
  - {{ id: d-exe, elevation: automatic, applications: [ms-exe, ms-exe-v] }}
  - {{ id: e-name, appliesTo: [admins], elevation: automatic, applications: [by-name] }}
  - {{ id: f-cmd, appliesTo: [admin-laptops], elevation: userConfirmed, applications: [by-cmd] }}
  - {{ id: g-orig, appliesTo: [laptops], elevation: onRequest, applications: [by-orig] }}
  - {{ id: h-paths, elevation: onRequest, applications: [glob, deep, exact] }}
  - {{ id: i-star, elevation: userConfirmed, applications: [star-name] }}
"#
    ))
}

#[test]
fn vendor_needs_a_valid_signer() {
    let p = policy();
    let d = eval(
        &p,
        r#"{"path":"C:\\x\\a.exe","signer":{"publisher":"microsoft corporation","valid":true}}"#,
    );
    assert_eq!(
        (d.outcome, d.rule.as_deref()),
        (Outcome::Confirm, Some("b-ms/ms"))
    );
    let d = eval(
        &p,
        r#"{"path":"C:\\x\\a.exe","signer":{"publisher":"Microsoft Corporation","valid":false}}"#,
    );
    assert_eq!(d.outcome, Outcome::None);
    let d = eval(
        &p,
        r#"{"path":"C:\\x\\a.exe","signer":{"publisher":"Microsoft Corporation"}}"#,
    );
    assert_eq!(d.outcome, Outcome::None, "valid defaults to false");
}

#[test]
fn thumbprint_needs_a_valid_signer_too() {
    let p = policy();
    let d = eval(
        &p,
        &format!(
            r#"{{"path":"C:\\x\\a.exe","signer":{{"thumbprint":"{}","valid":true}}}}"#,
            SHA.to_uppercase()
        ),
    );
    assert_eq!(d.rule.as_deref(), Some("a-thumb/thumb"));
    let d = eval(
        &p,
        &format!(r#"{{"path":"C:\\x\\a.exe","signer":{{"thumbprint":"{SHA}","valid":false}}}}"#),
    );
    assert_eq!(d.outcome, Outcome::None);
}

#[test]
fn strength_then_criteria_then_elevation_then_name() {
    let p = policy();
    let tool = r#"{"path":"C:\\x\\tool.exe","signer":{"publisher":"Microsoft Corporation","valid":true},"version":{"productName":"Tool","fileVersion":"1.5"}}"#;
    let d = eval(&p, tool);
    // ms-exe (strength 3, 3 criteria) beats ms-product (2) and ms (1); ms-exe-v fails minVersion.
    assert_eq!(d.rule.as_deref(), Some("d-exe/ms-exe"));
    assert_eq!(d.outcome, Outcome::Elevate);
    assert_eq!(d.shadowed, ["c-product/ms-product", "b-ms/ms"]);
    assert!(
        d.reason
            .contains("stronger application identity (3 over 2)"),
        "{}",
        d.reason
    );
    // With version 2.0, ms-exe-v has one more criterion at the same strength.
    let d = eval(&p, &tool.replace("\"1.5\"", "\"2.0.0.1\""));
    assert_eq!(d.rule.as_deref(), Some("d-exe/ms-exe-v"));
    assert_eq!(d.shadowed[0], "d-exe/ms-exe");
    assert!(
        d.reason.contains("more criteria (4 over 3)"),
        "{}",
        d.reason
    );
}

#[test]
fn hash_beats_everything_but_deny() {
    let p = policy();
    let d = eval(
        &p,
        &format!(
            r#"{{"path":"C:\\x\\tool.exe","sha256":"{}","signer":{{"publisher":"Microsoft Corporation","valid":true}},"version":{{"productName":"Tool"}}}}"#,
            SHA.to_uppercase()
        ),
    );
    assert_eq!(d.rule.as_deref(), Some("a-hash/hash"));
    assert_eq!(d.outcome, Outcome::Request);
    assert_eq!(
        d.max_duration.unwrap().to_string(),
        "8h",
        "requests.maxDuration default"
    );
}

#[test]
fn groups_need_every_non_empty_dimension() {
    let p = policy();
    let base = r#""path":"C:\\x\\setup.exe","commandLine":"setup.exe /install /quiet""#;
    // Admin on a laptop: f-cmd (admin-laptops) applies.
    let d = eval(
        &p,
        &format!(
            r#"{{"user":{{"name":"CORP\\x","groups":["corp\\admins"]}},"computer":{{"name":"PC1","tags":["LAPTOP"]}},{base}}}"#
        ),
    );
    assert!(
        d.rule.as_deref() == Some("f-cmd/by-cmd") || d.shadowed.iter().any(|s| s == "f-cmd/by-cmd"),
        "{d:?}"
    );
    // Admin on a desktop: not in admin-laptops.
    let d = eval(
        &p,
        &format!(
            r#"{{"user":{{"name":"CORP\\x","groups":["CORP\\Admins"]}},"computer":{{"name":"PC1"}},{base}}}"#
        ),
    );
    assert!(
        d.rule.as_deref() != Some("f-cmd/by-cmd")
            && !d.shadowed.iter().any(|s| s == "f-cmd/by-cmd"),
        "{d:?}"
    );
    // No user at all: user dimension fails.
    let d = eval(
        &p,
        &format!(r#"{{"computer":{{"name":"PC1","tags":["laptop"]}},{base}}}"#),
    );
    assert!(
        !d.shadowed
            .iter()
            .chain(d.rule.iter())
            .any(|s| s == "f-cmd/by-cmd"),
        "{d:?}"
    );
}

#[test]
fn users_match_by_name_or_sid() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
groups:
  bob: { users: ['CORP\bob', 'S-1-5-21-*-1104'] }
applications: [{ id: a, fileName: a.exe }]
privilegeLists: [{ id: l, appliesTo: [bob], elevation: automatic, applications: [a] }]
"#,
    );
    assert_eq!(
        eval(&p, r#"{"user":{"name":"corp\\BOB"},"path":"C:\\a.exe"}"#).outcome,
        Outcome::Elevate
    );
    assert_eq!(
        eval(
            &p,
            r#"{"user":{"name":"x","sid":"S-1-5-21-9-9-9-1104"},"path":"C:\\a.exe"}"#
        )
        .outcome,
        Outcome::Elevate
    );
    assert_eq!(
        eval(&p, r#"{"user":{"name":"CORP\\alice"},"path":"C:\\a.exe"}"#).outcome,
        Outcome::None
    );
}

#[test]
fn path_globs_folders_and_exact_paths() {
    let p = policy();
    let rule = |path: &str| {
        eval(
            &p,
            &format!(r#"{{"path":{}}}"#, serde_json::to_string(path).unwrap()),
        )
        .rule
    };
    assert_eq!(
        rule(r"C:\Apps\Foo\bin\run.exe").as_deref(),
        Some("h-paths/glob")
    );
    assert_eq!(
        rule(r"c:\apps\foo\BIN\RUN.EXE").as_deref(),
        Some("h-paths/glob")
    );
    assert_eq!(
        rule(r"C:\Apps\Foo\Bar\bin\run.exe"),
        None,
        "* stays within one component"
    );
    assert_eq!(rule(r"C:\Apps\bin\run.exe"), None);
    assert_eq!(
        rule(r"C:\Deep\x.exe").as_deref(),
        Some("h-paths/deep"),
        "** matches zero components"
    );
    assert_eq!(
        rule(r"C:\Deep\a\b\c\x.exe").as_deref(),
        Some("h-paths/deep")
    );
    assert_eq!(rule(r"C:\Deep\a\b\c\y.exe"), None);
    assert_eq!(rule(r"C:\Exact\one.exe").as_deref(), Some("h-paths/exact"));
    assert_eq!(rule(r"C:\Exact\one.exe\more"), None);
    assert_eq!(rule(r"C:\Exact"), None);
}

#[test]
fn folder_rules_match_below_the_folder_only() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
applications: [{ id: f, path: 'C:\Tools\' }]
privilegeLists: [{ id: l, elevation: automatic, applications: [f] }]
"#,
    );
    let out = |path: &str| {
        eval(
            &p,
            &format!(r#"{{"path":{}}}"#, serde_json::to_string(path).unwrap()),
        )
        .outcome
    };
    assert_eq!(out(r"C:\Tools\a.exe"), Outcome::Elevate);
    assert_eq!(out(r"C:\Tools\x\y\z\a.exe"), Outcome::Elevate);
    assert_eq!(out(r"C:\Tools"), Outcome::None);
    assert_eq!(out(r"C:\ToolsX\a.exe"), Outcome::None);
    assert_eq!(out(r"D:\Tools\a.exe"), Outcome::None);
}

#[test]
fn wildcard_names_without_a_literal_prefix_are_still_found() {
    let p = policy();
    let d = eval(&p, r#"{"path":"D:\\dl\\my-SETUP-v2.exe"}"#);
    assert_eq!(d.rule.as_deref(), Some("i-star/star-name"));
}

#[test]
fn original_file_name_and_case_folding() {
    let p = policy();
    let d = eval(
        &p,
        r#"{"computer":{"tags":["laptop"]},"path":"C:\\renamed.exe","version":{"originalFileName":"tool.exe"}}"#,
    );
    assert_eq!(d.rule.as_deref(), Some("g-orig/by-orig"));
}

#[test]
fn malformed_launches_are_errors() {
    let p = policy();
    for bad in [
        r#"{"path":"C:\\a.exe","sha256":"xyz"}"#,
        r#"{"path":"C:\\a.exe","clsid":"{123}"}"#,
        r#"{"path":"C:\\a.exe","signer":{"thumbprint":"00"}}"#,
        r#"{"path":""}"#,
    ] {
        let launch: Launch = serde_json::from_str(bad).unwrap();
        let at = t("2026-01-01T00:00:00Z");
        let e = p.evaluate(&launch, at).unwrap_err();
        // The borrowed path fails the same way and leaves the decision as it was.
        let mut d = eval(&p, r#"{"path":"C:\\a.exe"}"#);
        let before = d.clone();
        assert_eq!(p.evaluate_into(&launch.view(), at, &mut d), Err(e), "{bad}");
        assert_eq!(d, before);
        assert_eq!(launch.view().check(), launch.check());
    }
}

#[test]
fn launch_ref_with_borrowed_lists_is_the_same_launch() {
    use jitaccess::{ComputerRef, LaunchRef, SignerRef, StrList, UserRef, VersionRef};
    let p = policy();
    let json = format!(
        r#"{{"path":"C:\\Tools\\x.exe","sha256":"{SHA}",
            "user":{{"name":"CORP\\alice","sid":"S-1-5-21-1","groups":["CORP\\IT Admins","x"]}},
            "computer":{{"name":"IT-LAPTOP-07","tags":["t1"]}},
            "signer":{{"publisher":"Contoso","valid":true,"issuer":"ignored"}},
            "version":{{"productName":"Tool","originalFileName":"x.exe","fileVersion":"1.2"}},
            "commandLine":"x.exe /q"}}"#
    );
    let launch = Launch::from_json(&json).unwrap();
    let groups = ["CORP\\IT Admins", "x"];
    let tags = ["t1"];
    let view = LaunchRef {
        user: Some(UserRef {
            name: Some("CORP\\alice"),
            sid: Some("S-1-5-21-1"),
            groups: StrList::Borrowed(&groups),
        }),
        computer: Some(ComputerRef {
            name: Some("IT-LAPTOP-07"),
            tags: StrList::Borrowed(&tags),
        }),
        sha256: Some(SHA),
        signer: Some(SignerRef {
            publisher: Some("Contoso"),
            thumbprint: None,
            valid: true,
        }),
        version: Some(VersionRef {
            product_name: Some("Tool"),
            original_file_name: Some("x.exe"),
            file_version: Some("1.2"),
        }),
        command_line: Some("x.exe /q"),
        ..LaunchRef::new("C:\\Tools\\x.exe")
    };
    assert_eq!(view, launch.view());
    let at = t("2026-01-01T00:00:00Z");
    let mut d = Decision::default();
    p.evaluate_into(&view, at, &mut d).unwrap();
    assert_eq!(d, p.evaluate(&launch, at).unwrap());
    assert_eq!(view.user.unwrap().groups.iter().collect::<Vec<_>>(), groups);
    assert_eq!(StrList::Owned(&[]).len(), 0);
    assert!(StrList::default().is_empty());
}

fn deny_policy() -> CompiledPolicy {
    compile(
        r#"
apiVersion: jitaccess/v1
name: t
applications:
  - { id: shells, fileName: [cmd.exe, powershell.exe] }
  - { id: sys, path: '%System32%\' }
  - { id: evil-dir, path: 'C:\Evil\' }
privilegeLists:
  - { id: allow-sys, elevation: automatic, applications: [sys] }
  - { id: no-shells, elevation: deny, applications: [shells] }
  - { id: no-evil, elevation: deny, applications: [evil-dir] }
"#,
    )
}

/// Path-spoofing attempts and the decision each must get (policy.md §3).
#[test]
fn path_spoofing_table() {
    let p = deny_policy();
    let cases: &[(&str, Outcome, Option<&str>, bool)] = &[
        // (launch path, outcome, rule, unresolvedPath warning)
        (
            r"C:\Windows\System32\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"c:\windows\system32\CMD.EXE",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"C:/Windows/System32/cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"C:\\Windows\\\System32\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"C:\Windows\System32\.\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"C:\Windows\Temp\..\System32\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"\\?\C:\Windows\System32\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"\\.\C:\Windows\System32\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        (
            r"C:\Windows\System32\cmd.exe::$DATA",
            Outcome::Deny,
            Some("no-shells/shells"),
            false,
        ),
        // 8.3 names, streams, trailing dots and spaces, relative paths: unresolved. Path
        // criteria are unknown, which holds for deny entries: with a deny path rule in the
        // policy, every unresolved launch is denied (no-evil sorts before no-shells by name).
        (
            r"C:\Windows\System32\CMD~1.EXE",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"C:\WINDOW~1\System32\cmd.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"C:\Windows\System32\cmd.exe:evil",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"C:\Windows\System32\cmd.exe.",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"C:\Windows\System32\cmd.exe ",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (r"cmd.exe", Outcome::Deny, Some("no-evil/evil-dir"), true),
        // A Kelvin sign or dotless i: Windows and case folding disagree, so unresolved. The
        // dotless `ı` names the real Windows folder to Windows; the deny still holds.
        (
            "C:\\W\u{0131}ndows\\System32\\cmd.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            "C:\\Windows\\Sy\u{017F}tem32\\mmc.exe",
            Outcome::Elevate,
            Some("allow-sys/sys"),
            false,
        ),
        (
            "C:\\Windows\\System32\\\u{212A}\\mmc.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        // A NUL that `..` would hide: a host that stops at the NUL sees C:\Evil\a.exe.
        (
            "C:\\Evil\\a.exe\0\\..\\..\\Windows\\System32\\mmc.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        // A NUL in an earlier component: a host that stops at the NUL runs cmd.exe, so the
        // file name is unknown too and the fileName deny holds.
        (
            "C:\\Apps\\cmd.exe\0\\mmc.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        // Elevating path rules never hold for an unresolved path.
        (
            r"C:\Windows\System32\mmc.exe",
            Outcome::Elevate,
            Some("allow-sys/sys"),
            false,
        ),
        (
            r"C:\WINDOW~1\System32\mmc.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"C:\Windows \System32\mmc.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"C:\Windows\System32\mmc.exe:ads",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        (
            r"System32\mmc.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            true,
        ),
        // `..` climbing out of the allowed folder, UNC lookalikes.
        (
            r"C:\Windows\System32\..\..\Evil\x.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            false,
        ),
        (
            r"C:\Windows\System32\..\mmc.exe",
            Outcome::None,
            None,
            false,
        ),
        (
            r"\\srv\share\Windows\System32\mmc.exe",
            Outcome::None,
            None,
            false,
        ),
        (r"\\?\UNC\srv\share\Evil\x.exe", Outcome::None, None, false),
        (
            r"C:\..\..\Evil\x.exe",
            Outcome::Deny,
            Some("no-evil/evil-dir"),
            false,
        ),
        (
            r"C:\Evil\..\Windows\System32\mmc.exe",
            Outcome::Elevate,
            Some("allow-sys/sys"),
            false,
        ),
    ];
    for (path, outcome, rule, unresolved) in cases {
        let d = eval(
            &p,
            &format!(r#"{{"path":{}}}"#, serde_json::to_string(path).unwrap()),
        );
        assert_eq!(d.outcome, *outcome, "{path}: {d:?}");
        assert_eq!(d.rule.as_deref(), *rule, "{path}: {d:?}");
        assert_eq!(
            d.warnings.contains(&Warning::UnresolvedPath),
            *unresolved,
            "{path}: {d:?}"
        );
    }
}

/// Without deny path rules, an odd last component still cannot dodge a deny by file name,
/// and an elevating path rule never holds for an unresolved path.
#[test]
fn odd_names_cannot_dodge_a_deny_by_name() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
applications:
  - { id: shells, fileName: [cmd.exe, powershell.exe] }
  - { id: sys, path: '%System32%\' }
privilegeLists:
  - { id: allow-sys, elevation: automatic, applications: [sys] }
  - { id: no-shells, elevation: deny, applications: [shells] }
"#,
    );
    let cases: &[(&str, Outcome, Option<&str>, bool)] = &[
        (
            r"C:\Windows\System32\CMD~1.EXE",
            Outcome::Deny,
            Some("no-shells/shells"),
            true,
        ),
        (
            r"C:\Windows\System32\cmd.exe:evil",
            Outcome::Deny,
            Some("no-shells/shells"),
            true,
        ),
        (
            r"C:\Windows\System32\cmd.exe.",
            Outcome::Deny,
            Some("no-shells/shells"),
            true,
        ),
        (
            r"C:\WINDOW~1\System32\cmd.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            true,
        ),
        (r"cmd.exe", Outcome::Deny, Some("no-shells/shells"), true),
        (r"C:\WINDOW~1\System32\mmc.exe", Outcome::None, None, true),
        // A NUL in an earlier component: a host reading up to the NUL runs cmd.exe, so the
        // file name `mmc.exe` after it is unknown, and the deny by name holds.
        (
            "C:\\Windows\\System32\\cmd.exe\0\\mmc.exe",
            Outcome::Deny,
            Some("no-shells/shells"),
            true,
        ),
        // A Kelvin sign in a folder: the folder rule is unknown, the file name is real.
        ("C:\\Windows\\\u{212A}\\mmc.exe", Outcome::None, None, true),
        // A short last component could be any long name (short names can be set at will).
        (
            r"C:\Windows\System32\MMC~1.EXE",
            Outcome::Deny,
            Some("no-shells/shells"),
            true,
        ),
        (
            r"C:\Windows\System32\mmc.exe",
            Outcome::Elevate,
            Some("allow-sys/sys"),
            false,
        ),
    ];
    for (path, outcome, rule, unresolved) in cases {
        let d = eval(
            &p,
            &format!(r#"{{"path":{}}}"#, serde_json::to_string(path).unwrap()),
        );
        assert_eq!(d.outcome, *outcome, "{path}: {d:?}");
        assert_eq!(d.rule.as_deref(), *rule, "{path}: {d:?}");
        assert_eq!(
            d.warnings.contains(&Warning::UnresolvedPath),
            *unresolved,
            "{path}: {d:?}"
        );
    }
}

#[test]
fn unresolved_deny_reason_explains() {
    let p = deny_policy();
    let d = eval(&p, r#"{"path":"C:\\Windows\\System32\\CMD~1.EXE"}"#);
    assert!(d.reason.contains("unresolved"), "{}", d.reason);
}

#[test]
fn allowlist_turns_elevation_into_none() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
applications:
  - { id: signed, vendor: Contoso }
  - { id: tool, vendor: Contoso, product: Tool }
  - { id: bad, fileName: bad.exe }
allowlist: [tool]
privilegeLists:
  - { id: everyone, elevation: automatic, applications: all }
  - { id: c, elevation: userConfirmed, applications: [signed] }
  - { id: no-bad, elevation: deny, applications: [bad] }
"#,
    );
    let d = eval(
        &p,
        r#"{"path":"C:\\x\\tool.exe","signer":{"publisher":"Contoso","valid":true},"version":{"productName":"Tool"}}"#,
    );
    assert_eq!(d.outcome, Outcome::Confirm, "allowlisted: {d:?}");
    assert_eq!(d.rule.as_deref(), Some("c/signed"), "{d:?}");
    assert_eq!(d.shadowed, ["everyone/*"]);
    let d = eval(
        &p,
        r#"{"path":"C:\\x\\other.exe","signer":{"publisher":"Contoso","valid":true}}"#,
    );
    assert_eq!(d.outcome, Outcome::None);
    assert_eq!(d.rule, None);
    assert_eq!(d.warnings, [Warning::NotAllowlisted]);
    assert_eq!(d.shadowed, ["c/signed", "everyone/*"]);
    let d = eval(&p, r#"{"path":"C:\\x\\bad.exe"}"#);
    assert_eq!(d.outcome, Outcome::Deny, "deny stays deny");
}

#[test]
fn applications_all_has_the_lowest_strength() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
applications: [{ id: n, fileName: n.exe }]
privilegeLists:
  - { id: a, elevation: onRequest, applications: all }
  - { id: b, elevation: automatic, applications: [n] }
"#,
    );
    let d = eval(&p, r#"{"path":"C:\\n.exe"}"#);
    assert_eq!(d.rule.as_deref(), Some("b/n"));
    assert_eq!(d.shadowed, ["a/*"]);
    let d = eval(&p, r#"{"path":"C:\\other.exe"}"#);
    assert_eq!(
        (d.outcome, d.rule.as_deref()),
        (Outcome::Request, Some("a/*"))
    );
}

#[test]
fn jit_windows_and_precedence() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
applications: [{ id: n, fileName: n.exe }, { id: s, fileName: s.exe }]
privilegeLists:
  - { id: req, elevation: onRequest, applications: [n] }
  - { id: no-s, elevation: deny, applications: [s] }
jitPolicies:
  - { id: zz, applications: [n], from: '2026-03-01T00:00:00Z', until: '2026-03-02T00:00:00Z' }
  - { id: aa, applications: all, from: '2026-03-01T12:00:00+02:00', until: '2026-03-01T13:00:00Z' }
"#,
    );
    let d = eval_at(&p, r#"{"path":"C:\\n.exe"}"#, "2026-03-01T11:00:00Z");
    assert_eq!(d.rule.as_deref(), Some("jit:aa"), "{d:?}");
    assert_eq!(d.shadowed, ["jit:zz", "req/n"]);
    assert_eq!(d.elevation, None);
    let d = eval_at(&p, r#"{"path":"C:\\n.exe"}"#, "2026-03-01T09:59:59Z");
    assert_eq!(d.rule.as_deref(), Some("jit:zz"));
    let d = eval_at(&p, r#"{"path":"C:\\n.exe"}"#, "2026-03-02T00:00:00Z");
    assert_eq!(d.rule.as_deref(), Some("req/n"));
    let d = eval_at(&p, r#"{"path":"C:\\s.exe"}"#, "2026-03-01T11:00:00Z");
    assert_eq!(
        (d.outcome, d.rule.as_deref()),
        (Outcome::Deny, Some("no-s/s")),
        "deny beats JIT"
    );
}

#[test]
fn posix_paths_are_case_sensitive() {
    let p = compile(
        r#"
apiVersion: jitaccess/v1
name: t
platform: linux
variables: { OPT: /opt }
applications: [{ id: o, path: '$OPT/tools/' }]
privilegeLists: [{ id: l, elevation: automatic, applications: [o] }]
"#,
    );
    assert_eq!(
        eval(&p, r#"{"path":"/opt/tools/bin/x"}"#).outcome,
        Outcome::Elevate
    );
    assert_eq!(
        eval(&p, r#"{"path":"/opt/Tools/bin/x"}"#).outcome,
        Outcome::None
    );
    assert_eq!(
        eval(&p, r#"{"path":"/opt//tools/./bin/x"}"#).outcome,
        Outcome::Elevate
    );
    let d = eval(&p, r#"{"path":"tools/bin/x"}"#);
    assert_eq!(d.warnings, [Warning::UnresolvedPath]);
}

#[test]
fn compiled_policy_is_send_sync_and_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CompiledPolicy>();
    let p = policy();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let p = p.clone();
            std::thread::spawn(move || eval(&p, r#"{"path":"C:\\Exact\\one.exe"}"#).rule)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().as_deref(), Some("h-paths/exact"));
    }
}

#[test]
fn decision_json_has_the_spec_fields() {
    let p = policy();
    let d = eval(&p, r#"{"path":"C:\\Exact\\one.exe"}"#);
    let v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    for key in [
        "outcome",
        "rule",
        "elevation",
        "maxDuration",
        "shadowed",
        "warnings",
        "reason",
    ] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }
    assert_eq!(v["outcome"], "request");
    assert_eq!(v["elevation"], "onRequest");
    assert_eq!(v["maxDuration"], "8h");
    let none = eval(&p, r#"{"path":"C:\\nothing.exe"}"#);
    let v: serde_json::Value = serde_json::from_str(&none.to_json()).unwrap();
    assert_eq!(v["rule"], serde_json::Value::Null);
    assert_eq!(v["outcome"], "none");
}
