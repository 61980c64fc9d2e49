//! Policy and compiled-policy handles; evaluate (JSON and typed).

use std::ffi::c_char;

use chrono::{DateTime, Utc};
use jitaccess::{CompiledPolicy, Decision, Launch, LaunchError, Policy, PolicyErrors};

use crate::result::{
    Failure, JitaccessCode, JitaccessResult, Res, arg_str, guard, handle, opt_str, out_ptr,
    owned_string, parse_at, to_json,
};
use crate::typed::{JitaccessDecision, JitaccessLaunch, with_decision, with_launch, with_view};

/// A loaded, validated policy document (opaque). Free with [`jitaccess_policy_free`].
#[derive(Debug)]
pub struct JitaccessPolicy(pub(crate) Policy);

/// An immutable compiled policy (opaque), shareable between threads. Free with
/// [`jitaccess_compiled_policy_free`].
#[derive(Debug)]
pub struct JitaccessCompiledPolicy(pub(crate) CompiledPolicy);

/// The format of policy text.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitaccessFormat {
    /// YAML 1.2.
    Yaml = 0,
    /// JSON.
    Json = 1,
}

fn policy_failure(e: &PolicyErrors) -> Failure {
    Failure::new(JitaccessCode::InvalidPolicy, e.to_string())
}

pub(crate) fn launch_failure(e: &jitaccess::LaunchError) -> Failure {
    Failure::new(JitaccessCode::InvalidLaunch, e.to_string())
}

/// Loads a policy from text. `format` is a [`JitaccessFormat`] value (taken as an integer, so
/// that any other value is a clean `JITACCESS_CODE_INVALID_ARGUMENT`, not undefined behaviour).
/// On `JITACCESS_CODE_INVALID_POLICY` the message lists every problem with its document path and
/// line, e.g. `privilegeLists[2].applications[1]: unknown application 'ghost' (line 40, column 7)`.
///
/// # Safety
/// `text` is a NUL-terminated string; `out` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_policy_from_str(
    text: *const c_char,
    format: i32,
    out: *mut *mut JitaccessPolicy,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, text) = unsafe { (out_ptr(out, "out")?, arg_str(text, "text")?) };
        let policy = if format == JitaccessFormat::Yaml as i32 {
            Policy::from_yaml(text)
        } else if format == JitaccessFormat::Json as i32 {
            Policy::from_json(text)
        } else {
            return Err(Failure::new(
                JitaccessCode::InvalidArgument,
                format!("format: {format} is not a JitaccessFormat (0 YAML, 1 JSON)"),
            ));
        }
        .map_err(|e| policy_failure(&e))?;
        *out = Box::into_raw(Box::new(JitaccessPolicy(policy)));
        Ok(())
    })
}

/// Loads a policy from a file (`.json` is JSON, anything else YAML).
///
/// # Safety
/// `path` is a NUL-terminated string; `out` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_policy_from_file(
    path: *const c_char,
    out: *mut *mut JitaccessPolicy,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, path) = unsafe { (out_ptr(out, "out")?, arg_str(path, "path")?) };
        let policy = Policy::from_path(path).map_err(|e| policy_failure(&e))?;
        *out = Box::into_raw(Box::new(JitaccessPolicy(policy)));
        Ok(())
    })
}

/// The lint warnings of a policy (policy.md §6) as a JSON array of
/// `{"code", "path", "message"}`; the caller frees `*out_json`.
///
/// # Safety
/// `policy` is a live policy handle; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_policy_lint(
    policy: *const JitaccessPolicy,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, policy) = unsafe { (out_ptr(out_json, "out_json")?, handle(policy, "policy")?) };
        *out = owned_string(to_json(&policy.0.lint())?);
        Ok(())
    })
}

/// Compiles a policy into the immutable matcher. The policy handle stays valid and may be
/// freed independently.
///
/// # Safety
/// `policy` is a live policy handle; `out` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_policy_compile(
    policy: *const JitaccessPolicy,
    out: *mut *mut JitaccessCompiledPolicy,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, policy) = unsafe { (out_ptr(out, "out")?, handle(policy, "policy")?) };
        *out = Box::into_raw(Box::new(JitaccessCompiledPolicy(policy.0.compile())));
        Ok(())
    })
}

/// Frees a policy handle. NULL is a no-op.
///
/// # Safety
/// `policy` is NULL or a live policy handle no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_policy_free(policy: *mut JitaccessPolicy) {
    let _ = guard(|| {
        if !policy.is_null() {
            // SAFETY: made by `Box::into_raw` in this library.
            drop(unsafe { Box::from_raw(policy) });
        }
        Ok(())
    });
}

/// Frees a compiled policy handle. NULL is a no-op. Engines made from it keep their own copy.
///
/// # Safety
/// `compiled` is NULL or a live handle no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_compiled_policy_free(compiled: *mut JitaccessCompiledPolicy) {
    let _ = guard(|| {
        if !compiled.is_null() {
            // SAFETY: made by `Box::into_raw` in this library.
            drop(unsafe { Box::from_raw(compiled) });
        }
        Ok(())
    });
}

