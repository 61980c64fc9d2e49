//! # jitaccess
//!
//! Just-in-time privilege elevation for endpoints: users run as standard users and get
//! administrator rights for one application, for a bounded time, with a justification,
//! approved by an administrator or by an autonomous-approval policy.
//!
//! This crate is the engine behind every face of the project (CLI, C ABI, C#, Python):
//!
//! - [`Policy`] loads and validates a policy document (YAML or JSON), reporting every error
//!   with its document path; [`Policy::lint`] lists warnings.
//! - [`CompiledPolicy`] is the immutable, shareable matcher: [`CompiledPolicy::evaluate`]
//!   answers one [`Launch`] with a [`Decision`] in well under a microsecond, whatever the size
//!   of the policy.
//! - [`testfile`] runs policy test files (`jitaccess test`).
//! - `inspect` (feature `inspect`, on by default) reads launch facts from a file: SHA-256,
//!   PE VERSIONINFO and the Authenticode signer.
//!
//! ```
//! use jitaccess::{Launch, Outcome, Policy};
//!
//! let policy = Policy::from_yaml(r#"
//! apiVersion: jitaccess/v1
//! name: corp
//! groups:
//!   it-staff: { userGroups: ['CORP\IT Admins'] }
//! applications:
//!   - id: procmon
//!     vendor: Microsoft Corporation
//!     product: Process Monitor
//!     fileName: 'procmon*.exe'
//!   - id: shells
//!     fileName: [cmd.exe, powershell.exe]
//! privilegeLists:
//!   - { id: it-tools, appliesTo: [it-staff], elevation: onRequest, applications: [procmon], maxDuration: 4h }
//!   - { id: no-shells, elevation: deny, applications: [shells] }
//! "#).unwrap();
//! let compiled = policy.compile();
//!
//! let launch = Launch::from_json(r#"{
//!   "user": { "name": "CORP\\alice", "groups": ["CORP\\IT Admins"] },
//!   "path": "C:\\Tools\\procmon64.exe",
//!   "signer": { "publisher": "Microsoft Corporation", "valid": true },
//!   "version": { "productName": "Process Monitor" }
//! }"#).unwrap();
//! let decision = compiled.evaluate(&launch, chrono::Utc::now()).unwrap();
//! assert_eq!(decision.outcome, Outcome::Request);
//! assert_eq!(decision.rule.as_deref(), Some("it-tools/procmon"));
//! ```
#![forbid(unsafe_code)]

pub mod audit;
pub mod duration;
pub mod fold;
#[cfg(feature = "inspect")]
pub mod inspect;
pub mod launch;
pub mod lifecycle;
pub(crate) mod matcher;
pub mod paths;
pub mod pattern;
pub mod policy;
pub mod source;
pub mod testfile;

pub use duration::Duration;
pub use launch::{
    Computer, ComputerRef, Launch, LaunchError, LaunchRef, Signer, SignerRef, StrList, User,
    UserRef, VersionInfo, VersionRef,
};
pub use matcher::{CompiledPolicy, Decision, Outcome, Warning};
pub use policy::{Elevation, Lint, LintCode, Policy, PolicyDocument, PolicyError, PolicyErrors};

/// The default evaluation time of test cases: 2026-01-01T00:00:00Z (testing.md).
pub fn default_test_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}
