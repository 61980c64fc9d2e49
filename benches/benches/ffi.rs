//! Evaluate through the C ABI against evaluate directly in Rust, for a typical launch (the
//! `verified-exe` hit of the 10 000-rule workload: user with groups, computer, valid signer,
//! version info).
//!
//! - `ffi/rust-direct`: `CompiledPolicy::evaluate` on a built `Launch` (the baseline);
//! - `ffi/c-typed`: `jitaccess_evaluate` with a `JitaccessLaunch` of pointer+length fields,
//!   then `jitaccess_decision_free` (target: ≤ 1.3× the baseline);
//! - `ffi/c-json`: `jitaccess_evaluate_json` with the launch as JSON text, then
//!   `jitaccess_string_free`;
//! - `ffi/rust-json`: the same JSON work done in Rust (`Launch::from_json`, evaluate,
//!   `serde_json::to_string`), to show what the JSON path costs beyond the boundary.
//!
//! `cargo bench -p jitaccess-benches --bench ffi` (about 30 s).

// Set-up failures stop the benchmark with a message.
#![allow(clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jitaccess::Launch;
use jitaccess_benches::ffi_launch::{FfiSetup, empty_decision};
use jitaccess_ffi::{
    JitaccessCode, jitaccess_decision_free, jitaccess_evaluate, jitaccess_evaluate_json,
    jitaccess_string_free,
};

fn ffi(c: &mut Criterion) {
    let setup = FfiSetup::new();
    let (at, at_ms, compiled) = (setup.at, setup.at_ms(), setup.compiled);
    let (launch, compiled_rust) = (&setup.launch, &setup.compiled_rust);
    let tl = setup.typed();

    // Both paths give the workload's rule, checked once outside the measurement.
    let direct = compiled_rust.evaluate(launch, at).ok().and_then(|d| d.rule);
    assert_eq!(direct.as_deref(), Some(setup.rule.as_str()));
    let mut d = empty_decision();
    // SAFETY: valid handle, launch and out-pointer.
    unsafe {
        let r = jitaccess_evaluate(compiled, &tl, at_ms, &mut d);
        assert_eq!(r.code, JitaccessCode::Ok);
        let rule = std::ffi::CStr::from_ptr(d.rule)
            .to_string_lossy()
            .into_owned();
        assert_eq!(rule, setup.rule);
        jitaccess_decision_free(&mut d);
    }

    let mut group = c.benchmark_group("ffi");
    group
        .sample_size(60)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("rust-direct", |b| {
        b.iter(|| compiled_rust.evaluate(black_box(launch), at))
    });
    group.bench_function("c-typed", |b| {
        b.iter(|| {
            // SAFETY: as above.
            unsafe {
                let r = jitaccess_evaluate(compiled, black_box(&tl), at_ms, &mut d);
                jitaccess_string_free(r.message);
                jitaccess_decision_free(&mut d);
            }
        })
    });
    group.bench_function("c-json", |b| {
        b.iter(|| {
            let mut out = std::ptr::null_mut();
            // SAFETY: as above.
            unsafe {
                let r = jitaccess_evaluate_json(
                    compiled,
                    black_box(setup.launch_c.as_ptr()),
                    setup.at_c.as_ptr(),
                    &mut out,
                );
                jitaccess_string_free(r.message);
                jitaccess_string_free(out);
            }
        })
    });
    group.bench_function("rust-json", |b| {
        b.iter(|| {
            let l = Launch::from_json(black_box(&setup.launch_json)).ok()?;
            let d = compiled_rust.evaluate(&l, at).ok()?;
            serde_json::to_string(&d).ok()
        })
    });
    group.finish();
}

criterion_group!(benches, ffi);
criterion_main!(benches);
