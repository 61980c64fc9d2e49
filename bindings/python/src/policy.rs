//! `Policy` (a loaded, compiled policy) and `Decision`.

use std::path::PathBuf;

use jitaccess::source::{Format, Limits};
use jitaccess::{CompiledPolicy, Decision, Policy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::parse_at;
use crate::errors::{core_launch_error, policy_error};
use crate::launch::launch_from_py;

/// A validated, compiled policy: immutable and safe to share between threads.
#[pyclass(frozen, module = "jitaccess._native", name = "Policy")]
pub struct PyPolicy {
    pub(crate) compiled: CompiledPolicy,
}

#[pymethods]
impl PyPolicy {
    /// Loads a policy from text; `format` is `"yaml"` (default) or `"json"`.
    #[staticmethod]
    #[pyo3(signature = (text, format = "yaml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<Self> {
        let format = match format {
            "yaml" | "yml" => Format::Yaml,
            "json" => Format::Json,
            other => {
                return Err(PyValueError::new_err(format!(
                    "format: '{other}' is not a policy format; expected 'yaml' or 'json'"
                )));
            }
        };
        let policy = py
            .detach(|| Policy::from_str_with(text, format, &Limits::default()))
            .map_err(|e| policy_error(py, &e))?;
        Ok(Self::new(&policy))
    }

    /// Loads a policy from a file (`.json` is JSON, anything else YAML).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let policy = py
            .detach(|| Policy::from_path(&path))
            .map_err(|e| policy_error(py, &e))?;
        Ok(Self::new(&policy))
    }

    /// The policy's `name`.
    #[getter]
    fn name(&self) -> &str {
        self.compiled.name()
    }

    /// The policy's `revision`, if it has one.
    #[getter]
    fn revision(&self) -> Option<i64> {
        self.compiled.revision()
    }

    /// Lint warnings (policy.md §6), one message each with its document path.
    fn lint(&self) -> Vec<String> {
        self.compiled
            .policy()
            .lint()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Decides one launch at `at` (default: now).
    #[pyo3(signature = (launch, at = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        launch: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDecision> {
        let at = parse_at(at)?;
        let launch = launch_from_py(launch)?;
        self.compiled
            .evaluate(&launch, at)
            .map(PyDecision::from)
            .map_err(|e| core_launch_error(py, &e))
    }

    /// Decides one launch given as JSON text (policy.md §2), e.g. from an agent's log.
    #[pyo3(signature = (launch_json, at = None))]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        launch_json: &str,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDecision> {
        let at = parse_at(at)?;
        let launch =
            jitaccess::Launch::from_json(launch_json).map_err(|e| core_launch_error(py, &e))?;
        self.compiled
            .evaluate(&launch, at)
            .map(PyDecision::from)
            .map_err(|e| core_launch_error(py, &e))
    }

    /// Decides many launches at one time in one call: the launches are converted first, then
    /// evaluated without holding the GIL.
    #[pyo3(signature = (launches, at = None))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        launches: &Bound<'py, PyAny>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = parse_at(at)?;
        let mut converted = Vec::with_capacity(launches.len().unwrap_or(0));
        for (i, l) in launches.try_iter()?.enumerate() {
            converted.push(launch_from_py(&l?).map_err(|e| {
                let msg = format!("launches[{i}]: {}", e.value(py));
                let field = e.value(py).getattr("field").ok();
                match field {
                    Some(f) => crate::errors::launch_error(py, msg, f.extract().ok().flatten()),
                    None => e,
                }
            })?);
        }
        let compiled = &self.compiled;
        let decisions = py.detach(|| {
            converted
                .iter()
                .map(|l| compiled.evaluate(l, at))
                .collect::<Result<Vec<Decision>, _>>()
        });
        let decisions = decisions.map_err(|e| core_launch_error(py, &e))?;
        PyList::new(py, decisions.into_iter().map(PyDecision::from))
    }

    fn __repr__(&self) -> String {
        format!("<jitaccess.Policy name={:?}>", self.compiled.name())
    }
}

impl PyPolicy {
    pub(crate) fn new(policy: &Policy) -> Self {
        PyPolicy {
            compiled: policy.compile(),
        }
    }
}

/// The decision for one launch (policy.md §4).
#[pyclass(frozen, eq, module = "jitaccess._native", name = "Decision")]
#[derive(PartialEq)]
pub struct PyDecision {
    pub(crate) inner: Decision,
}

impl From<Decision> for PyDecision {
    fn from(inner: Decision) -> Self {
        PyDecision { inner }
    }
}

#[pymethods]
impl PyDecision {
    /// `elevate`, `confirm`, `request`, `deny` or `none`.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.inner.outcome.as_str()
    }

    /// The winner: `<list>/<application>`, `<list>/*`, `jit:<id>`, `grant:<id>`, or None.
    #[getter]
    fn rule(&self) -> Option<&str> {
        self.inner.rule.as_deref()
    }

    /// The winning list entry's elevation type, or None.
    #[getter]
    fn elevation(&self) -> Option<&'static str> {
        self.inner.elevation.map(|e| e.as_str())
    }

    /// For `request`: the longest duration that may be requested (e.g. `4h`), else None.
    #[getter]
    fn max_duration(&self) -> Option<String> {
        self.inner.max_duration.map(|d| d.to_string())
    }

    /// Every other candidate that matched, in precedence order.
    #[getter]
    fn shadowed(&self) -> Vec<String> {
        self.inner.shadowed.clone()
    }

    /// Warnings (`unresolvedPath`, `notAllowlisted`).
    #[getter]
    fn warnings(&self) -> Vec<&'static str> {
        self.inner.warnings.iter().map(|w| w.as_str()).collect()
    }

    /// An explanation an administrator understands.
    #[getter]
    fn reason(&self) -> &str {
        &self.inner.reason
    }

    /// The winning application id, if any.
    #[getter]
    fn application(&self) -> Option<&str> {
        self.inner.application.as_deref()
    }

    /// The winning privilege list id, if any.
    #[getter]
    fn privilege_list(&self) -> Option<&str> {
        self.inner.privilege_list.as_deref()
    }

    /// The decision as the JSON object of policy.md §4 (camelCase keys).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("outcome", self.outcome())?;
        d.set_item("rule", self.rule())?;
        d.set_item("elevation", self.elevation())?;
        d.set_item("maxDuration", self.max_duration())?;
        d.set_item("shadowed", self.shadowed())?;
        d.set_item("warnings", self.warnings())?;
        d.set_item("reason", self.reason())?;
        if let Some(a) = self.application() {
            d.set_item("application", a)?;
        }
        if let Some(p) = self.privilege_list() {
            d.set_item("privilegeList", p)?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "<jitaccess.Decision outcome={} rule={}>",
            self.outcome(),
            self.rule().unwrap_or("None")
        )
    }
}
