//! Policy documents: loading, validation and lint (policy.md §1, §6).
//!
//! Loading is separated from evaluation, as in Cedar: [`Policy::from_yaml`] /
//! [`Policy::from_json`] / [`Policy::from_path`] parse and validate a document and report
//! **every** problem at once, each with its document path and line; [`Policy::lint`] lists
//! warnings that never fail a load; [`Policy::compile`] builds the immutable
//! [`crate::CompiledPolicy`] that answers launches.

mod document;
mod lint;
pub(crate) mod load;

use std::fmt;
use std::path::Path;

pub use document::*;
pub use lint::{Lint, LintCode};

use crate::source::{self, Format, Limits, Span};

/// One problem found while loading a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyError {
    /// Document path of the offending value, e.g. `privilegeLists[2].applications[1]`; empty
    /// for the whole document.
    pub path: String,
    /// 1-based line in the source text, when known.
    pub line: Option<u32>,
    /// 1-based column in the source text, when known.
    pub column: Option<u32>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl PolicyError {
    pub(crate) fn new(path: String, span: Option<Span>, message: String) -> PolicyError {
        let span = span.filter(|s| s.line > 0);
        PolicyError {
            path,
            line: span.map(|s| s.line),
            column: span.map(|s| s.column),
            message,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

/// Every problem that kept a policy document from loading.
///
/// ```
/// use jitaccess::Policy;
/// let err = Policy::from_yaml("apiVersion: jitaccess/v1\nname: x\napplications: [{ id: a, vendr: x }]\n")
///     .unwrap_err();
/// assert!(err.to_string().contains("applications[0].vendr: unknown key"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PolicyErrors {
    /// The problems, in document order.
    pub errors: Vec<PolicyError>,
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [] => write!(f, "invalid policy"),
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} errors:", many.len())?;
                for e in many {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl PolicyErrors {
    pub(crate) fn one(message: String) -> PolicyErrors {
        PolicyErrors {
            errors: vec![PolicyError::new(String::new(), None, message)],
        }
    }
}

/// A loaded and validated policy document.
///
/// ```
/// use jitaccess::Policy;
/// let policy = Policy::from_yaml(r#"
/// apiVersion: jitaccess/v1
/// name: demo
/// applications:
///   - { id: shells, fileName: [cmd.exe, powershell.exe] }
/// privilegeLists:
///   - { id: no-shells, elevation: deny, applications: [shells] }
/// "#).unwrap();
/// assert_eq!(policy.document().name, "demo");
/// assert!(policy.lint().is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct Policy {
    /// Shared: cloning a policy (and compiling it) does not copy the document.
    inner: std::sync::Arc<PolicyData>,
}

#[derive(Debug)]
struct PolicyData {
    doc: PolicyDocument,
    parsed: load::Parsed,
    lints: Vec<Lint>,
    /// SHA-256 of the canonical document, computed on first use (audit records).
    sha256: std::sync::OnceLock<String>,
}

impl Policy {
    /// Loads a policy from YAML text.
    pub fn from_yaml(text: &str) -> Result<Policy, PolicyErrors> {
        Self::from_str_with(text, Format::Yaml, &Limits::default())
    }

    /// Loads a policy from JSON text.
    pub fn from_json(text: &str) -> Result<Policy, PolicyErrors> {
        Self::from_str_with(text, Format::Json, &Limits::default())
    }

    /// Loads a policy from text in the given format, with explicit size and depth limits.
    pub fn from_str_with(
        text: &str,
        format: Format,
        limits: &Limits,
    ) -> Result<Policy, PolicyErrors> {
        let node = source::parse(text, format, limits).map_err(|e| PolicyErrors {
            errors: vec![PolicyError::new(String::new(), e.span, e.message)],
        })?;
        Self::from_node(&node)
    }

    /// Loads a policy from a file; the format follows the extension (`.json` is JSON,
    /// anything else YAML; `.toml` is refused with a clear error: TOML is not supported).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Policy, PolicyErrors> {
        let path = path.as_ref();
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            return Err(PolicyErrors::one(
                "TOML policies are not supported; write the policy as YAML or JSON".into(),
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| PolicyErrors::one(format!("cannot read {}: {e}", path.display())))?;
        let format = Format::from_path(path).unwrap_or(Format::Yaml);
        Self::from_str_with(&text, format, &Limits::default())
    }

    /// Validates a document built in code.
    ///
    /// ```
    /// use jitaccess::{Policy, PolicyDocument};
    /// let doc: PolicyDocument = serde_json::from_str(
    ///     r#"{"apiVersion": "jitaccess/v1", "name": "empty"}"#).unwrap();
    /// assert!(Policy::from_document(doc).is_ok());
    /// ```
    pub fn from_document(doc: PolicyDocument) -> Result<Policy, PolicyErrors> {
        let value = serde_json::to_value(&doc)
            .map_err(|e| PolicyErrors::one(format!("cannot serialize the document: {e}")))?;
        Self::from_node(&source::Node::from_json(&value))
    }

    pub(crate) fn from_node(node: &source::Node) -> Result<Policy, PolicyErrors> {
        let (doc, parsed) = load::load(node)?;
        let lints = lint::lint(&doc, &parsed);
        Ok(Policy {
            inner: std::sync::Arc::new(PolicyData {
                doc,
                parsed,
                lints,
                sha256: std::sync::OnceLock::new(),
            }),
        })
    }

    /// The lowercase hex SHA-256 of the canonical policy document: the RFC 8785 form of the
    /// validated document as [`PolicyDocument`] serializes it (so YAML and JSON spellings of
    /// one policy share one digest). Audit records name the policy with it.
    ///
    /// ```
    /// let a = jitaccess::Policy::from_yaml("apiVersion: jitaccess/v1\nname: p\n").unwrap();
    /// let b = jitaccess::Policy::from_json(r#"{"name": "p", "apiVersion": "jitaccess/v1"}"#).unwrap();
    /// assert_eq!(a.sha256(), b.sha256());
    /// assert_eq!(a.sha256().len(), 64);
    /// ```
    pub fn sha256(&self) -> &str {
        self.inner
            .sha256
            .get_or_init(|| crate::audit::document_sha256(&self.inner.doc))
    }

    /// The validated document.
    pub fn document(&self) -> &PolicyDocument {
        &self.inner.doc
    }

    pub(crate) fn parsed(&self) -> &load::Parsed {
        &self.inner.parsed
    }

    /// Lint warnings (policy.md §6): never a load failure.
    pub fn lint(&self) -> &[Lint] {
        &self.inner.lints
    }

    /// Builds the immutable, shareable matcher for this policy.
    pub fn compile(&self) -> crate::CompiledPolicy {
        crate::CompiledPolicy::new(self)
    }

    /// The JSON Schema of the policy document, generated from [`PolicyDocument`].
    ///
    /// ```
    /// let schema = jitaccess::Policy::json_schema();
    /// assert_eq!(schema["title"], "jitaccess policy document (jitaccess/v1)");
    /// ```
    pub fn json_schema() -> serde_json::Value {
        let schema = schemars::schema_for!(PolicyDocument);
        serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
    }
}
