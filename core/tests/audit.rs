#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The audit trail's tamper evidence (audit.md), exhaustively over a small generated log of 12
//! records sealed by 3 checkpoints (sizes 5, 10, 12): every single-byte change, every deleted,
//! inserted or duplicated line, every swapped adjacent pair and every truncation below the last
//! checkpoint is detected; a damaged checkpoint signature and a wrong key are detected. Also
//! the writer's recovery and reopening, and inclusion proofs.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jitaccess::audit::{
    self, Durability, ProblemKind, Proof, Report, SignerKey, VerifierKey, Writer, WriterOptions,
    checkpoints_path, verify_bytes,
};
use jitaccess::lifecycle::{AuditSink, Event};

fn temp_dir(name: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("jitaccess-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn key() -> SignerKey {
    SignerKey::from_seed("corp-audit", &[7; 32]).unwrap()
}

const TYPES: [&str; 6] = [
    "request.submitted",
    "request.approved",
    "elevation.performed",
    "grant.revoked",
    "request.declined",
    "elevation.denied",
];

fn event(i: usize) -> Event {
    serde_json::from_value(serde_json::json!({
        "type": TYPES[i % TYPES.len()],
        "time": format!("2026-11-23T09:{:02}:00Z", i % 60),
        "requestId": format!("r{}", i / 3),
        "subject": { "name": "CORP\\alice" },
        "actor": { "kind": if i.is_multiple_of(2) { "user" } else { "admin" }, "name": "CORP\\bob" },
        "computer": "WS-1",
        "application": { "path": "C:\\Tools\\procmon64.exe", "sha256": "ab".repeat(32) },
        "justification": format!("ticket {i} \u{e9}t\u{e9} \"quoted\""),
        "policy": { "name": "corp", "revision": 3, "sha256": "cd".repeat(32) },
    }))
    .unwrap()
}

/// A log of `n` records with a checkpoint every 5 and on close.
fn make_log(dir: &Path, n: usize) -> PathBuf {
    let log = dir.join("audit.log");
    let mut w = Writer::open(&log, key(), WriterOptions::default().checkpoint_every(5)).unwrap();
    for i in 0..n {
        assert_eq!(w.append(&event(i)).unwrap(), i as u64);
    }
    w.close().unwrap();
    log
}

struct Fixture {
    log: Vec<u8>,
    cps: Vec<u8>,
    key: VerifierKey,
    dir: PathBuf,
}

fn fixture() -> Fixture {
    let dir = temp_dir("audit-tamper");
    let log = make_log(&dir, 12);
    Fixture {
        log: std::fs::read(&log).unwrap(),
        cps: std::fs::read(checkpoints_path(&log)).unwrap(),
        key: key().verifier(),
        dir,
    }
}

fn lines(b: &[u8]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
    assert_eq!(v.pop(), Some(Vec::new()));
    v
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn assert_detected(r: &Report, what: &str) {
    assert!(r.problem.is_some(), "{what}: not detected: {r:?}");
    assert!(!r.is_ok(), "{what}");
}

#[test]
fn the_intact_log_verifies() {
    let f = fixture();
    let r = verify_bytes(&f.log, &f.cps, &f.key);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!((r.records, r.checkpoints, r.sealed), (12, 3, 12));
    let from_disk = audit::verify(&f.dir.join("audit.log"), &f.key).unwrap();
    assert_eq!(from_disk, r);
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn every_single_byte_change_is_detected() {
    let f = fixture();
    let mut checked = 0;
    for i in 0..f.log.len() {
        for flip in [0x01u8, 0x20, 0x80] {
            let mut bad = f.log.clone();
            bad[i] ^= flip;
            let r = verify_bytes(&bad, &f.cps, &f.key);
            assert_detected(&r, &format!("byte {i} ^ {flip:#x}"));
            checked += 1;
        }
    }
    assert!(checked > 3 * 12 * 200);
}

#[test]
fn every_deleted_inserted_duplicated_or_swapped_line_is_detected() {
    let f = fixture();
    let ls = lines(&f.log);
    assert_eq!(ls.len(), 12);
    for i in 0..ls.len() {
        // Deleted.
        let mut v = ls.clone();
        v.remove(i);
        assert_detected(
            &verify_bytes(&join(&v), &f.cps, &f.key),
            &format!("delete {i}"),
        );
        // Swapped with the next.
        if i + 1 < ls.len() {
            let mut v = ls.clone();
            v.swap(i, i + 1);
            assert_detected(
                &verify_bytes(&join(&v), &f.cps, &f.key),
                &format!("swap {i}"),
            );
        }
        for at in 0..ls.len() {
            // Duplicated (a copy of line i inserted before line `at`).
            let mut v = ls.clone();
            v.insert(at, ls[i].clone());
            assert_detected(
                &verify_bytes(&join(&v), &f.cps, &f.key),
                &format!("dup {i} at {at}"),
            );
        }
    }
    // An inserted forged record with the seq of its position, before every sealed record.
    for at in 0..ls.len() {
        let forged = audit::Record::from_event(&event(99), at as u64)
            .unwrap()
            .to_line()
            .unwrap();
        let mut v = ls.clone();
        v.insert(at, forged.into_bytes());
        let r = verify_bytes(&join(&v), &f.cps, &f.key);
        assert_detected(&r, &format!("insert at {at}"));
    }
    // Appended after the last checkpoint: not sealed, so reported as such.
    let forged = audit::Record::from_event(&event(99), 12)
        .unwrap()
        .to_line()
        .unwrap();
    let mut v = ls.clone();
    v.push(forged.into_bytes());
    let r = verify_bytes(&join(&v), &f.cps, &f.key);
    assert!(
        r.problem.is_none() && r.unsealed() == 1 && !r.is_ok(),
        "{r:?}"
    );
}

#[test]
fn every_truncation_below_the_last_checkpoint_is_detected() {
    let f = fixture();
    for len in 0..f.log.len() {
        let r = verify_bytes(&f.log[..len], &f.cps, &f.key);
        assert_detected(&r, &format!("truncated to {len}"));
        assert!(
            matches!(
                r.problem.as_ref().unwrap().kind,
                ProblemKind::Truncated | ProblemKind::BadRecord
            ) || len == 0
                || r.problem.as_ref().unwrap().kind == ProblemKind::Truncated
        );
    }
    // Dropping the checkpoints too leaves the records unsealed: still not a clean bill.
    let r = verify_bytes(&f.log, b"", &f.key);
    assert!(r.problem.is_none() && r.unsealed() == 12 && !r.is_ok());
}

#[test]
fn names_the_first_bad_line_and_why() {
    let f = fixture();
    let ls = lines(&f.log);
    // A changed justification in line 7 (sealed by checkpoint 2, lines 6-10).
    let mut v = ls.clone();
    let text = String::from_utf8(v[6].clone())
        .unwrap()
        .replace("ticket 6", "ticket 9");
    v[6] = text.into_bytes();
    let p = verify_bytes(&join(&v), &f.cps, &f.key).problem.unwrap();
    assert_eq!(p.kind, ProblemKind::RootMismatch);
    assert_eq!(p.line, Some(6));
    assert_eq!(p.checkpoint, Some(2));
    assert!(p.reason.contains("lines 6-10"), "{}", p.reason);
    // A deleted line 4: line 4 now holds seq 4.
    let mut v = ls.clone();
    v.remove(3);
    let p = verify_bytes(&join(&v), &f.cps, &f.key).problem.unwrap();
    assert_eq!((p.kind, p.line), (ProblemKind::Sequence, Some(4)));
    // Non-canonical spacing in line 2.
    let mut v = ls.clone();
    v[1] = String::from_utf8(v[1].clone())
        .unwrap()
        .replacen(':', ": ", 1)
        .into_bytes();
    let p = verify_bytes(&join(&v), &f.cps, &f.key).problem.unwrap();
    assert_eq!((p.kind, p.line), (ProblemKind::BadRecord, Some(2)));
    assert!(p.reason.contains("canonical"));
}

#[test]
fn damaged_checkpoints_and_a_wrong_key_are_detected() {
    let f = fixture();
    let text = String::from_utf8(f.cps.clone()).unwrap();
    assert_eq!(text.matches("\n\n\u{2014} ").count(), 3);
    // Every byte of every checkpoint (body and signature) changed.
    for i in 0..f.cps.len() {
        let mut bad = f.cps.clone();
        bad[i] ^= 0x01;
        let r = verify_bytes(&f.log, &bad, &f.key);
        assert!(!r.is_ok(), "checkpoint byte {i}");
        // Only a damaged separator/newline at the very end can look like a torn checkpoint.
        if i + 2 < f.cps.len() {
            assert!(
                r.problem.is_some() || r.unsealed() > 0,
                "checkpoint byte {i}: {r:?}"
            );
        }
    }
    // A wrong key, even of the same name.
    let other = SignerKey::from_seed("corp-audit", &[8; 32])
        .unwrap()
        .verifier();
    let p = verify_bytes(&f.log, &f.cps, &other).problem.unwrap();
    assert_eq!(p.kind, ProblemKind::BadCheckpoint);
    assert!(p.reason.contains("no signature by key"), "{}", p.reason);
    // Checkpoints out of order: the log was rolled back.
    let notes: Vec<&str> = text.split_inclusive("\n\n").collect();
    // notes alternate body/signature blocks: [b1, s1, b2, s2, b3, s3]
    assert_eq!(notes.len(), 6);
    let swapped = [notes[2], notes[3], notes[0], notes[1], notes[4], notes[5]].concat();
    let p = verify_bytes(&f.log, swapped.as_bytes(), &f.key)
        .problem
        .unwrap();
    assert_eq!(p.kind, ProblemKind::Inconsistent);
    // A checkpoint signed by the right key over a forged root.
    let k = key();
    let forged = k
        .sign_note(&audit::Checkpoint::new("corp-audit", 12, [0; 32]).to_text())
        .unwrap();
    let with_forged = format!("{text}{forged}\n");
    let p = verify_bytes(&f.log, with_forged.as_bytes(), &f.key)
        .problem
        .unwrap();
    assert_eq!((p.kind, p.checkpoint), (ProblemKind::RootMismatch, Some(4)));
}

#[test]
fn proofs_verify_alone_and_reject_tampering() {
    let f = fixture();
    let log = f.dir.join("audit.log");
    let ls = lines(&f.log);
    for seq in 0..12u64 {
        let proof = audit::prove(&log, seq).unwrap();
        assert_eq!(proof.record.as_bytes(), &ls[seq as usize][..]);
        assert_eq!(proof.tree_size, 12);
        let json = proof.to_json();
        let parsed = Proof::from_json(&json).unwrap();
        assert_eq!(parsed, proof);
        let (rec, cp) = parsed.check(&f.key).unwrap();
        assert_eq!((rec.seq(), cp.size), (seq, 12));
        // Tampering.
        let mut p = proof.clone();
        p.record = p.record.replace("ticket", "tickex");
        assert!(p.check(&f.key).is_err(), "record {seq}");
        let mut p = proof.clone();
        p.hashes[0][5] ^= 1;
        assert!(p.check(&f.key).is_err());
        let mut p = proof.clone();
        p.index = (seq + 1) % 12;
        assert!(p.check(&f.key).is_err());
        let mut p = proof.clone();
        p.checkpoint = p.checkpoint.replace("\n12\n", "\n13\n");
        assert!(p.check(&f.key).is_err());
        let other = SignerKey::from_seed("corp-audit", &[9; 32])
            .unwrap()
            .verifier();
        assert!(proof.check(&other).is_err());
    }
    assert!(audit::prove(&log, 12).is_err());
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[test]
fn the_writer_repairs_a_torn_tail_and_continues() {
    let dir = temp_dir("audit-torn");
    let log = make_log(&dir, 7);
    // A crash cut the next append short.
    let partial = audit::Record::from_event(&event(7), 7)
        .unwrap()
        .to_line()
        .unwrap();
    let mut bytes = std::fs::read(&log).unwrap();
    let good = bytes.len();
    bytes.extend_from_slice(&partial.as_bytes()[..40]);
    std::fs::write(&log, &bytes).unwrap();
    let r = audit::verify(&log, &key().verifier()).unwrap();
    assert_eq!(
        (r.records, r.torn_tail, r.problem.clone()),
        (7, Some(40), None)
    );
    assert!(!r.is_ok());
    let mut w = Writer::open(&log, key(), WriterOptions::default().checkpoint_every(5)).unwrap();
    assert_eq!(w.recovery().torn_bytes, 40);
    assert_eq!(w.recovery().records, 7);
    assert_eq!(std::fs::metadata(&log).unwrap().len() as usize, good);
    assert_eq!(w.append(&event(7)).unwrap(), 7);
    w.record(&event(8)).unwrap();
    w.close().unwrap();
    let r = audit::verify(&log, &key().verifier()).unwrap();
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(r.records, 9);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One writer per log: a second writer while the first is open is refused.
#[test]
fn a_log_in_use_is_refused_until_its_writer_is_closed() {
    let dir = temp_dir("audit-locked");
    let log = make_log(&dir, 3);
    let w = Writer::open(&log, key(), WriterOptions::default()).unwrap();
    let e = Writer::open(&log, key(), WriterOptions::default()).unwrap_err();
    assert!(e.to_string().contains("in use by another writer"), "{e}");
    w.close().unwrap();
    let w = Writer::open(&log, key(), WriterOptions::default()).unwrap();
    w.close().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_writer_refuses_a_tampered_log_and_a_foreign_key() {
    let dir = temp_dir("audit-refuse");
    let log = make_log(&dir, 6);
    let text = std::fs::read_to_string(&log)
        .unwrap()
        .replacen("ticket 1", "ticket 2", 1);
    std::fs::write(&log, &text).unwrap();
    let e = Writer::open(&log, key(), WriterOptions::default()).unwrap_err();
    assert!(e.to_string().contains("does not verify"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = temp_dir("audit-foreign");
    let log = make_log(&dir, 3);
    let other = SignerKey::from_seed("corp-audit", &[3; 32]).unwrap();
    assert!(Writer::open(&log, other, WriterOptions::default()).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checkpoints_come_every_n_records_every_t_seconds_and_on_drop() {
    let dir = temp_dir("audit-cadence");
    let log = dir.join("a.log");
    let opts = WriterOptions::default()
        .checkpoint_every(1000)
        .checkpoint_interval(Duration::ZERO)
        .durability(Durability::Batch {
            records: 8,
            interval: Duration::from_millis(1),
        });
    let mut w = Writer::open(&log, key(), opts).unwrap();
    for i in 0..4 {
        w.append(&event(i)).unwrap();
        assert_eq!(w.sealed(), i as u64 + 1, "T = 0 seals every append");
    }
    drop(w);
    let r = audit::verify(&log, &key().verifier()).unwrap();
    assert_eq!((r.checkpoints, r.sealed), (4, 4));

    let log2 = dir.join("b.log");
    let mut w = Writer::open(&log2, key(), WriterOptions::default().checkpoint_every(3)).unwrap();
    for i in 0..7 {
        w.append(&event(i)).unwrap();
    }
    assert_eq!(w.sealed(), 6);
    drop(w); // dropped without close: still sealed
    let r = audit::verify(&log2, &key().verifier()).unwrap();
    assert!(r.is_ok(), "{r:?}");
    assert_eq!((r.checkpoints, r.sealed), (3, 7));

    // An empty log closed has a checkpoint of size 0.
    let log3 = dir.join("c.log");
    let cp = Writer::open(&log3, key(), WriterOptions::default())
        .unwrap()
        .close()
        .unwrap();
    assert_eq!(cp.size, 0);
    assert!(audit::verify(&log3, &key().verifier()).unwrap().is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keygen_writes_a_private_key_only_the_owner_can_read() {
    let dir = temp_dir("audit-keygen");
    let (k, private, public) = audit::keygen(&dir.join("corp")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(
        audit::read_signer_key(&private).unwrap().verifier(),
        k.verifier()
    );
    assert_eq!(audit::read_verifier_key(&public).unwrap(), k.verifier());
    assert!(
        audit::keygen(&dir.join("corp")).is_err(),
        "never overwrites a key"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn engine_events_go_through_the_writer() {
    use jitaccess::Policy;
    use jitaccess::lifecycle::{Engine, MemoryStore, SubmitArgs};
    let dir = temp_dir("audit-engine");
    let log = dir.join("engine.log");
    let policy = Policy::from_yaml(
        "apiVersion: jitaccess/v1\nname: p\nrevision: 2\napplications: [{ id: tool, fileName: tool.exe }]\nprivilegeLists: [{ id: req, elevation: onRequest, applications: [tool], maxDuration: 4h }]\n",
    )
    .unwrap();
    let sha = policy.sha256().to_string();
    let w = Writer::open(&log, key(), WriterOptions::default()).unwrap();
    let engine = Engine::new(policy.compile(), Box::new(MemoryStore), Box::new(w)).unwrap();
    let launch = jitaccess::Launch::from_value(serde_json::json!({
        "user": { "name": "alice" }, "path": r"C:\Tools\tool.exe"
    }))
    .unwrap();
    let at = "2026-11-23T09:00:00Z".parse().unwrap();
    engine
        .submit(
            SubmitArgs::new("r1", launch, None, Some("ticket 1".into())),
            at,
        )
        .unwrap();
    engine.approve("r1", "bob", None, at).unwrap();
    drop(engine); // drops the writer: sealed
    let r = audit::verify(&log, &key().verifier()).unwrap();
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(r.records, 2);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(&format!(
            r#""policy":{{"name":"p","revision":2,"sha256":"{sha}"}}"#
        )),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
