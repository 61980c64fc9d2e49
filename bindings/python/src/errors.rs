//! Raising the package's exceptions (defined in Python, `jitaccess/_errors.py`).

use pyo3::prelude::*;
use pyo3::types::PyList;

fn raise<'py>(py: Python<'py>, class: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    match py
        .import("jitaccess._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// `PolicyError(message, errors, details)`: every problem of a policy document.
pub fn policy_error(py: Python<'_>, errs: &jitaccess::PolicyErrors) -> PyErr {
    let messages: Vec<String> = errs.errors.iter().map(ToString::to_string).collect();
    let details = PyList::empty(py);
    for e in &errs.errors {
        let d = pyo3::types::PyDict::new(py);
        let ok = d
            .set_item("path", &e.path)
            .and_then(|()| d.set_item("line", e.line))
            .and_then(|()| d.set_item("column", e.column))
            .and_then(|()| d.set_item("message", &e.message))
            .and_then(|()| details.append(d));
        if let Err(err) = ok {
            return err;
        }
    }
    raise(py, "PolicyError", (errs.to_string(), messages, details))
}

/// `RequestError(message, code)`: a lifecycle command failed; nothing changed.
pub fn request_error(py: Python<'_>, e: &jitaccess::lifecycle::RequestError) -> PyErr {
    raise(py, "RequestError", (e.to_string(), e.code.as_str()))
}

/// `RequestError(message, code)` from its parts.
pub fn request_error_parts(py: Python<'_>, code: &str, message: String) -> PyErr {
    raise(py, "RequestError", (message, code.to_string()))
}

/// `LaunchError(message, field)`: a malformed launch (also a `ValueError`).
pub fn launch_error(py: Python<'_>, message: String, field: Option<String>) -> PyErr {
    raise(py, "LaunchError", (message, field))
}

/// [`launch_error`] from the core's error.
pub fn core_launch_error(py: Python<'_>, e: &jitaccess::LaunchError) -> PyErr {
    let field = match e {
        jitaccess::LaunchError::Field { field, .. } => Some((*field).to_string()),
        _ => None,
    };
    launch_error(py, e.to_string(), field)
}

/// `TestFileError(message, file)`: a test file or its policy could not be loaded.
pub fn test_file_error(py: Python<'_>, e: &jitaccess::testfile::TestFileError) -> PyErr {
    raise(py, "TestFileError", (e.to_string(), e.file.clone()))
}
