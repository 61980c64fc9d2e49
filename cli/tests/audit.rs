//! `jitaccess audit …` and `jitaccess test --audit-log --audit-key` (interfaces.md): forms,
//! outputs and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jitaccess"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn workdir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "jitaccess-cli-audit-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn vectors() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/lifecycle.yaml")
        .display()
        .to_string()
}

/// keygen, a test run writing a log, then verify / prove / verify-proof / export on it.
fn setup(name: &str) -> PathBuf {
    let dir = workdir(name);
    let out = run(&["audit", "keygen", "corp"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("corp+"));
    let out = run(
        &[
            "test",
            &vectors(),
            "--audit-log",
            "a.log",
            "--audit-key",
            "corp.key",
        ],
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).trim_end().ends_with(" 0 failed"));
    dir
}

#[test]
fn test_run_writes_a_log_that_verifies() {
    let dir = setup("verify");
    let out = run(&["audit", "verify", "a.log", "--key", "corp.pub"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("every record is sealed and intact"));
    let log = std::fs::read_to_string(dir.join("a.log")).unwrap();
    assert!(log.lines().count() > 5);
    assert!(log.contains(r#""type":"request.approved""#));
    // One log per run: an existing log is not overwritten.
    let out = run(
        &[
            "test",
            &vectors(),
            "--audit-log",
            "a.log",
            "--audit-key",
            "corp.key",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already exists"));
    // --audit-log needs --audit-key.
    let out = run(&["test", &vectors(), "--audit-log", "b.log"], &dir);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_names_the_first_bad_line_and_exits_1() {
    let dir = setup("tamper");
    let log = std::fs::read_to_string(dir.join("a.log")).unwrap();
    let mut lines: Vec<&str> = log.lines().collect();
    lines.swap(2, 3);
    std::fs::write(dir.join("a.log"), lines.join("\n") + "\n").unwrap();
    let out = run(&["audit", "verify", "a.log", "--key", "corp.pub"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("a.log: line 3: seq is 3"), "{err}");
    assert!(text(&out.stdout).is_empty());

    // Unsealed records fail too, naming them.
    std::fs::write(dir.join("a.log"), &log).unwrap();
    std::fs::write(dir.join("a.log.checkpoints"), "").unwrap();
    let out = run(&["audit", "verify", "a.log", "--key", "corp.pub"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not sealed"),
        "{}",
        text(&out.stderr)
    );

    // Usage and I/O errors exit 2.
    let out = run(
        &["audit", "verify", "missing.log", "--key", "corp.pub"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["audit", "verify", "a.log", "--key", "a.log"], &dir);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_wrong_key_fails_verification() {
    let dir = setup("wrongkey");
    let out = run(&["audit", "keygen", "other"], &dir);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["audit", "verify", "a.log", "--key", "other.pub"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("a.log.checkpoints: checkpoint 1"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn prove_and_verify_proof() {
    let dir = setup("prove");
    let out = run(&["audit", "prove", "a.log", "--seq", "2"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let proof = text(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&proof).unwrap();
    assert_eq!(v["index"], 2);
    assert_eq!(v["schema"], "jitaccess.audit.proof/1");
    std::fs::write(dir.join("p.json"), &proof).unwrap();
    let out = run(
        &["audit", "verify-proof", "p.json", "--key", "corp.pub"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("record 2"));
    // A changed record in the proof fails.
    let bad = proof.replacen("\\\"seq\\\":2", "\\\"seq\\\":2,\\\"x\\\":1", 1);
    assert_ne!(bad, proof);
    std::fs::write(dir.join("bad.json"), &bad).unwrap();
    let out = run(
        &["audit", "verify-proof", "bad.json", "--key", "corp.pub"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // Beyond the log: said so, naming the log once.
    let out = run(&["audit", "prove", "a.log", "--seq", "100000"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("a.log: there is no record 100000"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("a.log").count(), 1, "{stderr}");
    // A damaged log gives no proof, and says to run verify.
    let log = std::fs::read_to_string(dir.join("a.log")).unwrap();
    std::fs::write(dir.join("a.log"), log.replacen("request.", "request_", 1)).unwrap();
    let out = run(&["audit", "prove", "a.log", "--seq", "0"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("the log does not verify"), "{stderr}");
    assert!(stderr.contains("audit verify"), "{stderr}");
    assert_eq!(stderr.matches("a.log").count(), 1, "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A test file that does not load exits 2, and the audit log is still closed with a checkpoint
/// (here of size 0), so it verifies as sealed rather than as a log without checkpoints.
#[test]
fn a_failed_test_run_still_seals_its_log() {
    let dir = workdir("unloadable");
    let out = run(&["audit", "keygen", "corp"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(
        &[
            "test",
            "missing.yaml",
            "--audit-log",
            "a.log",
            "--audit-key",
            "corp.key",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.yaml: cannot read the test file"));
    let checkpoints = std::fs::read_to_string(dir.join("a.log.checkpoints")).unwrap();
    assert!(!checkpoints.is_empty());
    let out = run(&["audit", "verify", "a.log", "--key", "corp.pub"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 records, 1 checkpoints"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exports_parse() {
    let dir = setup("export");
    let n = std::fs::read_to_string(dir.join("a.log"))
        .unwrap()
        .lines()
        .count();
    for format in ["ocsf", "ecs"] {
        let out = run(&["audit", "export", "a.log", "--format", format], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert_eq!(stdout.lines().count(), n);
        for (i, line) in stdout.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if format == "ocsf" {
                assert_eq!(v["metadata"]["sequence"], i);
                assert!(v["class_uid"].as_u64().is_some());
                assert!(
                    v["raw_data"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("\"seq\":{i},"))
                );
            } else {
                assert_eq!(v["event"]["sequence"], i);
            }
        }
    }
    let out = run(&["audit", "export", "a.log", "--format", "cef"], &dir);
    assert_eq!(out.status.code(), Some(0));
    for (i, line) in text(&out.stdout).lines().enumerate() {
        // CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension
        let header: Vec<&str> = line.splitn(8, '|').collect();
        assert_eq!(header.len(), 8, "{line}");
        assert_eq!(header[0], "CEF:0");
        assert!(header[6].parse::<u8>().unwrap() <= 10);
        assert!(header[7].contains(&format!("cn1={i}")), "{line}");
    }
    let out = run(&["audit", "export", "a.log", "--format", "xml"], &dir);
    assert_eq!(out.status.code(), Some(2));
    // A torn last line (an append cut short): the complete records are exported, then exit 1
    // naming the torn line.
    let log = std::fs::read(dir.join("a.log")).unwrap();
    let records = log.iter().filter(|&&b| b == b'\n').count();
    std::fs::write(dir.join("a.log"), &log[..log.len() - 5]).unwrap();
    let out = run(&["audit", "export", "a.log", "--format", "ecs"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout).lines().count(), records - 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("line {records}: a torn last line")),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
