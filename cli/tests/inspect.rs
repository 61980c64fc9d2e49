//! `jitaccess inspect FILE [--trust ROOTS]` and `jitaccess eval POLICY --file EXE` (interfaces.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use jitaccess::Launch;

const PE: &str = "core/tests/fixtures/pe";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jitaccess"));
    c.current_dir(root());
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn expected_sha256(name: &str) -> String {
    let t = std::fs::read_to_string(root().join(PE).join("expected.txt")).unwrap();
    t.lines()
        .find_map(|l| l.strip_prefix(&format!("sha256 {name} ")))
        .unwrap()
        .to_string()
}

/// A policy file of its own for each call: tests run on parallel threads, and
/// rewriting one shared file let a test read it half-written.
fn policy() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("jitaccess-cli-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("policy-{n}.yaml"));
    std::fs::write(
        &p,
        r#"apiVersion: jitaccess/v1
name: inspect-test
platform: linux
groups:
  admins: { userGroups: [admins] }
  pc1: { computers: ['PC1'] }
  bob: { users: [bob] }
applications:
  - { id: fixture, vendor: 'Jitaccess Test Vendor', product: 'Jitaccess Fixture*', originalFileName: Fixture.exe }
privilegeLists:
  - { id: admins-on-pc1, appliesTo: [admins], elevation: automatic, applications: [fixture] }
  - { id: bob, appliesTo: [bob], elevation: userConfirmed, applications: [fixture] }
"#,
    )
    .unwrap();
    p
}

#[test]
fn inspect_prints_a_launch_that_eval_accepts() {
    let f = format!("{PE}/signed64.exe");
    let out = run(&["inspect", &f]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let launch = Launch::from_json(&text(&out.stdout)).unwrap();
    assert_eq!(launch.sha256, Some(expected_sha256("signed64.exe")));
    let signer = launch.signer.unwrap();
    assert!(!signer.valid, "no trust store: never valid");
    assert_eq!(signer.signature_intact, Some(true));
    assert!(
        text(&out.stderr).contains("no trusted roots"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&["inspect", &f, "--trust", &format!("{PE}/root.pem")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    assert!(Launch::from_json(&json).unwrap().signer.unwrap().valid);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    // Piped into eval as a launch (platform linux: the absolute path is a path).
    let p = policy();
    let mut child = bin()
        .args(["eval", p.to_str().unwrap(), "-", "--compact"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(json.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // No user in the launch: no list applies.
    assert!(
        text(&out.stdout).contains(r#""outcome":"none""#),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn inspect_details_and_plain_files() {
    let out = run(&["inspect", &format!("{PE}/tampered64.exe"), "--details"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "pe32+");
    assert_eq!(v["fixedFileVersion"], "1.2.3.4");
    assert_eq!(v["signature"]["digestMatches"], false);
    assert_eq!(v["launch"]["signer"]["signatureIntact"], false);
    assert!(text(&out.stderr).contains("changed after signing"));

    let out = run(&["inspect", &format!("{PE}/notpe.bin")]);
    assert_eq!(out.status.code(), Some(0));
    let launch = Launch::from_json(&text(&out.stdout)).unwrap();
    assert_eq!(launch.sha256, Some(expected_sha256("notpe.bin")));
    assert!(launch.signer.is_none() && launch.version.is_none());
}

#[test]
fn inspect_errors_exit_2() {
    let out = run(&["inspect", "no-such.exe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no-such.exe"));
    assert!(out.stdout.is_empty());
    let out = run(&[
        "inspect",
        &format!("{PE}/signed64.exe"),
        "--trust",
        &format!("{PE}/notpe.bin"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("notpe.bin"),
        "{}",
        text(&out.stderr)
    );
    // --trust belongs to --file in eval.
    let p = policy();
    let out = run(&["eval", p.to_str().unwrap(), "x.json", "--trust", "r.pem"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn eval_file_uses_flags_or_the_session() {
    let p = policy();
    let p = p.to_str().unwrap();
    let signed = format!("{PE}/signed64.exe");
    let trust = format!("{PE}/root.pem");
    let decide = |extra: &[&str], user: &str| {
        let mut args = vec!["eval", p, "--file", &signed, "--compact"];
        args.extend_from_slice(extra);
        let out = bin().args(&args).env("USER", user).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            v["outcome"].as_str().unwrap().to_string(),
            v["rule"].as_str().unwrap_or("").to_string(),
        )
    };
    let t = ["--trust", trust.as_str()];
    let with = |more: &[&'static str]| {
        let mut v: Vec<&str> = t.to_vec();
        v.extend_from_slice(more);
        v
    };
    // Flags.
    assert_eq!(
        decide(
            &with(&["--user", "alice", "--groups", "staff,admins"]),
            "nobody"
        ),
        ("elevate".into(), "admins-on-pc1/fixture".into())
    );
    // The session's user ($USER).
    assert_eq!(
        decide(&with(&[]), "bob"),
        ("confirm".into(), "bob/fixture".into())
    );
    // No trust store: the vendor criterion does not hold.
    assert_eq!(
        decide(&["--user", "alice", "--groups", "admins"], "bob"),
        ("none".into(), String::new())
    );
    // A tampered file never matches a vendor rule.
    let out = bin()
        .args([
            "eval",
            p,
            "--file",
            &format!("{PE}/tampered64.exe"),
            "--trust",
            &trust,
            "--groups",
            "admins",
        ])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains(r#""outcome": "none""#),
        "{}",
        text(&out.stdout)
    );
}
