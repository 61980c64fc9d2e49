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

use std::ffi::CString;
use std::hint::black_box;

use jitaccess_benches::ffi_launch::{FfiSetup, empty_decision};
use jitaccess_ffi::{
    JitaccessCompiledPolicy, JitaccessDecision, jitaccess_decision_free, jitaccess_evaluate,
    jitaccess_evaluate_json, jitaccess_string_free,
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
    let setup = FfiSetup::new();
    let tl = setup.typed();
    let mut d = empty_decision();
    let c = setup.compiled.cast_const();
    for _ in 0..rounds {
        match mode.as_str() {
            // SAFETY: valid handle, launch and out-pointer.
            "typed" => unsafe { typed_once(c, &tl, setup.at_ms(), &mut d) },
            // SAFETY: valid handle and strings.
            "json" => unsafe { json_once(c, &setup.launch_c, &setup.at_c) },
            _ => direct_once(&setup.compiled_rust, &setup.launch, setup.at),
        }
    }
    println!("{mode}: {rounds} evaluations");
}
