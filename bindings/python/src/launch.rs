//! Launch dicts (policy.md §2) converted field by field to the core's [`Launch`], without a
//! JSON round trip: same rules as the JSON form (camelCase keys, unknown keys are an error,
//! `None` is the same as an absent key).

use jitaccess::{Computer, Launch, Signer, User, VersionInfo};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::errors::launch_error;

type R<T> = PyResult<T>;

/// The (key, value) pairs of a nested launch object.
type Items<'py> = Vec<(String, Bound<'py, PyAny>)>;

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
    if v.is_instance_of::<PyString>() {
        return Err(bad(v.py(), field, "a list of strings", v));
    }
    let Ok(iter) = v.try_iter() else {
        return Err(bad(v.py(), field, "a list of strings", v));
    };
    let mut out = Vec::new();
    for item in iter {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_cow()?.into_owned()),
            Err(_) => return Err(bad(v.py(), field, "a list of strings", &item)),
        }
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

/// Iterates a nested object's keys; `None` means absent.
fn object<'py>(field: &str, v: &Bound<'py, PyAny>) -> R<Option<Items<'py>>> {
    if v.is_none() {
        return Ok(None);
    }
    let Ok(d) = v.cast::<PyDict>() else {
        return Err(bad(v.py(), field, "a dict", v));
    };
    let mut out = Vec::with_capacity(d.len());
    for (k, x) in d.iter() {
        let Ok(k) = k.cast::<PyString>() else {
            return Err(bad(v.py(), &format!("{field} key"), "a string", &k));
        };
        out.push((k.to_cow()?.into_owned(), x));
    }
    Ok(Some(out))
}

fn unknown(py: Python<'_>, field: &str, key: &str, expected: &str) -> PyErr {
    let path = if field.is_empty() {
        key.to_string()
    } else {
        format!("{field}.{key}")
    };
    launch_error(
        py,
        format!("launch.{path}: unknown key; expected one of {expected}"),
        Some(path),
    )
}

fn user(v: &Bound<'_, PyAny>) -> R<Option<User>> {
    let Some(items) = object("user", v)? else {
        return Ok(None);
    };
    let mut u = User::default();
    for (k, x) in &items {
        match k.as_str() {
            "name" => u.name = opt_str("user.name", x)?,
            "sid" => u.sid = opt_str("user.sid", x)?,
            "groups" => u.groups = str_list("user.groups", x)?,
            _ => return Err(unknown(v.py(), "user", k, "name, sid, groups")),
        }
    }
    Ok(Some(u))
}

fn computer(v: &Bound<'_, PyAny>) -> R<Option<Computer>> {
    let Some(items) = object("computer", v)? else {
        return Ok(None);
    };
    let mut c = Computer::default();
    for (k, x) in &items {
        match k.as_str() {
            "name" => c.name = opt_str("computer.name", x)?,
            "tags" => c.tags = str_list("computer.tags", x)?,
            _ => return Err(unknown(v.py(), "computer", k, "name, tags")),
        }
    }
    Ok(Some(c))
}

fn signer(v: &Bound<'_, PyAny>) -> R<Option<Signer>> {
    let Some(items) = object("signer", v)? else {
        return Ok(None);
    };
    let mut s = Signer::default();
    for (k, x) in &items {
        match k.as_str() {
            "publisher" => s.publisher = opt_str("signer.publisher", x)?,
            "thumbprint" => s.thumbprint = opt_str("signer.thumbprint", x)?,
            "valid" => s.valid = opt_bool("signer.valid", x)?.unwrap_or(false),
            "issuer" => s.issuer = opt_str("signer.issuer", x)?,
            "signatureIntact" => s.signature_intact = opt_bool("signer.signatureIntact", x)?,
            "notBefore" => s.not_before = opt_str("signer.notBefore", x)?,
            "notAfter" => s.not_after = opt_str("signer.notAfter", x)?,
            _ => {
                return Err(unknown(
                    v.py(),
                    "signer",
                    k,
                    "publisher, thumbprint, valid, issuer, signatureIntact, notBefore, notAfter",
                ));
            }
        }
    }
    Ok(Some(s))
}

fn version(v: &Bound<'_, PyAny>) -> R<Option<VersionInfo>> {
    let Some(items) = object("version", v)? else {
        return Ok(None);
    };
    let mut vi = VersionInfo::default();
    for (k, x) in &items {
        let f = match k.as_str() {
            "productName" => &mut vi.product_name,
            "originalFileName" => &mut vi.original_file_name,
            "fileVersion" => &mut vi.file_version,
            "companyName" => &mut vi.company_name,
            "fileDescription" => &mut vi.file_description,
            "internalName" => &mut vi.internal_name,
            "productVersion" => &mut vi.product_version,
            _ => {
                return Err(unknown(
                    v.py(),
                    "version",
                    k,
                    "productName, originalFileName, fileVersion, companyName, \
                     fileDescription, internalName, productVersion",
                ));
            }
        };
        *f = opt_str(&format!("version.{k}"), x)?;
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
    let mut l = Launch::default();
    let mut has_path = false;
    for (k, x) in d.iter() {
        let Ok(k) = k.cast::<PyString>() else {
            return Err(bad(py, "key", "a string", &k));
        };
        match &*k.to_cow()? {
            "path" => match opt_str("path", &x)? {
                Some(p) => {
                    l.path = p;
                    has_path = true;
                }
                None => has_path = false,
            },
            "user" => l.user = user(&x)?,
            "computer" => l.computer = computer(&x)?,
            "sha256" => l.sha256 = opt_str("sha256", &x)?,
            "signer" => l.signer = signer(&x)?,
            "version" => l.version = version(&x)?,
            "clsid" => l.clsid = opt_str("clsid", &x)?,
            "commandLine" => l.command_line = opt_str("commandLine", &x)?,
            other => {
                return Err(unknown(
                    py,
                    "",
                    other,
                    "user, computer, path, sha256, signer, version, clsid, commandLine",
                ));
            }
        }
    }
    if !has_path {
        return Err(launch_error(
            py,
            "launch.path: missing; every launch needs the executable's path".into(),
            Some("path".into()),
        ));
    }
    l.check()
        .map_err(|e| crate::errors::core_launch_error(py, &e))?;
    Ok(l)
}
