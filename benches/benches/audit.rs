#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Audit trail benchmarks (audit.md): append throughput with checkpoints and batched fsync,
//! fsync per record, full verification throughput, and inclusion proofs at 10M records
//! (computed from the tree size and a synthetic leaf generator, not by storing 10M records).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jitaccess::audit::merkle::{self, Hash};
use jitaccess::audit::{
    self, Durability, Proof, SignerKey, Writer, WriterOptions, checkpoints_path,
};
use jitaccess::lifecycle::Event;

fn key() -> SignerKey {
    SignerKey::from_seed("bench-audit", &[1; 32]).unwrap()
}

/// A typical event: a request approval with subject, actor, application, policy (~520 bytes).
fn event(i: u64) -> Event {
    serde_json::from_value(serde_json::json!({
        "type": "request.approved",
        "time": "2026-11-23T09:00:00Z",
        "requestId": format!("req-{i}"),
        "subject": { "name": "CORP\\alice", "sid": "S-1-5-21-1004336348-1177238915-682003330-512" },
        "actor": { "kind": "admin", "name": "CORP\\bob" },
        "computer": "IT-LAPTOP-07",
        "application": { "path": "C:\\Program Files\\Sysinternals\\procmon64.exe",
                         "sha256": "ab".repeat(32), "publisher": "Microsoft Corporation" },
        "justification": "INC123456 capture boot trace",
        "duration": "30m",
        "rule": "it-tools/procmon",
        "policy": { "name": "corp-workstations", "revision": 3, "sha256": "cd".repeat(32) },
    }))
    .unwrap()
}

fn bench_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("jitaccess-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fresh(dir: &std::path::Path, name: &str) -> PathBuf {
    let log = dir.join(name);
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(checkpoints_path(&log));
    log
}

fn append(c: &mut Criterion) {
    let dir = bench_dir();
    let events: Vec<Event> = (0..20_000).map(event).collect();
    let mut g = c.benchmark_group("audit_append");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    // Batched fsync (at most 4096 records or 100 ms unsynced), a checkpoint every N records.
    g.throughput(Throughput::Elements(events.len() as u64));
    for every in [1000u64, 10_000] {
        g.bench_function(
            BenchmarkId::new("batched_fsync_checkpoint_every", every),
            |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let log = fresh(&dir, "batched.log");
                        let opts = WriterOptions::default().checkpoint_every(every).durability(
                            Durability::Batch {
                                records: 4096,
                                interval: Duration::from_millis(100),
                            },
                        );
                        let mut w = Writer::open(&log, key(), opts).unwrap();
                        let t = Instant::now();
                        for e in &events {
                            w.append(e).unwrap();
                        }
                        w.close().unwrap();
                        total += t.elapsed();
                    }
                    total
                });
            },
        );
    }
    // fsync after every record.
    let few = &events[..200];
    g.throughput(Throughput::Elements(few.len() as u64));
    g.bench_function("fsync_every_record", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let log = fresh(&dir, "every.log");
                let opts = WriterOptions::default().checkpoint_every(1000);
                let mut w = Writer::open(&log, key(), opts).unwrap();
                let t = Instant::now();
                for e in few {
                    w.append(e).unwrap();
                }
                w.close().unwrap();
                total += t.elapsed();
            }
            total
        });
    });
    g.finish();
}

fn verify(c: &mut Criterion) {
    let dir = bench_dir();
    let n = 100_000u64;
    let log = fresh(&dir, "verify.log");
    let opts = WriterOptions::default()
        .checkpoint_every(1000)
        .durability(Durability::Batch {
            records: 4096,
            interval: Duration::from_secs(1),
        });
    let mut w = Writer::open(&log, key(), opts).unwrap();
    for i in 0..n {
        w.append(&event(i)).unwrap();
    }
    w.close().unwrap();
    let bytes = std::fs::read(&log).unwrap();
    let cps = std::fs::read(checkpoints_path(&log)).unwrap();
    let vk = key().verifier();
    assert!(audit::verify_bytes(&bytes, &cps, &vk).is_ok());
    let mut g = c.benchmark_group("audit_verify");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function("100k_records_100_checkpoints", |b| {
        b.iter(|| {
            let r = audit::verify_bytes(&bytes, &cps, &vk);
            assert_eq!(r.records, n);
        });
    });
    g.finish();
    eprintln!(
        "audit_verify: {} records, {} bytes ({} bytes per line)",
        n,
        bytes.len(),
        bytes.len() as u64 / n
    );
}

