#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Lifecycle benchmarks: evaluation with 10k active grants, submit→decide throughput in memory
//! and with the durable file store.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jitaccess::lifecycle::{
    Engine, FileStore, MemoryStore, NullSink, Request, RequestError, SubmitArgs,
};
use jitaccess::{Launch, Policy};

const POLICY: &str = r#"
apiVersion: jitaccess/v1
name: bench
applications:
  - { id: tool, vendor: Contoso, product: Tool }
  - { id: shells, fileName: [cmd.exe, powershell.exe] }
privilegeLists:
  - { id: req, elevation: onRequest, applications: [tool] }
  - { id: no-shells, elevation: deny, applications: [shells] }
requests: { maxDuration: 8h }
"#;

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// One measured pair: submit request `{prefix}{u}` for user `u` (a copy of `template`), then
/// approve it.
fn submit_then_approve(
    engine: &Engine,
    prefix: &str,
    u: u64,
    template: &Launch,
) -> Result<Request, RequestError> {
    let id = format!("{prefix}{u}");
    engine
        .submit(
            SubmitArgs::new(
                id.clone(),
                launch_fast(template, u),
                None,
                Some("ticket INC000001".into()),
            ),
            at(),
        )
        .and_then(|_| engine.approve(&id, "CORP\\admin", None, at()))
}

/// A launch of user `user`, built from a parsed template (no JSON in the measured loop).
fn launch_fast(template: &Launch, user: u64) -> Launch {
    let mut l = template.clone();
    if let Some(u) = l.user.as_mut() {
        u.name = Some(format!("CORP\\user{user}"));
    }
    if let Some(c) = l.computer.as_mut() {
        c.name = Some(format!("PC-{user}"));
    }
    l
}

fn launch(user: u64) -> Launch {
    let json = format!(
        r#"{{"user":{{"name":"CORP\\user{user}"}},"computer":{{"name":"PC-{user}"}},"path":"C:\\Program Files\\Contoso\\tool.exe","signer":{{"publisher":"Contoso","valid":true}},"version":{{"productName":"Tool"}}}}"#
    );
    Launch::from_json(&json).unwrap_or_default()
}

fn engine_with_grants(n: u64) -> Engine {
    let policy = Policy::from_yaml(POLICY)
        .map(|p| p.compile())
        .unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::in_memory(policy);
    for u in 0..n {
        let id = format!("r{u}");
        engine
            .submit(
                SubmitArgs::new(id.clone(), launch(u), None, Some("ticket INC000001".into())),
                at(),
            )
            .and_then(|_| engine.approve(&id, "CORP\\admin", None, at()))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    engine
}

fn evaluate_with_grants(c: &mut Criterion) {
    let engine = engine_with_grants(10_000);
    let later = at() + chrono::TimeDelta::minutes(5);
    let covered = launch(4_242);
    let uncovered = launch(99_999);
    let mut g = c.benchmark_group("engine_evaluate_10k_grants");
    g.bench_function("covered_by_grant", |b| {
        b.iter(|| engine.evaluate(black_box(&covered), later))
    });
    g.bench_function("no_grant", |b| {
        b.iter(|| engine.evaluate(black_box(&uncovered), later))
    });
    g.finish();
    let d = engine
        .evaluate(&covered, later)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.rule.as_deref(), Some("grant:r4242"));
}

/// Most requests an engine of the `submit_then_approve/in_memory` bench holds: the engine
/// holds 0 to this many (on average half), then a fresh one takes its place.
const IN_MEMORY_CAP: u64 = 200_000;

fn submit_decide(c: &mut Criterion) {
    let policy = Policy::from_yaml(POLICY)
        .map(|p| p.compile())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("submit_then_approve");
    g.throughput(Throughput::Elements(1));
    let n = AtomicU64::new(0);
    let template = launch(0);
    // Bounded engine size: a full engine (`IN_MEMORY_CAP` requests) is replaced by a fresh one,
    // built and dropped outside the timing, so every sample measures the same workload however
    // many iterations criterion picks (one engine for the whole run grew to about a million
    // requests, and the cost per pair grows with the engine: see docs/performance.md).
    let mut engine = Engine::in_memory(policy.clone());
    let mut held = 0u64;
    g.bench_function("in_memory", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                if held >= IN_MEMORY_CAP {
                    drop(std::mem::replace(
                        &mut engine,
                        Engine::in_memory(policy.clone()),
                    ));
                    held = 0;
                }
                let run = left.min(IN_MEMORY_CAP - held);
                let start = Instant::now();
                for _ in 0..run {
                    let u = n.fetch_add(1, Ordering::Relaxed);
                    black_box(submit_then_approve(&engine, "m", u, &template))
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                timed += start.elapsed();
                held += run;
                left -= run;
            }
            timed
        })
    });
    drop(engine);
    let dir = std::env::temp_dir().join(format!("jitaccess-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let store = FileStore::open(dir.join("journal")).unwrap_or_else(|e| panic!("{e}"));
    let durable =
        Engine::new(policy, Box::new(store), Box::new(NullSink)).unwrap_or_else(|e| panic!("{e}"));
    g.sample_size(20);
    g.bench_function("file_store_fsync_per_command", |b| {
        b.iter(|| submit_then_approve(&durable, "d", n.fetch_add(1, Ordering::Relaxed), &template))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = MemoryStore;
}

/// Committing threads of the durable multi-thread benches.
const THREADS: u64 = 4;

/// Submit→approve pairs from `THREADS` threads on one durable engine: fsync per command
/// (`FileStore::open`) against group commit (`FileStore::open_group_commit`).
fn durable_threads(c: &mut Criterion) {
    let policy = Policy::from_yaml(POLICY)
        .map(|p| p.compile())
        .unwrap_or_else(|e| panic!("{e}"));
    let template = launch(0);
    let n = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!("jitaccess-bench-mt-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut g = c.benchmark_group("submit_then_approve_4_threads");
    g.throughput(Throughput::Elements(1));
    g.sample_size(10);
    for (name, group) in [
        ("file_store_fsync_per_command", false),
        ("file_store_group_commit", true),
    ] {
        let path = dir.join(name);
        let store = if group {
            FileStore::open_group_commit(&path)
        } else {
            FileStore::open(&path)
        }
        .unwrap_or_else(|e| panic!("{e}"));
        let engine = Engine::new(policy.clone(), Box::new(store), Box::new(NullSink))
            .unwrap_or_else(|e| panic!("{e}"));
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let per = iters.div_ceil(THREADS);
                let start = Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..THREADS {
                        s.spawn(|| {
                            for _ in 0..per {
                                submit_then_approve(
                                    &engine,
                                    "t",
                                    n.fetch_add(1, Ordering::Relaxed),
                                    &template,
                                )
                                .unwrap_or_else(|e| panic!("{e}"));
                            }
                        });
                    }
                });
                // `per * THREADS` pairs ran; scale to the `iters` criterion asked for.
                start
                    .elapsed()
                    .mul_f64(iters as f64 / (per * THREADS) as f64)
            })
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = evaluate_with_grants, submit_decide, durable_threads
}
criterion_main!(benches);
