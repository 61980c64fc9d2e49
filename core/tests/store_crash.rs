#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Durability of `FileStore` (lifecycle.md §5: "a crash loses no acknowledged transition").
//!
//! `acknowledged_transitions_survive_sigkill` re-executes this test binary as a child
//! (`crash_child`, selected with `--exact`) that runs commands on an engine over the journal
//! and prints each acknowledged transition; the parent kills it with SIGKILL at a random moment,
//! many times over the same journal, and checks that every acknowledged transition is there.
//! The other tests damage a journal by hand: a torn tail is dropped and reported, a damaged line
//! before the tail is an error naming the line.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use common::temp_dir;
use jitaccess::lifecycle::{Engine, FileStore, HistoryFilter, NullSink, Status, SubmitArgs};
use jitaccess::{CompiledPolicy, Launch, Policy};

const CHILD_ENV: &str = "JITACCESS_CRASH_CHILD";
const ROUND_ENV: &str = "JITACCESS_CRASH_ROUND";
/// Set for a child that uses group commit with several committing threads.
const GROUP_ENV: &str = "JITACCESS_CRASH_GROUP";
/// Committing threads of a group-commit child.
const GROUP_THREADS: i64 = 4;
const ROUNDS: u32 = 30;

const POLICY: &str = r#"apiVersion: jitaccess/v1
name: crash
applications: [{ id: tool, fileName: tool.exe }]
privilegeLists: [{ id: req, elevation: onRequest, applications: [tool], maxDuration: 4h }]
requests: { pendingTimeout: 24h }
"#;

fn policy() -> CompiledPolicy {
    Policy::from_yaml(POLICY).unwrap().compile()
}

fn base() -> DateTime<Utc> {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

/// Commands of round `r` happen on day `2r`: everything of earlier rounds has timed out or
/// expired by then, so users can be reused across rounds without `duplicate`.
fn round_start(round: u32) -> DateTime<Utc> {
    base() + TimeDelta::days(2 * i64::from(round))
}

fn launch(user: &str) -> Launch {
    Launch::from_value(serde_json::json!({
        "user": { "name": user }, "computer": { "name": "PC-1" }, "path": r"C:\Tools\tool.exe"
    }))
    .unwrap()
}

fn open_engine(journal: &Path) -> Engine {
    let store = FileStore::open(journal).unwrap_or_else(|e| panic!("recovery failed: {e}"));
    Engine::new(policy(), Box::new(store), Box::new(NullSink)).unwrap()
}

/// Every request of the journal with its *stored* status (read before any deadline).
fn stored(engine: &Engine) -> HashMap<String, Status> {
    engine
        .history(&HistoryFilter::default(), base() - TimeDelta::days(1))
        .into_iter()
        .map(|r| (r.id, r.status))
        .collect()
}

/// The child: commands until killed; prints `ACK <id> <status>` after each acknowledged one.
#[test]
fn crash_child() {
    let Ok(journal) = std::env::var(CHILD_ENV) else {
        return; // only runs as the child of `acknowledged_transitions_survive_sigkill`
    };
    let round: u32 = std::env::var(ROUND_ENV).unwrap().parse().unwrap();
    if std::env::var_os(GROUP_ENV).is_none() {
        let engine = open_engine(Path::new(&journal));
        child_commands(&engine, round, "");
        return;
    }
    let store =
        FileStore::open_group_commit(&journal).unwrap_or_else(|e| panic!("recovery failed: {e}"));
    let engine = Engine::new(policy(), Box::new(store), Box::new(NullSink)).unwrap();
    std::thread::scope(|s| {
        for t in 0..GROUP_THREADS {
            let engine = &engine;
            s.spawn(move || child_commands(engine, round, &format!("t{t}-")));
        }
    });
}

/// Commands of one child thread; prints `ACK <id> <status>` after each acknowledged one.
fn child_commands(engine: &Engine, round: u32, tag: &str) {
    let ack = |id: &str, status: Status| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "ACK {id} {}", status.as_str()).unwrap();
        out.flush().unwrap();
    };
    let start = round_start(round);
    for i in 0..20_000i64 {
        let id = format!("c{round}-{tag}{i}");
        let at = start + TimeDelta::seconds(i);
        let args = SubmitArgs::new(
            id.clone(),
            launch(&format!("user{tag}{i}")),
            None,
            Some("ticket 42".into()),
        );
        ack(&id, engine.submit(args, at).unwrap().status);
        match i % 4 {
            0 => {
                ack(&id, engine.approve(&id, "admin", None, at).unwrap().status);
                ack(&id, engine.revoke(&id, "admin", None, at).unwrap().status);
            }
            1 => ack(&id, engine.decline(&id, "admin", None, at).unwrap().status),
            2 => ack(&id, engine.approve(&id, "admin", None, at).unwrap().status),
            _ => {} // stays pending
        }
    }
}

