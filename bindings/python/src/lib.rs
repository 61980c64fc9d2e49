//! Python bindings of jitaccess: the native module `jitaccess._native`.
//!
//! The package `jitaccess` (python/jitaccess/__init__.py) re-exports everything here; the
//! exceptions are plain Python classes in `jitaccess._errors`, raised from Rust by import.
//! Names follow `shared/spec/interfaces.md` (they are fixed): `Policy.from_str`,
//! `Policy.from_file`, `Policy.evaluate`, `Policy.evaluate_many`, `Engine`, `run_tests`,
//! `inspect`, `PolicyError`, `RequestError`.

mod convert;
mod engine;
mod errors;
mod launch;
mod policy;
mod testing;

use pyo3::prelude::*;

/// `inspect(path, trust=None) -> dict`: launch facts of a file (interfaces.md).
///
/// The core's `jitaccess::inspect` (SHA-256, Authenticode signer, VERSIONINFO) is not part of
/// this build yet, so this raises `NotImplementedError` naming the missing capability rather
/// than returning made-up facts.
#[pyfunction]
#[pyo3(signature = (path, trust = None))]
fn inspect(path: std::path::PathBuf, trust: Option<std::path::PathBuf>) -> PyResult<Py<PyAny>> {
    let _ = trust;
    Err(pyo3::exceptions::PyNotImplementedError::new_err(format!(
        "jitaccess.inspect({}): this build of jitaccess has no file inspection \
         (the core's jitaccess::inspect module: SHA-256, Authenticode signer, VERSIONINFO); \
         build the launch dict yourself and pass it to Policy.evaluate",
        path.display()
    )))
}

/// `parse_duration(text) -> datetime.timedelta`: a policy duration (`4h`, `1h30m`, `90s`).
#[pyfunction]
fn parse_duration(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    let d: jitaccess::Duration =
        text.parse()
            .map_err(|e: jitaccess::duration::DurationError| {
                pyo3::exceptions::PyValueError::new_err(format!("duration '{text}': {e}"))
            })?;
    let td = py.import("datetime")?.getattr("timedelta")?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("seconds", d.as_secs())?;
    Ok(td.call((), Some(&kwargs))?.unbind())
}

/// The native module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<policy::PyDecision>()?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<testing::PyTestReport>()?;
    m.add_class::<testing::PyTestResult>()?;
    m.add_function(wrap_pyfunction!(testing::run_tests, m)?)?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(parse_duration, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
