//! A driver for instruction counts of evaluate through the C ABI against Rust: evaluates the
//! `verified-exe` launch of the 10 000-rule workload in a loop, by one path.
//!
//! ```text
//! cargo build --profile bench -p jitaccess-benches --example ffi_profile
//! for m in direct typed json; do
//!   valgrind --tool=callgrind --toggle-collect="ffi_profile::${m}_once" \
//!     target/release/examples/ffi_profile $m 20000
//! done
//! ```
//!
//! Instructions per call = the collected total / the number of calls.

// Set-up failures stop the driver with a message.
#![allow(clippy::panic)]

use std::ffi::CString;
use std::hint::black_box;

use jitaccess::Policy;
use jitaccess_benches::ffi_launch::{s, typed};
use jitaccess_benches::{at, generate};
use jitaccess_ffi::{
    JitaccessCompiledPolicy, JitaccessDecision, JitaccessElevation, JitaccessFormat,
    JitaccessOutcome, JitaccessStr, jitaccess_decision_free, jitaccess_evaluate,
    jitaccess_evaluate_json, jitaccess_policy_compile, jitaccess_policy_from_str,
    jitaccess_string_free,
};

/// One evaluation in Rust, the decision dropped.
#[inline(never)]
fn direct_once(
    p: &jitaccess::CompiledPolicy,
    l: &jitaccess::Launch,
    at: chrono::DateTime<chrono::Utc>,
) {
    black_box(p.evaluate(black_box(l), at).ok());
}

/// One typed evaluation through the ABI, the decision freed.
///
/// # Safety
/// Valid handle, launch and decision.
#[inline(never)]
unsafe fn typed_once(
    c: *const JitaccessCompiledPolicy,
    l: &jitaccess_ffi::JitaccessLaunch,
    at_ms: i64,
    d: &mut JitaccessDecision,
) {
    // SAFETY: forwarded.
    unsafe {
        let r = jitaccess_evaluate(c, black_box(l), at_ms, d);
        jitaccess_string_free(r.message);
        jitaccess_decision_free(d);
    }
}

/// One JSON evaluation through the ABI, the output freed.
///
/// # Safety
/// Valid handle.
#[inline(never)]
unsafe fn json_once(c: *const JitaccessCompiledPolicy, launch: &CString, at: &CString) {
    let mut out = std::ptr::null_mut();
    // SAFETY: forwarded.
    unsafe {
        let r = jitaccess_evaluate_json(c, black_box(launch.as_ptr()), at.as_ptr(), &mut out);
        jitaccess_string_free(r.message);
        jitaccess_string_free(out);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "direct".into());
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let at = at();
    let w = generate(10_000);
    let hit = w
        .hits
        .into_iter()
        .find(|h| h.name == "verified-exe")
        .unwrap_or_else(|| panic!("the workload has a verified-exe hit"));
    let launch = hit.launch;
    let doc = serde_json::to_string(&w.document).unwrap_or_else(|e| panic!("{e}"));
    let compiled_rust = Policy::from_json(&doc)
        .unwrap_or_else(|e| panic!("{e}"))
        .compile();
    let text = CString::new(doc).unwrap_or_default();
    let mut policy = std::ptr::null_mut();
    let mut compiled: *mut JitaccessCompiledPolicy = std::ptr::null_mut();
    // SAFETY: valid strings and out-pointers.
    unsafe {
        jitaccess_policy_from_str(text.as_ptr(), JitaccessFormat::Json, &mut policy);
        jitaccess_policy_compile(policy, &mut compiled);
    }
    let groups: Vec<JitaccessStr> = launch
        .user
        .iter()
        .flat_map(|u| u.groups.iter())
        .map(|g| s(Some(g)))
        .collect();
    let tl = typed(&launch, &groups, &[]);
    let launch_c =
        CString::new(serde_json::to_string(&launch).unwrap_or_default()).unwrap_or_default();
    let at_c = CString::new(at.to_rfc3339()).unwrap_or_default();
    let mut d = JitaccessDecision {
        outcome: JitaccessOutcome::None,
        elevation: JitaccessElevation::Unset,
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
    let c = compiled.cast_const();
    for _ in 0..rounds {
        match mode.as_str() {
            // SAFETY: valid handle, launch and out-pointer.
            "typed" => unsafe { typed_once(c, &tl, at.timestamp_millis(), &mut d) },
            // SAFETY: valid handle and strings.
            "json" => unsafe { json_once(c, &launch_c, &at_c) },
            _ => direct_once(&compiled_rust, &launch, at),
        }
    }
    println!("{mode}: {rounds} evaluations");
}
