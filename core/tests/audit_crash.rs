#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Durability of the audit [`Writer`] (audit.md: "a crash can lose only unacknowledged records
//! and never leaves a torn line that verification cannot explain").
//!
//! `acknowledged_records_survive_sigkill` re-executes this test binary as a child
//! (`audit_crash_child`) that appends records (batched fsync, a checkpoint every 50) and prints
//! `ACK <seq>` after each acknowledged append; the parent kills it with SIGKILL at a random
//! moment, many times over the same log. After every kill: the log verifies without a problem
//! (at most a torn final line, reported as such), every acknowledged record is there with its
//! content, and reopening repairs the tail and continues the sequence.

mod common;

use std::time::Duration;

use jitaccess::audit::{self, Durability, SignerKey, Writer, WriterOptions};
use jitaccess::lifecycle::Event;

const CHILD_ENV: &str = "JITACCESS_AUDIT_CRASH_CHILD";
const ROUNDS: u32 = 16;

fn key() -> SignerKey {
    SignerKey::from_seed("crash-audit", &[5; 32]).unwrap()
}

fn options() -> WriterOptions {
    WriterOptions::default()
        .checkpoint_every(50)
        .durability(Durability::Batch {
            records: 32,
            interval: Duration::from_millis(50),
        })
}

fn event(seq: u64) -> Event {
    serde_json::from_value(serde_json::json!({
        "type": "elevation.performed",
        "time": "2026-11-23T09:00:00Z",
        "requestId": format!("req-{seq}"),
        "actor": { "kind": "user", "name": "CORP\\alice" },
        "justification": "x".repeat((seq % 200) as usize),
    }))
    .unwrap()
}

/// The child: appends until killed; prints `ACK <seq>` after each acknowledged record.
#[test]
fn audit_crash_child() {
    let Ok(log) = std::env::var(CHILD_ENV) else {
        return; // only runs as the child of `acknowledged_records_survive_sigkill`
    };
    let mut w = Writer::open(&log, key(), options()).unwrap();
    let mut out = std::io::stdout().lock();
    loop {
        let seq = w.size();
        let got = w.append(&event(seq)).unwrap();
        assert_eq!(got, seq);
        use std::io::Write;
        writeln!(out, "ACK {seq}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn acknowledged_records_survive_sigkill() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = common::temp_dir("audit-crash");
    let log = dir.join("audit.log");
    let mut rng = common::Rng::from_clock();
    let mut max_acked: Option<u64> = None;
    let mut killed = 0;
    let mut torn_seen = 0;
    for round in 0..ROUNDS {
        let delay = Duration::from_millis(30 + rng.below(250));
        let run = common::run_and_kill(
            "audit_crash_child",
            &[(CHILD_ENV, log.display().to_string())],
            delay,
        );
        if run.killed {
            killed += 1;
        }
        for seq in &run.acks {
            let seq: u64 = seq.parse().unwrap();
            max_acked = Some(max_acked.map_or(seq, |m| m.max(seq)));
        }

        // The log verifies: no problem, at most a torn final line.
        let report = audit::verify(&log, &key().verifier()).unwrap();
        assert!(
            report.problem.is_none(),
            "round {round}: {:?}",
            report.problem
        );
        if report.torn_tail.is_some() {
            torn_seen += 1;
        }
        // Every acknowledged record is there, intact.
        if let Some(max) = max_acked {
            assert!(
                report.records > max,
                "round {round}: record {max} was acknowledged but the log has {} records",
                report.records
            );
            let text = std::fs::read_to_string(&log).unwrap();
            let line = text.lines().nth(max as usize).unwrap();
            let expected = audit::Record::from_event(&event(max), max)
                .unwrap()
                .to_line()
                .unwrap();
            assert_eq!(line, expected, "round {round}");
        }
    }
    assert!(
        killed >= ROUNDS / 2,
        "the children were not killed: {killed} of {ROUNDS}"
    );
    assert!(max_acked.is_some(), "no child acknowledged anything");

    // Reopening repairs a torn tail, seals and continues.
    let mut w = Writer::open(&log, key(), options()).unwrap();
    let n = w.size();
    assert_eq!(w.append(&event(n)).unwrap(), n);
    w.close().unwrap();
    let report = audit::verify(&log, &key().verifier()).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.records, n + 1);
    eprintln!(
        "{} records over {ROUNDS} kills, {torn_seen} torn tails seen and repaired",
        report.records
    );
    let _ = std::fs::remove_dir_all(&dir);
}