/// Leaf `i` of a synthetic tree.
fn synthetic_leaf(i: u64) -> Hash {
    merkle::leaf_hash(&i.to_be_bytes())
}

fn proofs(c: &mut Criterion) {
    const TEN_M: u64 = 10_000_000;
    // Size: hashes in an inclusion proof at 10M records, from the tree size alone.
    let worst = (0..TEN_M)
        .step_by(999_983)
        .map(|i| merkle::inclusion_proof_len(i, TEN_M))
        .max();
    eprintln!(
        "audit_proof: 10M records: inclusion proof of {} hashes ({} bytes raw, ~{} bytes of base64 in JSON)",
        worst.unwrap(),
        worst.unwrap() * 32,
        worst.unwrap() * 47
    );
    let mut g = c.benchmark_group("audit_proof");
    g.sample_size(10);
    // Generation: a proof from a tree of 2^20 synthetic leaves (cost is linear in the tree
    // size when computed from the leaves; see docs/performance.md for 10M).
    for size in [1u64 << 16, 1 << 20] {
        let leaves: Vec<Hash> = (0..size).map(synthetic_leaf).collect();
        g.bench_with_input(
            BenchmarkId::new("prove_from_leaves", size),
            &leaves,
            |b, l| {
                b.iter(|| merkle::inclusion_proof(l, size / 3).unwrap());
            },
        );
    }
    // Verification of a proof at 10M: the audit path of a leaf, computed from the perfect
    // subtree roots of a synthetic 10M-leaf tree (built once, outside the measurement).
    let t = Instant::now();
    let (proof, root, leaf, index) = synthetic_10m_proof(TEN_M);
    eprintln!(
        "audit_proof: computing one inclusion proof and the root of a 10M-leaf tree from generated leaves: {:?} ({} hashes in the proof)",
        t.elapsed(),
        proof.len()
    );
    g.bench_function("verify_inclusion_10M", |b| {
        b.iter(|| merkle::verify_inclusion(&leaf, index, TEN_M, &proof, &root).unwrap());
    });
    g.finish();
    // A full proof document checks with one signature verification on top.
    let dir = bench_dir();
    let log = fresh(&dir, "proof.log");
    let mut w = Writer::open(&log, key(), WriterOptions::default()).unwrap();
    for i in 0..100 {
        w.append(&event(i)).unwrap();
    }
    w.close().unwrap();
    let doc = audit::prove(&log, 42).unwrap().to_json();
    let vk = key().verifier();
    c.bench_function("audit_proof/check_document", |b| {
        b.iter(|| Proof::from_json(&doc).unwrap().check(&vk).unwrap());
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// The inclusion proof of leaf `size/3` in a synthetic tree of `size` leaves and its root,
/// with the 10M leaf hashes generated on the fly in O(n) time and O(log n) memory.
fn synthetic_10m_proof(size: u64) -> (Vec<Hash>, Hash, Hash, u64) {
    let index = size / 3;
    // Subtree root of leaves [lo, lo+len) (len a power of two or the tail), computed by a
    // frontier over the generated leaves.
    fn range_root(lo: u64, hi: u64) -> Hash {
        let mut f = merkle::Frontier::default();
        for i in lo..hi {
            f.push(synthetic_leaf(i));
        }
        f.root()
    }
    fn split(n: u64) -> u64 {
        1u64 << (63 - (n - 1).leading_zeros())
    }
    let mut path = Vec::new();
    let (mut lo, mut hi) = (0u64, size);
    let mut m = index;
    let mut siblings = Vec::new();
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < k {
            siblings.push((lo + k, hi));
            hi = lo + k;
        } else {
            siblings.push((lo, lo + k));
            lo += k;
            m -= k;
        }
    }
    for (a, b) in siblings.into_iter().rev() {
        path.push(range_root(a, b));
    }
    let root = range_root(0, size);
    (path, root, synthetic_leaf(index), index)
}

criterion_group!(benches, append, verify, proofs);
criterion_main!(benches);