pub(crate) fn parse_launch(text: &str) -> Res<Launch> {
    Launch::from_json(text).map_err(|e| match e {
        jitaccess::LaunchError::Json(_) => Failure::new(JitaccessCode::ParseError, e.to_string()),
        other => launch_failure(&other),
    })
}

/// Evaluates a launch given as JSON (policy.md §2) at `at` (RFC 3339; NULL = now); the decision
/// JSON (policy.md §4) goes to `*out_json`, which the caller frees.
///
/// # Safety
/// `compiled` is a live handle; `launch_json` and `at` (if not NULL) are NUL-terminated
/// strings; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_evaluate_json(
    compiled: *const JitaccessCompiledPolicy,
    launch_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe {
        evaluate_json_with(
            compiled,
            "compiled",
            launch_json,
            at,
            out_json,
            |c, l, at| c.0.evaluate(l, at),
        )
    }
}

/// The body shared by the JSON evaluate exports (`jitaccess_evaluate_json`,
/// `jitaccess_engine_evaluate_json`): checks and reads the arguments, parses the launch and
/// the time, runs `eval` on the handle and hands the decision back as JSON.
///
/// # Safety
/// As `jitaccess_evaluate_json`, with `handle_ptr` NULL or a live handle.
pub(crate) unsafe fn evaluate_json_with<H>(
    handle_ptr: *const H,
    handle_name: &str,
    launch_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
    eval: impl FnOnce(&H, &Launch, DateTime<Utc>) -> Result<Decision, LaunchError>,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, h, launch, at) = unsafe {
            (
                out_ptr(out_json, "out_json")?,
                handle(handle_ptr, handle_name)?,
                arg_str(launch_json, "launch_json")?,
                opt_str(at, "at")?,
            )
        };
        let at = parse_at(at)?;
        let launch = parse_launch(launch)?;
        let d = eval(h, &launch, at).map_err(|e| launch_failure(&e))?;
        *out = owned_string(to_json(&d)?);
        Ok(())
    })
}

/// The body shared by the typed evaluate exports (`jitaccess_evaluate`,
/// `jitaccess_engine_evaluate`): zeroes `*out`, checks the arguments, reads the launch into
/// the per-thread scratch launch, runs `eval` and copies the decision out.
///
/// # Safety
/// As `jitaccess_evaluate`, with `handle_ptr` NULL or a live handle.
pub(crate) unsafe fn evaluate_typed_with<H>(
    handle_ptr: *const H,
    handle_name: &str,
    launch: *const JitaccessLaunch,
    at_unix_ms: i64,
    out: *mut JitaccessDecision,
    eval: impl FnOnce(&H, &Launch, DateTime<Utc>) -> Result<Decision, LaunchError>,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let out = unsafe { out.as_mut() }
            .ok_or_else(|| Failure::new(JitaccessCode::NullArgument, "out is NULL"))?;
        // Zero without reading: the caller may pass uninitialized memory.
        // SAFETY: `out` is valid for writes.
        unsafe { std::ptr::write(out, JitaccessDecision::empty()) };
        // SAFETY: the caller's promises, checked for NULL.
        let (h, launch) = unsafe { (handle(handle_ptr, handle_name)?, handle(launch, "launch")?) };
        let at = at_from_millis(at_unix_ms)?;
        // SAFETY: forwarded.
        let d = unsafe { with_launch(launch, |l| eval(h, l, at).map_err(|e| launch_failure(&e))) }?;
        *out = JitaccessDecision::from_decision(&d);
        Ok(())
    })
}

pub(crate) fn at_from_millis(ms: i64) -> Res<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms).ok_or_else(|| {
        Failure::new(
            JitaccessCode::InvalidArgument,
            format!("at_unix_ms: {ms} is out of range"),
        )
    })
}

/// The typed fast path: evaluates a [`JitaccessLaunch`] at `at_unix_ms` (milliseconds since
/// 1970-01-01T00:00:00Z) into `*out` (zeroed first; free its strings with
/// `jitaccess_decision_free`).
///
/// # Safety
/// `compiled` is a live handle; `launch` points to a launch whose string fields are NULL or
/// valid for their lengths; `out` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_evaluate(
    compiled: *const JitaccessCompiledPolicy,
    launch: *const JitaccessLaunch,
    at_unix_ms: i64,
    out: *mut JitaccessDecision,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let out = unsafe { out.as_mut() }
            .ok_or_else(|| Failure::new(JitaccessCode::NullArgument, "out is NULL"))?;
        // Zero without reading: the caller may pass uninitialized memory.
        // SAFETY: `out` is valid for writes.
        unsafe { std::ptr::write(out, JitaccessDecision::empty()) };
        // SAFETY: the caller's promises, checked for NULL.
        let (c, launch) = unsafe { (handle(compiled, "compiled")?, handle(launch, "launch")?) };
        let at = at_from_millis(at_unix_ms)?;
        // SAFETY: forwarded; the view lives only during the call.
        unsafe {
            with_view(launch, |l| {
                with_decision(|d| {
                    c.0.evaluate_into(l, at, d)
                        .map_err(|e| launch_failure(&e))?;
                    *out = JitaccessDecision::from_decision(d);
                    Ok(())
                })
            })
        }
    })
}
