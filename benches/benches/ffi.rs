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

use std::ffi::CString;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jitaccess::{Launch, Policy};
use jitaccess_benches::ffi_launch::{s, typed};
use jitaccess_benches::{at, generate};
use jitaccess_ffi::{
    JitaccessCode, JitaccessCompiledPolicy, JitaccessDecision, JitaccessFormat, JitaccessStr,
    jitaccess_compiled_policy_free, jitaccess_decision_free, jitaccess_evaluate,
    jitaccess_evaluate_json, jitaccess_policy_compile, jitaccess_policy_free,
    jitaccess_policy_from_str, jitaccess_string_free,
};

fn ffi(c: &mut Criterion) {
    let at = at();
    let at_ms = at.timestamp_millis();
    let at_text = CString::new(at.to_rfc3339()).unwrap_or_default();
    let w = generate(10_000);
    let hit = w
        .hits
        .into_iter()
        .find(|h| h.name == "verified-exe")
        .unwrap_or_else(|| panic!("the workload has a verified-exe hit"));
    let launch = hit.launch;
    let doc_json = serde_json::to_string(&w.document).unwrap_or_else(|e| panic!("{e}"));
    let compiled_rust = Policy::from_json(&doc_json)
        .unwrap_or_else(|e| panic!("generated policy must load: {e}"))
        .compile();

    // The same policy through the ABI.
    let text = CString::new(doc_json).unwrap_or_default();
    let mut policy = std::ptr::null_mut();
    let mut compiled: *mut JitaccessCompiledPolicy = std::ptr::null_mut();
    // SAFETY: valid strings and out-pointers.
    unsafe {
        let r = jitaccess_policy_from_str(text.as_ptr(), JitaccessFormat::Json, &mut policy);
        assert_eq!(r.code, JitaccessCode::Ok);
        let r = jitaccess_policy_compile(policy, &mut compiled);
        assert_eq!(r.code, JitaccessCode::Ok);
    }

    let groups: Vec<JitaccessStr> = launch
        .user
        .iter()
        .flat_map(|u| u.groups.iter())
        .map(|g| s(Some(g)))
        .collect();
    let tags: Vec<JitaccessStr> = launch
        .computer
        .iter()
        .flat_map(|c| c.tags.iter())
        .map(|t| s(Some(t)))
        .collect();
    let tl = typed(&launch, &groups, &tags);
    let launch_json = serde_json::to_string(&launch).unwrap_or_default();
    let launch_c = CString::new(launch_json.clone()).unwrap_or_default();

    // Both paths give the workload's rule, checked once outside the measurement.
    let direct = compiled_rust
        .evaluate(&launch, at)
        .ok()
        .and_then(|d| d.rule);
    assert_eq!(direct.as_deref(), Some(hit.rule.as_str()));
    let mut d = JitaccessDecision {
        outcome: jitaccess_ffi::JitaccessOutcome::None,
        elevation: jitaccess_ffi::JitaccessElevation::Unset,
        max_duration_seconds: 0,
        warnings: 0,
        rule: std::ptr::null_mut(),
        reason: std::ptr::null_mut(),
        application: std::ptr::null_mut(),
        privilege_list: std::ptr::null_mut(),
        shadowed: std::ptr::null_mut(),
        shadowed_len: 0,
        storage: std::ptr::null_mut(),
    };
    // SAFETY: valid handle, launch and out-pointer.
    unsafe {
        let r = jitaccess_evaluate(compiled, &tl, at_ms, &mut d);
        assert_eq!(r.code, JitaccessCode::Ok);
        let rule = std::ffi::CStr::from_ptr(d.rule)
            .to_string_lossy()
            .into_owned();
        assert_eq!(rule, hit.rule);
        jitaccess_decision_free(&mut d);
    }

    let mut group = c.benchmark_group("ffi");
    group
        .sample_size(60)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("rust-direct", |b| {
        b.iter(|| compiled_rust.evaluate(black_box(&launch), at))
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
                    black_box(launch_c.as_ptr()),
                    at_text.as_ptr(),
                    &mut out,
                );
                jitaccess_string_free(r.message);
                jitaccess_string_free(out);
            }
        })
    });
    group.bench_function("rust-json", |b| {
        b.iter(|| {
            let l = Launch::from_json(black_box(&launch_json)).ok()?;
            let d = compiled_rust.evaluate(&l, at).ok()?;
            serde_json::to_string(&d).ok()
        })
    });
    group.finish();

    // SAFETY: handles made above, used by no one else now.
    unsafe {
        jitaccess_compiled_policy_free(compiled);
        jitaccess_policy_free(policy);
    }
}

criterion_group!(benches, ffi);
criterion_main!(benches);
