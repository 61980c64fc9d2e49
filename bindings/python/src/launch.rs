//! Launch dicts (policy.md §2) converted field by field to the core's [`Launch`], without a
//! JSON round trip: same rules as the JSON form (camelCase keys, unknown keys are an error,
//! `None` is the same as an absent key).

use jitaccess::{Computer, Launch, Signer, User, VersionInfo};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};

use crate::errors::launch_error;

type R<T> = PyResult<T>;

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn bad(py: Python<'_>, field: &str, expected: &str, v: &Bound<'_, PyAny>) -> PyErr {
    launch_error(
        py,
        format!("launch.{field}: expected {expected}, got {}", type_name(v)),
        Some(field.to_string()),
    )
}

fn opt_str(field: &str, v: &Bound<'_, PyAny>) -> R<Option<String>> {
    if v.is_none() {
        return Ok(None);
    }
    match v.cast::<PyString>() {
        Ok(s) => Ok(Some(s.to_cow()?.into_owned())),
        Err(_) => Err(bad(v.py(), field, "a string", v)),
    }
}

fn str_list(field: &str, v: &Bound<'_, PyAny>) -> R<Vec<String>> {
    if v.is_none() {
        return Ok(Vec::new());
    }
    let item = |item: &Bound<'_, PyAny>| -> R<String> {
        match item.cast::<PyString>() {
            Ok(s) => Ok(s.to_cow()?.into_owned()),
            Err(_) => Err(bad(v.py(), field, "a list of strings", item)),
        }
    };
    // Lists (the usual case) by index; tuples and other iterables through the protocol.
    if let Ok(list) = v.cast::<PyList>() {
        let mut out = Vec::with_capacity(list.len());
        for x in list.iter() {
            out.push(item(&x)?);
        }
        return Ok(out);
    }
    if v.is_instance_of::<PyString>() {
        return Err(bad(v.py(), field, "a list of strings", v));
    }
    let Ok(iter) = v.try_iter() else {
        return Err(bad(v.py(), field, "a list of strings", v));
    };
    let mut out = Vec::new();
    for x in iter {
        out.push(item(&x?)?);
    }
    Ok(out)
}

fn opt_bool(field: &str, v: &Bound<'_, PyAny>) -> R<Option<bool>> {
    if v.is_none() {
        return Ok(None);
    }
    match v.cast::<PyBool>() {
        Ok(b) => Ok(Some(b.is_true())),
        Err(_) => Err(bad(v.py(), field, "a bool", v)),
    }
}

/// A nested launch object as a dict; `None` means absent.
fn dict<'a, 'py>(field: &str, v: &'a Bound<'py, PyAny>) -> R<Option<&'a Bound<'py, PyDict>>> {
    if v.is_none() {
        return Ok(None);
    }
    match v.cast::<PyDict>() {
        Ok(d) => Ok(Some(d)),
        Err(_) => Err(bad(v.py(), field, "a dict", v)),
    }
}

/// Looks a key up (the key is an interned string: no conversion of the dict's keys) and
/// counts the keys found, so that unknown keys are detected by the dict's length.
fn field<'py>(
    d: &Bound<'py, PyDict>,
    key: &Bound<'py, PyString>,
    found: &mut usize,
) -> R<Option<Bound<'py, PyAny>>> {
    let v = d.get_item(key)?;
    if v.is_some() {
        *found += 1;
    }
    Ok(v)
}

/// The first key of `d` that is not one of `known` (called only when there is one).
fn unknown_key(field: &str, d: &Bound<'_, PyDict>, known: &[&str]) -> PyErr {
    let py = d.py();
    for k in d.keys() {
        let name = match k.cast::<PyString>() {
            Ok(s) => match s.to_cow() {
                Ok(s) => s.into_owned(),
                Err(e) => return e,
            },
            Err(_) => {
                let what = if field.is_empty() {
                    "key".to_string()
                } else {
                    format!("{field} key")
                };
                return bad(py, &what, "a string", &k);
            }
        };
        if !known.contains(&name.as_str()) {
            let path = if field.is_empty() {
                name
            } else {
                format!("{field}.{name}")
            };
            return launch_error(
                py,
                format!(
                    "launch.{path}: unknown key; expected one of {}",
                    known.join(", ")
                ),
                Some(path),
            );
        }
    }
    launch_error(
        py,
        format!("launch.{field}: unknown key"),
        Some(field.to_string()),
    )
}

fn user(v: &Bound<'_, PyAny>) -> R<Option<User>> {
    let Some(d) = dict("user", v)? else {
        return Ok(None);
    };
    let py = v.py();
    let mut n = 0;
    let mut u = User::default();
    if let Some(x) = field(d, intern!(py, "name"), &mut n)? {
        u.name = opt_str("user.name", &x)?;
    }
    if let Some(x) = field(d, intern!(py, "sid"), &mut n)? {
        u.sid = opt_str("user.sid", &x)?;
    }
    if let Some(x) = field(d, intern!(py, "groups"), &mut n)? {
        u.groups = str_list("user.groups", &x)?;
    }
    if n != d.len() {
        return Err(unknown_key("user", d, &["name", "sid", "groups"]));
    }
    Ok(Some(u))
}

fn computer(v: &Bound<'_, PyAny>) -> R<Option<Computer>> {
    let Some(d) = dict("computer", v)? else {
        return Ok(None);
    };
    let py = v.py();
    let mut n = 0;
    let mut c = Computer::default();
    if let Some(x) = field(d, intern!(py, "name"), &mut n)? {
        c.name = opt_str("computer.name", &x)?;
    }
    if let Some(x) = field(d, intern!(py, "tags"), &mut n)? {
        c.tags = str_list("computer.tags", &x)?;
    }
    if n != d.len() {
        return Err(unknown_key("computer", d, &["name", "tags"]));
    }
    Ok(Some(c))
}

