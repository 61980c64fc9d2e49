//! Conversions between Python objects, JSON values and times.

use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

/// A JSON value as a Python object (dict, list, str, int, float, bool, None).
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(json_to_py(py, x)?)?;
            }
            list.into_any()
        }
        Value::Object(o) => {
            let dict = PyDict::new(py);
            for (k, x) in o {
                dict.set_item(k, json_to_py(py, x)?)?;
            }
            dict.into_any()
        }
    })
}

/// A serializable value (a request, an event) as a Python dict.
pub fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value)
        .map_err(|e| PyValueError::new_err(format!("cannot convert the result: {e}")))?;
    json_to_py(py, &v)
}

/// The evaluation or command time: `None` is now; a `str` is RFC 3339
/// (`2026-11-23T09:00:00Z`); a `datetime` must be timezone-aware (a naive one is refused
/// rather than guessed).
pub fn parse_at(at: Option<&Bound<'_, PyAny>>) -> PyResult<DateTime<Utc>> {
    let Some(at) = at.filter(|a| !a.is_none()) else {
        return Ok(Utc::now());
    };
    let text: String = if let Ok(s) = at.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if at.hasattr("utcoffset")? && at.hasattr("isoformat")? {
        if at.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "at: a naive datetime has no time zone; give an aware one \
                 (e.g. datetime.now(timezone.utc)) or an RFC 3339 string",
            ));
        }
        at.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "at: expected a datetime, an RFC 3339 string or None, got {}",
            at.get_type().name()?
        )));
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| PyValueError::new_err(format!("at: '{text}' is not an RFC 3339 time: {e}")))
}
