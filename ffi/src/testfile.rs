//! Policy test files (testing.md) through the ABI: run them whole, or get them as a plan that
//! a host walks with its own calls (how the C and C# tests run the conformance vectors).

use std::ffi::c_char;

use crate::result::{
    Failure, JitaccessCode, JitaccessResult, arg_str, guard, out_ptr, owned_string, to_json,
};

/// Loads a test file and returns it as a JSON plan (`jitaccess::testfile::to_json_plan`): the
/// policy resolved to its text and format, `launchDefaults` merged into every launch, every
/// case and step with its time and its expectation as written.
///
/// # Safety
/// `path` is NUL-terminated; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_testfile_plan(
    path: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, path) = unsafe { (out_ptr(out_json, "out_json")?, arg_str(path, "path")?) };
        let plan = jitaccess::testfile::to_json_plan(path)
            .map_err(|e| Failure::new(JitaccessCode::InvalidTestFile, e.to_string()))?;
        *out = owned_string(to_json(&plan)?);
        Ok(())
    })
}

/// Checks one actual result against one expectation of a plan by the rules of testing.md
/// (`jitaccess::testfile::check_expectation`): `kind` is `"decision"`, `"request"` or
/// `"audit"`. `*out_json` is a JSON array of mismatch sentences; empty means the test passed.
///
/// # Safety
/// `kind`, `expect_json` and `actual_json` are NUL-terminated; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_testfile_check(
    kind: *const c_char,
    expect_json: *const c_char,
    actual_json: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, kind, expect, actual) = unsafe {
            (
                out_ptr(out_json, "out_json")?,
                arg_str(kind, "kind")?,
                arg_str(expect_json, "expect_json")?,
                arg_str(actual_json, "actual_json")?,
            )
        };
        let parse = |t: &str, what: &str| {
            serde_json::from_str::<serde_json::Value>(t)
                .map_err(|e| Failure::new(JitaccessCode::ParseError, format!("{what}: {e}")))
        };
        let (expect, actual) = (parse(expect, "expect_json")?, parse(actual, "actual_json")?);
        let problems = jitaccess::testfile::check_expectation(kind, &expect, &actual)
            .map_err(|m| Failure::new(JitaccessCode::InvalidArgument, m))?;
        *out = owned_string(to_json(&problems)?);
        Ok(())
    })
}

/// Runs test files whole in the core (as `jitaccess test` does); `*out_json` is the report
/// `{"passed", "failed", "results": [{"file", "name", "passed", "message"}]}`.
///
/// # Safety
/// `path` is NUL-terminated; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_testfile_run(
    path: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, path) = unsafe { (out_ptr(out_json, "out_json")?, arg_str(path, "path")?) };
        let report = jitaccess::testfile::run_file(path)
            .map_err(|e| Failure::new(JitaccessCode::InvalidTestFile, e.to_string()))?;
        *out = owned_string(to_json(&report)?);
        Ok(())
    })
}
