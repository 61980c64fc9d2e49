//! uniffi bindings of jitaccess: the same facade as the Python package and the C ABI, for
//! Kotlin and Swift hosts (and uniffi's Python backend, which the tests use).
//!
//! - [`Policy`]: load (YAML, JSON, file), `evaluate` a typed [`LaunchFacts`] record or a launch
//!   as JSON, `lint`.
//! - [`Engine`]: the request lifecycle (lifecycle.md): `submit`, `approve`, `decline`,
//!   `cancel`, `revoke`, `relinquish`, `grant`, `tick`, `evaluate`, `get`, `pending`,
//!   `active`.
//! - [`run_tests`]: policy test files (testing.md).
//! - Errors: [`JitAccessError`]; a failed lifecycle command is `JitAccessError::Request` with
//!   the spec's error code (`selfApproval`, `invalidTransition`, …) in `code`.
//!
//! Times cross the boundary as RFC 3339 strings (`2026-11-23T09:00:00Z`); `None` means now.
//!
//! ```
//! use jitaccess_uniffi::{LaunchFacts, Policy};
//! let policy = Policy::from_yaml(
//!     "apiVersion: jitaccess/v1\nname: t\napplications: [{ id: shells, fileName: cmd.exe }]\n\
//!      privilegeLists: [{ id: no-shells, elevation: deny, applications: [shells] }]\n".into(),
//! ).unwrap();
//! let launch = LaunchFacts { path: r"C:\Windows\cmd.exe".into(), ..Default::default() };
//! let d = policy.evaluate(launch, Some("2026-01-01T00:00:00Z".into())).unwrap();
//! assert_eq!(d.outcome, "deny");
//! ```

mod engine;
mod types;

pub use engine::{Engine, RequestInfo};
pub use types::{
    ComputerFacts, Decision, LaunchFacts, SignerFacts, TestReport, TestResult, UserFacts,
    VersionFacts,
};

use std::sync::Arc;

use chrono::{DateTime, Utc};

uniffi::setup_scaffolding!();

/// Every error of the uniffi facade.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum JitAccessError {
    /// A policy document did not load; `errors` lists every problem with its document path.
    #[error("{message}")]
    Policy {
        /// All problems, one sentence.
        message: String,
        /// One message per problem, each with its document path.
        errors: Vec<String>,
    },
    /// A launch is malformed (unknown key, bad digest, empty path, not JSON).
    #[error("{message}")]
    Launch {
        /// What and where.
        message: String,
    },
    /// A lifecycle command failed and changed nothing; `code` is the spec's error code.
    #[error("{code}: {message}")]
    Request {
        /// The stable lifecycle error code of lifecycle.md §2, e.g. `selfApproval`.
        code: String,
        /// One sentence for a person.
        message: String,
    },
    /// A test file (or its policy) could not be loaded.
    #[error("{message}")]
    TestFile {
        /// The file and the reason.
        message: String,
    },
    /// An argument is not valid (a time that is not RFC 3339, a store that cannot open).
    #[error("{message}")]
    InvalidArgument {
        /// What and why.
        message: String,
    },
}

impl From<jitaccess::PolicyErrors> for JitAccessError {
    fn from(e: jitaccess::PolicyErrors) -> Self {
        JitAccessError::Policy {
            message: e.to_string(),
            errors: e.errors.iter().map(ToString::to_string).collect(),
        }
    }
}

impl From<jitaccess::LaunchError> for JitAccessError {
    fn from(e: jitaccess::LaunchError) -> Self {
        JitAccessError::Launch {
            message: e.to_string(),
        }
    }
}

impl From<jitaccess::lifecycle::RequestError> for JitAccessError {
    fn from(e: jitaccess::lifecycle::RequestError) -> Self {
        JitAccessError::Request {
            code: e.code.as_str().to_string(),
            message: e.message,
        }
    }
}

/// The time of a call: RFC 3339 text, or now.
pub(crate) fn parse_at(at: Option<String>) -> Result<DateTime<Utc>, JitAccessError> {
    match at {
        None => Ok(Utc::now()),
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| JitAccessError::InvalidArgument {
                message: format!("at: '{text}' is not an RFC 3339 time: {e}"),
            }),
    }
}

/// A validated, compiled policy: immutable, safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct Policy {
    pub(crate) compiled: jitaccess::CompiledPolicy,
}

impl Policy {
    fn wrap(p: jitaccess::Policy) -> Arc<Policy> {
        Arc::new(Policy {
            compiled: p.compile(),
        })
    }
}

#[uniffi::export]
impl Policy {
    /// Loads a policy from YAML text.
    #[uniffi::constructor]
    pub fn from_yaml(text: String) -> Result<Arc<Policy>, JitAccessError> {
        Ok(Self::wrap(jitaccess::Policy::from_yaml(&text)?))
    }

    /// Loads a policy from JSON text.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Policy>, JitAccessError> {
        Ok(Self::wrap(jitaccess::Policy::from_json(&text)?))
    }

    /// Loads a policy from a file (`.json` is JSON, anything else YAML).
    #[uniffi::constructor]
    pub fn from_file(path: String) -> Result<Arc<Policy>, JitAccessError> {
        Ok(Self::wrap(jitaccess::Policy::from_path(&path)?))
    }

    /// The policy's name.
    pub fn name(&self) -> String {
        self.compiled.name().to_string()
    }

    /// Lint warnings (policy.md §6), one message each with its document path.
    pub fn lint(&self) -> Vec<String> {
        self.compiled
            .policy()
            .lint()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Decides one launch at `at` (RFC 3339; None: now).
    #[uniffi::method(default(at = None))]
    pub fn evaluate(
        &self,
        launch: LaunchFacts,
        at: Option<String>,
    ) -> Result<Decision, JitAccessError> {
        let at = parse_at(at)?;
        Ok(self.compiled.evaluate(&launch.into_core(), at)?.into())
    }

    /// Decides one launch given as JSON (policy.md §2).
    #[uniffi::method(default(at = None))]
    pub fn evaluate_json(
        &self,
        launch_json: String,
        at: Option<String>,
    ) -> Result<Decision, JitAccessError> {
        let at = parse_at(at)?;
        let launch = jitaccess::Launch::from_json(&launch_json)?;
        Ok(self.compiled.evaluate(&launch, at)?.into())
    }

    /// Decides many launches at one time.
    #[uniffi::method(default(at = None))]
    pub fn evaluate_many(
        &self,
        launches: Vec<LaunchFacts>,
        at: Option<String>,
    ) -> Result<Vec<Decision>, JitAccessError> {
        let at = parse_at(at)?;
        launches
            .into_iter()
            .map(|l| Ok(self.compiled.evaluate(&l.into_core(), at)?.into()))
            .collect()
    }
}

/// Runs a policy test file (testing.md) and returns every result.
#[uniffi::export]
pub fn run_tests(path: String) -> Result<TestReport, JitAccessError> {
    jitaccess::testfile::run_file(&path)
        .map(TestReport::from)
        .map_err(|e| JitAccessError::TestFile {
            message: e.to_string(),
        })
}

/// The decision as the JSON object of policy.md §4.
#[uniffi::export]
pub fn decision_to_json(decision: Decision) -> String {
    decision.to_json()
}
