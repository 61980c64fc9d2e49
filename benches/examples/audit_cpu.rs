#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Audit throughput in process CPU time as well as wall time, for a machine shared with other
//! work (where criterion's wall-clock figures mostly measure the wait for a CPU).
//!
//! `cargo run --release -p jitaccess-benches --example audit_cpu [records] [every-record|batch]
//! [checkpoint-every]` (`every-record`: fsync after every record instead of batches of 4096 /
//! 100 ms; a checkpoint every 10 000 records unless given).

use std::time::{Duration, Instant};

use jitaccess::audit::{self, Durability, SignerKey, Writer, WriterOptions, checkpoints_path};
use jitaccess::lifecycle::Event;

/// User + system CPU time of this process (Linux `/proc/self/stat`, clock ticks of 10 ms).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    // Tokens after the command: state is field 3, so field k is token k - 3; utime is field
    // 14 and stime field 15.
    let t: Vec<&str> = after.split(' ').collect();
    let field = |k: usize| {
        t.get(k - 3)
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let ticks = field(14) + field(15);
    Duration::from_millis(ticks * 10)
}

fn event(i: u64) -> Event {
    serde_json::from_value(serde_json::json!({
        "type": "request.approved", "time": "2026-11-23T09:00:00Z",
        "requestId": format!("req-{i}"),
        "subject": { "name": "CORP\\alice", "sid": "S-1-5-21-1004336348-1177238915-682003330-512" },
        "actor": { "kind": "admin", "name": "CORP\\bob" }, "computer": "IT-LAPTOP-07",
        "application": { "path": "C:\\Program Files\\Sysinternals\\procmon64.exe",
                         "sha256": "ab".repeat(32), "publisher": "Microsoft Corporation" },
        "justification": "INC123456 capture boot trace", "duration": "30m",
        "rule": "it-tools/procmon",
        "policy": { "name": "corp-workstations", "revision": 3, "sha256": "cd".repeat(32) },
    }))
    .unwrap()
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let key = SignerKey::from_seed("bench-audit", &[1; 32]).unwrap();
    let dir = std::env::temp_dir().join(format!("jitaccess-audit-cpu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("a.log");
    let events: Vec<Event> = (0..n).map(event).collect();
    let every_record = std::env::args().nth(2).as_deref() == Some("every-record");
    let durability = if every_record {
        Durability::EveryRecord
    } else {
        Durability::Batch {
            records: 4096,
            interval: Duration::from_millis(100),
        }
    };
    let every: u64 = std::env::args()
        .nth(3)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let opts = WriterOptions::default()
        .checkpoint_every(every)
        .durability(durability);
    let mut w = Writer::open(&log, key.clone(), opts).unwrap();
    let (t, c) = (Instant::now(), cpu());
    for e in &events {
        w.append(e).unwrap();
    }
    w.close().unwrap();
    let (wall, cpu_used) = (t.elapsed(), cpu() - c);
    println!(
        "append {n} records ({}, checkpoint every {every}): wall {:?} = {:.0} rec/s, cpu {:?} = {:.0} rec/s",
        if every_record {
            "fsync per record"
        } else {
            "batched fsync 4096/100ms"
        },
        wall,
        n as f64 / wall.as_secs_f64(),
        cpu_used,
        n as f64 / cpu_used.as_secs_f64().max(1e-9)
    );
    let bytes = std::fs::read(&log).unwrap();
    let cps = std::fs::read(checkpoints_path(&log)).unwrap();
    let vk = key.verifier();
    let passes = 5;
    let (t, c) = (Instant::now(), cpu());
    for _ in 0..passes {
        assert!(audit::verify_bytes(&bytes, &cps, &vk).is_ok());
    }
    let (wall, cpu_used) = (t.elapsed(), cpu() - c);
    let total = (n * passes) as f64;
    println!(
        "verify {n} records x {passes} ({} bytes/line): wall {:?} = {:.0} rec/s, cpu {:?} = {:.0} rec/s",
        bytes.len() as u64 / n,
        wall,
        total / wall.as_secs_f64(),
        cpu_used,
        total / cpu_used.as_secs_f64().max(1e-9)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