fn signer(v: &Bound<'_, PyAny>) -> R<Option<Signer>> {
    let Some(d) = dict("signer", v)? else {
        return Ok(None);
    };
    let py = v.py();
    let mut n = 0;
    let mut s = Signer::default();
    if let Some(x) = field(d, intern!(py, "publisher"), &mut n)? {
        s.publisher = opt_str("signer.publisher", &x)?;
    }
    if let Some(x) = field(d, intern!(py, "thumbprint"), &mut n)? {
        s.thumbprint = opt_str("signer.thumbprint", &x)?;
    }
    if let Some(x) = field(d, intern!(py, "valid"), &mut n)? {
        s.valid = opt_bool("signer.valid", &x)?.unwrap_or(false);
    }
    if n != d.len() {
        if let Some(x) = field(d, intern!(py, "issuer"), &mut n)? {
            s.issuer = opt_str("signer.issuer", &x)?;
        }
        if let Some(x) = field(d, intern!(py, "signatureIntact"), &mut n)? {
            s.signature_intact = opt_bool("signer.signatureIntact", &x)?;
        }
        if let Some(x) = field(d, intern!(py, "notBefore"), &mut n)? {
            s.not_before = opt_str("signer.notBefore", &x)?;
        }
        if let Some(x) = field(d, intern!(py, "notAfter"), &mut n)? {
            s.not_after = opt_str("signer.notAfter", &x)?;
        }
    }
    if n != d.len() {
        return Err(unknown_key(
            "signer",
            d,
            &[
                "publisher",
                "thumbprint",
                "valid",
                "issuer",
                "signatureIntact",
                "notBefore",
                "notAfter",
            ],
        ));
    }
    Ok(Some(s))
}

fn version(v: &Bound<'_, PyAny>) -> R<Option<VersionInfo>> {
    let Some(d) = dict("version", v)? else {
        return Ok(None);
    };
    let py = v.py();
    let mut n = 0;
    let mut vi = VersionInfo::default();
    let fields: [(&Bound<'_, PyString>, &str, &mut Option<String>); 7] = [
        (
            intern!(py, "productName"),
            "version.productName",
            &mut vi.product_name,
        ),
        (
            intern!(py, "originalFileName"),
            "version.originalFileName",
            &mut vi.original_file_name,
        ),
        (
            intern!(py, "fileVersion"),
            "version.fileVersion",
            &mut vi.file_version,
        ),
        (
            intern!(py, "companyName"),
            "version.companyName",
            &mut vi.company_name,
        ),
        (
            intern!(py, "fileDescription"),
            "version.fileDescription",
            &mut vi.file_description,
        ),
        (
            intern!(py, "internalName"),
            "version.internalName",
            &mut vi.internal_name,
        ),
        (
            intern!(py, "productVersion"),
            "version.productVersion",
            &mut vi.product_version,
        ),
    ];
    for (key, name, slot) in fields {
        if n == d.len() {
            break;
        }
        if let Some(x) = field(d, key, &mut n)? {
            *slot = opt_str(name, &x)?;
        }
    }
    if n != d.len() {
        return Err(unknown_key(
            "version",
            d,
            &[
                "productName",
                "originalFileName",
                "fileVersion",
                "companyName",
                "fileDescription",
                "internalName",
                "productVersion",
            ],
        ));
    }
    Ok(Some(vi))
}

/// Converts a launch dict to a checked [`Launch`].
pub fn launch_from_py(v: &Bound<'_, PyAny>) -> R<Launch> {
    let py = v.py();
    let Ok(d) = v.cast::<PyDict>() else {
        return Err(launch_error(
            py,
            format!("launch: expected a dict, got {}", type_name(v)),
            None,
        ));
    };
    let mut n = 0;
    let mut l = Launch::default();
    match field(d, intern!(py, "path"), &mut n)? {
        Some(x) => match opt_str("path", &x)? {
            Some(p) => l.path = p,
            None => return Err(missing_path(py)),
        },
        None => return Err(missing_path(py)),
    }
    if let Some(x) = field(d, intern!(py, "user"), &mut n)? {
        l.user = user(&x)?;
    }
    if let Some(x) = field(d, intern!(py, "computer"), &mut n)? {
        l.computer = computer(&x)?;
    }
    if let Some(x) = field(d, intern!(py, "signer"), &mut n)? {
        l.signer = signer(&x)?;
    }
    if let Some(x) = field(d, intern!(py, "version"), &mut n)? {
        l.version = version(&x)?;
    }
    // The rarer keys are looked up only while some key of the dict is still unaccounted for.
    if n != d.len() {
        if let Some(x) = field(d, intern!(py, "sha256"), &mut n)? {
            l.sha256 = opt_str("sha256", &x)?;
        }
        if let Some(x) = field(d, intern!(py, "clsid"), &mut n)? {
            l.clsid = opt_str("clsid", &x)?;
        }
        if let Some(x) = field(d, intern!(py, "commandLine"), &mut n)? {
            l.command_line = opt_str("commandLine", &x)?;
        }
    }
    if n != d.len() {
        return Err(unknown_key(
            "",
            d,
            &[
                "user",
                "computer",
                "path",
                "sha256",
                "signer",
                "version",
                "clsid",
                "commandLine",
            ],
        ));
    }
    l.check()
        .map_err(|e| crate::errors::core_launch_error(py, &e))?;
    Ok(l)
}

fn missing_path(py: Python<'_>) -> PyErr {
    launch_error(
        py,
        "launch.path: missing; every launch needs the executable's path".into(),
        Some("path".into()),
    )
}
