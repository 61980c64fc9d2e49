//! The one result type of every export, the stable error codes, the unwind guard and the
//! string helpers.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use jitaccess::lifecycle::{ErrorCode, RequestError};

/// The stable error codes of the C ABI. `0` is success; `1..=99` are ABI and input errors;
/// `100..=114` are the lifecycle error codes of lifecycle.md §2, in the spec's order.
/// [`jitaccess_code_name`] gives each its stable name (`"notFound"`, `"invalidPolicy"`, …).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitaccessCode {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL (`nullArgument`).
    NullArgument = 1,
    /// A string argument was not valid UTF-8 (`invalidUtf8`).
    InvalidUtf8 = 2,
    /// A JSON argument could not be parsed, or has the wrong shape (`parseError`).
    ParseError = 3,
    /// The policy document is invalid; the message lists every problem with its document path
    /// (`invalidPolicy`).
    InvalidPolicy = 4,
    /// The launch is malformed: empty path, bad digest, bad CLSID (`invalidLaunch`).
    InvalidLaunch = 5,
    /// An argument is well formed but not acceptable, e.g. a time that is not RFC 3339, an
    /// unknown option or check kind (`invalidArgument`).
    InvalidArgument = 6,
    /// A policy test file could not be loaded (`invalidTestFile`).
    InvalidTestFile = 7,
    /// A file could not be read or written, e.g. the engine's store (`ioError`).
    IoError = 8,
    /// A panic was caught at the boundary; the handle passed in may be inconsistent and
    /// should be freed (`panic`).
    Panic = 99,
    /// Lifecycle `notRequestable`.
    NotRequestable = 100,
    /// Lifecycle `denied`.
    Denied = 101,
    /// Lifecycle `justificationRequired`.
    JustificationRequired = 102,
    /// Lifecycle `justificationTooShort`.
    JustificationTooShort = 103,
    /// Lifecycle `justificationPattern`.
    JustificationPattern = 104,
    /// Lifecycle `durationInvalid`.
    DurationInvalid = 105,
    /// Lifecycle `durationTooLong`.
    DurationTooLong = 106,
    /// Lifecycle `duplicate`.
    Duplicate = 107,
    /// Lifecycle `selfApproval`.
    SelfApproval = 108,
    /// Lifecycle `notRequester`.
    NotRequester = 109,
    /// Lifecycle `unknownApplication`.
    UnknownApplication = 110,
    /// Lifecycle `notFound`.
    NotFound = 111,
    /// Lifecycle `duplicateId`.
    DuplicateId = 112,
    /// Lifecycle `invalidTransition`.
    InvalidTransition = 113,
    /// Lifecycle `storageFailed`.
    StorageFailed = 114,
}

/// Every code, for tables and tests.
pub const ALL_CODES: [JitaccessCode; 25] = [
    JitaccessCode::Ok,
    JitaccessCode::NullArgument,
    JitaccessCode::InvalidUtf8,
    JitaccessCode::ParseError,
    JitaccessCode::InvalidPolicy,
    JitaccessCode::InvalidLaunch,
    JitaccessCode::InvalidArgument,
    JitaccessCode::InvalidTestFile,
    JitaccessCode::IoError,
    JitaccessCode::Panic,
    JitaccessCode::NotRequestable,
    JitaccessCode::Denied,
    JitaccessCode::JustificationRequired,
    JitaccessCode::JustificationTooShort,
    JitaccessCode::JustificationPattern,
    JitaccessCode::DurationInvalid,
    JitaccessCode::DurationTooLong,
    JitaccessCode::Duplicate,
    JitaccessCode::SelfApproval,
    JitaccessCode::NotRequester,
    JitaccessCode::UnknownApplication,
    JitaccessCode::NotFound,
    JitaccessCode::DuplicateId,
    JitaccessCode::InvalidTransition,
    JitaccessCode::StorageFailed,
];

