//! Placeholder for the C ABI of jitaccess.
//!
//! **Not implemented yet.** The C ABI (opaque handles, JSON and typed evaluate, error codes,
//! cbindgen header) arrives with the bindings issue. This crate only builds so that the
//! workspace layout is in place; it exports nothing.
#![forbid(unsafe_code)]

/// The version of the `jitaccess` core this crate wraps.
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");
