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

/// `inspect(path, trust=None) -> dict`: the launch facts of a file (interfaces.md): `path`,
/// `sha256`, and for PE files `signer` (Authenticode) and `version` (VERSIONINFO).
///
/// `trust` is a PEM bundle or a folder of PEM/DER certificates; without it no signer is
/// `valid` (the signature may still be reported intact). The dict is accepted as a launch by
/// `Policy.evaluate`. Errors: `OSError` for a file or trust store that cannot be read.
#[pyfunction]
#[pyo3(signature = (path, trust = None))]
fn inspect(
    py: Python<'_>,
    path: std::path::PathBuf,
    trust: Option<std::path::PathBuf>,
) -> PyResult<Py<PyAny>> {
    let os_err = |what: &std::path::Path, e: jitaccess::inspect::InspectError| {
        pyo3::exceptions::PyOSError::new_err(format!("{}: {e}", what.display()))
    };
    let mut options = jitaccess::inspect::Options::new();
    if let Some(t) = &trust {
        let store = jitaccess::inspect::TrustStore::from_path(t).map_err(|e| os_err(t, e))?;
        options = options.trust(store);
    }
    let found = py
        .detach(|| jitaccess::inspect::inspect(&path, &options))
        .map_err(|e| os_err(&path, e))?;
    let json = serde_json::to_string(&found.to_launch())
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok(py
        .import("json")?
        .getattr("loads")?
        .call1((json,))?
        .unbind())
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