impl JitaccessCode {
    /// The stable name, NUL-terminated: the lifecycle code for `100..`, else the ABI's name.
    pub fn name(self) -> &'static CStr {
        match self {
            JitaccessCode::Ok => c"ok",
            JitaccessCode::NullArgument => c"nullArgument",
            JitaccessCode::InvalidUtf8 => c"invalidUtf8",
            JitaccessCode::ParseError => c"parseError",
            JitaccessCode::InvalidPolicy => c"invalidPolicy",
            JitaccessCode::InvalidLaunch => c"invalidLaunch",
            JitaccessCode::InvalidArgument => c"invalidArgument",
            JitaccessCode::InvalidTestFile => c"invalidTestFile",
            JitaccessCode::IoError => c"ioError",
            JitaccessCode::Panic => c"panic",
            JitaccessCode::NotRequestable => c"notRequestable",
            JitaccessCode::Denied => c"denied",
            JitaccessCode::JustificationRequired => c"justificationRequired",
            JitaccessCode::JustificationTooShort => c"justificationTooShort",
            JitaccessCode::JustificationPattern => c"justificationPattern",
            JitaccessCode::DurationInvalid => c"durationInvalid",
            JitaccessCode::DurationTooLong => c"durationTooLong",
            JitaccessCode::Duplicate => c"duplicate",
            JitaccessCode::SelfApproval => c"selfApproval",
            JitaccessCode::NotRequester => c"notRequester",
            JitaccessCode::UnknownApplication => c"unknownApplication",
            JitaccessCode::NotFound => c"notFound",
            JitaccessCode::DuplicateId => c"duplicateId",
            JitaccessCode::InvalidTransition => c"invalidTransition",
            JitaccessCode::StorageFailed => c"storageFailed",
        }
    }

    /// The ABI code of a lifecycle error code.
    pub fn from_lifecycle(code: ErrorCode) -> JitaccessCode {
        match code {
            ErrorCode::NotRequestable => JitaccessCode::NotRequestable,
            ErrorCode::Denied => JitaccessCode::Denied,
            ErrorCode::JustificationRequired => JitaccessCode::JustificationRequired,
            ErrorCode::JustificationTooShort => JitaccessCode::JustificationTooShort,
            ErrorCode::JustificationPattern => JitaccessCode::JustificationPattern,
            ErrorCode::DurationInvalid => JitaccessCode::DurationInvalid,
            ErrorCode::DurationTooLong => JitaccessCode::DurationTooLong,
            ErrorCode::Duplicate => JitaccessCode::Duplicate,
            ErrorCode::SelfApproval => JitaccessCode::SelfApproval,
            ErrorCode::NotRequester => JitaccessCode::NotRequester,
            ErrorCode::UnknownApplication => JitaccessCode::UnknownApplication,
            ErrorCode::NotFound => JitaccessCode::NotFound,
            ErrorCode::DuplicateId => JitaccessCode::DuplicateId,
            ErrorCode::InvalidTransition => JitaccessCode::InvalidTransition,
            // `storageFailed` and any code a later core adds: fail closed as a storage error.
            _ => JitaccessCode::StorageFailed,
        }
    }
}

/// What every export returns: a code and, unless the code is `JITACCESS_CODE_OK`, an owned
/// message (UTF-8, NUL-terminated) that the caller frees with [`crate::jitaccess_string_free`].
#[repr(C)]
#[derive(Debug)]
pub struct JitaccessResult {
    /// `JITACCESS_CODE_OK` (0) on success.
    pub code: JitaccessCode,
    /// NULL on success; otherwise one or more sentences for a person, with document paths
    /// where the core gives them. Owned by the caller: free with `jitaccess_string_free`.
    pub message: *mut c_char,
}

/// An error on its way to the boundary.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: JitaccessCode,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(code: JitaccessCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<RequestError> for Failure {
    fn from(e: RequestError) -> Failure {
        Failure::new(JitaccessCode::from_lifecycle(e.code), e.message)
    }
}

pub(crate) type Res<T = ()> = Result<T, Failure>;

