//! `run_tests(path)`: policy test files (testing.md), as `jitaccess test` runs them.

use std::path::PathBuf;

use jitaccess::testfile::{self, TestReport, TestResult};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::test_file_error;

/// The result of one test: a case, a scenario step or an audit expectation.
#[pyclass(frozen, module = "jitaccess._native", name = "TestResult")]
pub struct PyTestResult {
    inner: TestResult,
}

#[pymethods]
impl PyTestResult {
    /// Keeps pytest from collecting this class when a test module imports it.
    #[classattr]
    #[pyo3(name = "__test__")]
    fn not_a_test() -> bool {
        false
    }

    /// The test file.
    #[getter]
    fn file(&self) -> &str {
        &self.inner.file
    }

    /// The case name (for scenario steps: `scenario name / step N`).
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// Whether every expectation held.
    #[getter]
    fn passed(&self) -> bool {
        self.inner.passed
    }

    /// For a failure: what was expected and what came back.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "<jitaccess.TestResult {} {:?}>",
            if self.inner.passed {
                "passed"
            } else {
                "FAILED"
            },
            self.inner.name
        )
    }
}

/// The results of one or more test files.
#[pyclass(frozen, module = "jitaccess._native", name = "TestReport")]
pub struct PyTestReport {
    inner: TestReport,
}

#[pymethods]
impl PyTestReport {
    /// Keeps pytest from collecting this class when a test module imports it.
    #[classattr]
    #[pyo3(name = "__test__")]
    fn not_a_test() -> bool {
        false
    }

    /// Number of tests that passed.
    #[getter]
    fn passed(&self) -> usize {
        self.inner.passed
    }

    /// Number of tests that failed.
    #[getter]
    fn failed(&self) -> usize {
        self.inner.failed
    }

    /// Every test, in file order.
    #[getter]
    fn results(&self) -> Vec<PyTestResult> {
        self.inner
            .results
            .iter()
            .map(|r| PyTestResult { inner: r.clone() })
            .collect()
    }

    /// The failed tests only.
    fn failures(&self) -> Vec<PyTestResult> {
        self.inner
            .results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| PyTestResult { inner: r.clone() })
            .collect()
    }

    /// The closing line of testing.md: `N passed, M failed`.
    fn summary(&self) -> String {
        self.inner.summary()
    }

    /// True when no test failed.
    fn __bool__(&self) -> bool {
        self.inner.failed == 0
    }

    fn __repr__(&self) -> String {
        format!("<jitaccess.TestReport {}>", self.inner.summary())
    }
}

/// Runs one test file, or each of a list of them, and returns the combined report; raises
/// `TestFileError` when a file or its policy cannot be loaded.
#[pyfunction]
pub fn run_tests(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PyTestReport> {
    let paths: Vec<PathBuf> = if path.is_instance_of::<PyString>() || path.hasattr("__fspath__")? {
        vec![path.extract()?]
    } else {
        path.extract()?
    };
    py.detach(|| testfile::run_files(&paths))
        .map(|inner| PyTestReport { inner })
        .map_err(|e| test_file_error(py, &e))
}