/// How far along the diagram a status is.
fn rank(s: Status) -> u8 {
    match s {
        Status::Pending => 0,
        Status::Active => 1,
        _ => 2,
    }
}

#[test]
fn acknowledged_transitions_survive_sigkill_with_group_commit() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = temp_dir("crash-group");
    let journal = dir.join("journal");
    crash_rounds(&journal, true, ROUNDS / 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Kills `rounds` children at random moments and checks every acknowledged transition after
/// each recovery.
fn crash_rounds(journal: &Path, group: bool, rounds: u32) -> usize {
    let mut rng = common::Rng::from_clock();
    let mut acked: HashMap<String, Status> = HashMap::new();
    let mut killed = 0;
    for round in 0..rounds {
        let mut envs = vec![
            (CHILD_ENV, journal.display().to_string()),
            (ROUND_ENV, round.to_string()),
        ];
        if group {
            envs.push((GROUP_ENV, "1".to_string()));
        }
        let delay = StdDuration::from_millis(20 + rng.below(300));
        let run = common::run_and_kill("crash_child", &envs, delay);
        if run.killed {
            killed += 1;
        }
        for rest in &run.acks {
            let (id, status) = rest.split_once(' ').unwrap();
            acked.insert(id.to_string(), status.parse().unwrap());
        }
        let engine = open_engine(journal);
        let now = stored(&engine);
        for (id, want) in &acked {
            let Some(got) = now.get(id) else {
                panic!(
                    "round {round}: acknowledged request {id} ({}) is lost",
                    want.as_str()
                );
            };
            assert!(
                rank(*got) >= rank(*want) && (!want.is_terminal() || got == want),
                "round {round}: {id} was acknowledged {} but recovered {}",
                want.as_str(),
                got.as_str()
            );
        }
    }
    assert!(
        killed >= rounds / 2,
        "the children were not killed: {killed} of {rounds}"
    );
    assert!(!acked.is_empty(), "no child acknowledged anything");
    acked.len()
}

#[test]
fn acknowledged_transitions_survive_sigkill() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = temp_dir("crash");
    let journal = dir.join("journal");
    let started = Instant::now();
    let acked = crash_rounds(&journal, false, ROUNDS);

    // appending continues after the last crash
    let engine = open_engine(&journal);
    let before = stored(&engine).len();
    let at = round_start(ROUNDS);
    let args = SubmitArgs::new("after", launch("late"), None, Some("ticket 42".into()));
    engine.submit(args, at).unwrap();
    engine.approve("after", "admin", None, at).unwrap();
    drop(engine);
    let store = FileStore::open(&journal).unwrap();
    assert_eq!(store.dropped_tail_bytes(), 0);
    let engine = Engine::new(policy(), Box::new(store), Box::new(NullSink)).unwrap();
    let now = stored(&engine);
    assert_eq!(now.len(), before + 1);
    assert_eq!(now.get("after"), Some(&Status::Active));
    eprintln!(
        "{acked} acknowledged requests over {ROUNDS} kills in {:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes a journal of `n` commands (one line each): submits r0..r{n-2}, then approves r0.
fn journal_with_lines(dir: &Path, n: usize) -> PathBuf {
    let journal = dir.join("journal");
    let engine = open_engine(&journal);
    for i in 0..n - 1 {
        let args = SubmitArgs::new(
            format!("r{i}"),
            launch(&format!("u{i}")),
            None,
            Some("ticket 42".into()),
        );
        engine.submit(args, base()).unwrap();
    }
    engine.approve("r0", "admin", None, base()).unwrap();
    journal
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts.pop(); // the end of the file
    starts
}

#[test]
fn a_torn_tail_is_dropped_and_reported() {
    let dir = temp_dir("torn");
    let journal = journal_with_lines(&dir, 4);
    let bytes = std::fs::read(&journal).unwrap();
    let starts = line_starts(&bytes);
    assert_eq!(starts.len(), 4);
    let last = starts[3];
    // cut the last line (the approval of r0) in the middle
    let cut = last + (bytes.len() - last) / 2;
    std::fs::write(&journal, &bytes[..cut]).unwrap();
    let store = FileStore::open(&journal).unwrap();
    assert_eq!(store.dropped_tail_bytes(), (cut - last) as u64);
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), last as u64);
    let engine = Engine::new(policy(), Box::new(store), Box::new(NullSink)).unwrap();
    let now = stored(&engine);
    assert_eq!(now.len(), 3);
    assert_eq!(now["r0"], Status::Pending, "the torn approval is gone");
    // appending continues on a clean line boundary
    engine.approve("r0", "admin", None, base()).unwrap();
    drop(engine);
    let store = FileStore::open(&journal).unwrap();
    assert_eq!(store.dropped_tail_bytes(), 0);
    let engine = Engine::new(policy(), Box::new(store), Box::new(NullSink)).unwrap();
    assert_eq!(stored(&engine)["r0"], Status::Active);
    drop(engine);

    // a complete last line whose checksum does not match is a torn write too
    let bytes = std::fs::read(&journal).unwrap();
    let starts = line_starts(&bytes);
    let last = *starts.last().unwrap();
    let mut damaged = bytes.clone();
    let at = bytes.len() - 3; // inside the JSON, before the closing "]\n"
    damaged[at] = if damaged[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&journal, &damaged).unwrap();
    let store = FileStore::open(&journal).unwrap();
    assert_eq!(store.dropped_tail_bytes(), (bytes.len() - last) as u64);
    let engine = Engine::new(policy(), Box::new(store), Box::new(NullSink)).unwrap();
    assert_eq!(stored(&engine)["r0"], Status::Pending);
    drop(engine);

    // a last line without its newline, even if otherwise whole, was never acknowledged
    let bytes = std::fs::read(&journal).unwrap();
    std::fs::write(&journal, &bytes[..bytes.len() - 1]).unwrap();
    let store = FileStore::open(&journal).unwrap();
    let last = *line_starts(&bytes).last().unwrap();
    assert_eq!(store.dropped_tail_bytes(), (bytes.len() - 1 - last) as u64);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_line_before_the_tail_fails_recovery_and_names_the_line() {
    let dir = temp_dir("damaged");
    let journal = journal_with_lines(&dir, 4);
    let bytes = std::fs::read(&journal).unwrap();
    let starts = line_starts(&bytes);
    // flip one byte in the JSON of line 2
    let mut damaged = bytes.clone();
    let at = starts[2] - 3;
    damaged[at] = if damaged[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&journal, &damaged).unwrap();
    let err = FileStore::open(&journal).unwrap_err();
    assert!(err.0.contains("line 2"), "{err}");
    // nothing was dropped or truncated
    assert_eq!(std::fs::read(&journal).unwrap(), damaged);

    // a line cut short in the middle of the file (its newline is still there)
    let mut cut = bytes[..starts[1] + 10].to_vec();
    cut.push(b'\n');
    cut.extend_from_slice(&bytes[starts[2]..]);
    std::fs::write(&journal, &cut).unwrap();
    let err = FileStore::open(&journal).unwrap_err();
    assert!(err.0.contains("line 2"), "{err}");

    // a blank line in the middle
    let mut blank = bytes[..starts[1]].to_vec();
    blank.push(b'\n');
    blank.extend_from_slice(&bytes[starts[1]..]);
    std::fs::write(&journal, &blank).unwrap();
    let err = FileStore::open(&journal).unwrap_err();
    assert!(err.0.contains("line 2"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn recovered_active_requests_still_cover_and_failed_commands_write_nothing() {
    let dir = temp_dir("recover");
    let journal = dir.join("journal");
    let engine = open_engine(&journal);
    let args = SubmitArgs::new("r1", launch("alice"), None, Some("ticket 42".into()));
    engine.submit(args, base()).unwrap();
    engine.approve("r1", "admin", None, base()).unwrap();
    let size = std::fs::metadata(&journal).unwrap().len();
    assert!(engine.approve("r1", "admin", None, base()).is_err());
    assert!(engine.approve("nope", "admin", None, base()).is_err());
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), size);
    drop(engine);
    let engine = open_engine(&journal);
    let later = base() + TimeDelta::minutes(5);
    let d = engine.evaluate(&launch("alice"), later).unwrap();
    assert_eq!(d.rule.as_deref(), Some("grant:r1"));
    assert_eq!(engine.get("r1", later).unwrap().revision, 2);
    // and the recovered request still expires by time
    let end = base() + TimeDelta::hours(1);
    assert_eq!(engine.get("r1", end).unwrap().status, Status::Expired);
    let _ = std::fs::remove_dir_all(&dir);
}

/// One journal serves one engine: a second open while the first holds it is refused (two
/// engines would each keep their own copy of the requests and undo each other's transitions).
#[test]
fn a_journal_in_use_is_refused_until_its_engine_is_gone() {
    let dir = temp_dir("locked");
    let journal = journal_with_lines(&dir, 2);
    let first = FileStore::open(&journal).unwrap();
    let engine = Engine::new(policy(), Box::new(first), Box::new(NullSink)).unwrap();
    let e = FileStore::open(&journal).unwrap_err().to_string();
    assert!(e.contains("in use by another engine"), "{e}");
    assert!(FileStore::open_group_commit(&journal).is_err());
    drop(engine);
    let again = FileStore::open(&journal).unwrap();
    assert_eq!(again.dropped_tail_bytes(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