/// Runs the body of an export: no panic crosses the boundary, every error becomes a result.
pub(crate) fn guard(f: impl FnOnce() -> Res) -> JitaccessResult {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => JitaccessResult {
            code: JitaccessCode::Ok,
            message: std::ptr::null_mut(),
        },
        Ok(Err(e)) => JitaccessResult {
            code: e.code,
            message: owned_string(e.message),
        },
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            JitaccessResult {
                code: JitaccessCode::Panic,
                message: owned_string(format!("internal error (panic caught): {what}")),
            }
        }
    }
}

/// Hands a Rust string to the caller as an owned, NUL-terminated C string. Interior NULs
/// (which C cannot represent) become U+FFFD.
pub(crate) fn owned_string(s: String) -> *mut c_char {
    let c = match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(text).unwrap_or_default()
        }
    };
    c.into_raw()
}

/// Reads a required NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, what: &str) -> Res<&'a str> {
    if p.is_null() {
        return Err(Failure::new(
            JitaccessCode::NullArgument,
            format!("{what} is NULL"),
        ));
    }
    // SAFETY: non-null, and the caller promises a NUL-terminated string.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        Failure::new(
            JitaccessCode::InvalidUtf8,
            format!("{what} is not valid UTF-8: {e}"),
        )
    })
}

/// Reads an optional NUL-terminated UTF-8 argument (NULL is `None`).
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(p: *const c_char, what: &str) -> Res<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded.
        unsafe { arg_str(p, what) }.map(Some)
    }
}

/// Dereferences a handle argument.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` made by this library.
pub(crate) unsafe fn handle<'a, T>(p: *const T, what: &str) -> Res<&'a T> {
    // SAFETY: the caller promises a live handle or NULL.
    unsafe { p.as_ref() }
        .ok_or_else(|| Failure::new(JitaccessCode::NullArgument, format!("{what} is NULL")))
}

/// Checks an out-pointer and clears what it points to, so that it is NULL on failure.
///
/// # Safety
/// `p` is NULL or valid for writes of a pointer.
pub(crate) unsafe fn out_ptr<'a, T>(p: *mut *mut T, what: &str) -> Res<&'a mut *mut T> {
    // SAFETY: the caller promises a writable pointer or NULL.
    let slot = unsafe { p.as_mut() }
        .ok_or_else(|| Failure::new(JitaccessCode::NullArgument, format!("{what} is NULL")))?;
    *slot = std::ptr::null_mut();
    Ok(slot)
}

/// Parses an RFC 3339 time argument; NULL means now.
pub(crate) fn parse_at(at: Option<&str>) -> Res<chrono::DateTime<chrono::Utc>> {
    match at {
        None => Ok(chrono::Utc::now()),
        Some(t) => chrono::DateTime::parse_from_rfc3339(t.trim())
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| {
                Failure::new(
                    JitaccessCode::InvalidArgument,
                    format!(
                        "at: '{t}' is not an RFC 3339 time with an offset, like 2026-11-24T08:00:00Z ({e})"
                    ),
                )
            }),
    }
}

/// Serializes a value for the caller.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Res<String> {
    serde_json::to_string(v).map_err(|e| {
        Failure::new(
            JitaccessCode::ParseError,
            format!("cannot serialize the result: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_code() {
        let r = guard(|| panic!("boom"));
        assert_eq!(r.code, JitaccessCode::Panic);
        // SAFETY: made by `guard`.
        let msg = unsafe { CStr::from_ptr(r.message) }
            .to_string_lossy()
            .into_owned();
        assert!(msg.contains("boom"), "{msg}");
        crate::free_string(r.message);
    }

    #[test]
    fn codes_have_distinct_numbers_and_names() {
        let mut numbers: Vec<i32> = ALL_CODES.iter().map(|c| *c as i32).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), ALL_CODES.len());
        for code in ErrorCode::ALL {
            let abi = JitaccessCode::from_lifecycle(code);
            assert_eq!(abi.name().to_str().unwrap(), code.as_str());
        }
    }

    #[test]
    fn interior_nul_does_not_lose_the_message() {
        let p = owned_string("a\0b".to_string());
        // SAFETY: made by `owned_string`.
        let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
        assert_eq!(s, "a\u{FFFD}b");
        crate::free_string(p);
    }
}
