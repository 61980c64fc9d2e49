//! Criterion benchmarks of loading, compiling and evaluating generated policies.
//!
//! - `evaluate/<n>/<launch>`: one `CompiledPolicy::evaluate` at 100, 10 000 and 100 000 rules,
//!   for each hit launch of the workload (`verified-exe`, `file-hash`, `folder`, `deny`) and the
//!   miss.
//! - `compile/100000`: `Policy::compile` of the loaded 100 000-rule policy.
//! - `load/100000/yaml`: `Policy::from_yaml` of the same policy written as YAML text;
//!   `load/100000/document`: `Policy::from_document` of the document built in code.
//!
//! Memory and allocation counts are in the `footprint` bench (its own binary, so that the
//! counting allocator does not slow these timings). Tuned to finish in about two minutes on a
//! 2-core machine: `cargo bench -p jitaccess-benches --bench evaluate`.

// Set-up failures (a generated policy that does not load) stop the benchmark with a message.
#![allow(clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use jitaccess::Policy;
use jitaccess_benches::{at, generate, to_yaml};

const SIZES: [usize; 3] = [100, 10_000, 100_000];
const BIG: usize = 100_000;

fn evaluate(c: &mut Criterion) {
    let at = at();
    for n in SIZES {
        let w = generate(n);
        let compiled = Policy::from_document(w.document)
            .unwrap_or_else(|e| panic!("generated policy must load: {e}"))
            .compile();
        let mut launches: Vec<(&str, jitaccess::Launch)> = w
            .hits
            .into_iter()
            .map(|h| {
                // The workload's own expectations, checked once outside the measurement.
                let d = compiled.evaluate(&h.launch, at).ok();
                assert_eq!(d.and_then(|d| d.rule), Some(h.rule), "{n}/{}", h.name);
                (h.name, h.launch)
            })
            .collect();
        launches.push(("miss", w.miss));
        let mut group = c.benchmark_group(format!("evaluate/{n}"));
        group
            .sample_size(60)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for (name, launch) in &launches {
            group.bench_with_input(BenchmarkId::from_parameter(name), launch, |b, l| {
                b.iter(|| compiled.evaluate(black_box(l), at));
            });
        }
        group.finish();
    }
}

fn compile_and_load(c: &mut Criterion) {
    let w = generate(BIG);
    let yaml = to_yaml(&w.document);
    let policy = Policy::from_document(w.document.clone())
        .unwrap_or_else(|e| panic!("generated policy must load: {e}"));
    eprintln!(
        "policy of {BIG} rules: {} privilege lists, YAML text {:.1} MB",
        w.document.privilege_lists.len(),
        yaml.len() as f64 / 1e6
    );

    let mut group = c.benchmark_group("compile");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::from_parameter(BIG), |b| {
        // The drop of the compiled policy is not part of the measurement.
        b.iter_with_large_drop(|| policy.compile());
    });
    group.finish();
    drop(policy);

    let mut group = c.benchmark_group(format!("load/{BIG}"));
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15));
    group.bench_function("yaml", |b| {
        b.iter_with_large_drop(|| Policy::from_yaml(black_box(&yaml)));
    });
    group.bench_function("document", |b| {
        b.iter_batched(
            || w.document.clone(),
            Policy::from_document,
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().noise_threshold(0.03);
    targets = evaluate, compile_and_load
}
criterion_main!(benches);
