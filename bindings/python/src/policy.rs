//! `Policy` (a loaded, compiled policy) and `Decision`.

use std::path::PathBuf;

use jitaccess::source::{Format, Limits};
use std::sync::{OnceLock, mpsc};

use chrono::{DateTime, Utc};
use jitaccess::{CompiledPolicy, Decision, Launch, LaunchError, Policy};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList};

use crate::convert::parse_at;
use crate::errors::{core_launch_error, launch_error, policy_error};
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

    /// Decides many launches at one time in one call. The launches are converted while
    /// holding the GIL; a batch of at least 256 launches (given as a sized collection) is
    /// evaluated on a second thread as it is converted, smaller ones without the GIL after
    /// converting. The answers are those of `evaluate` one launch at a time, in order.
    #[pyo3(signature = (launches, at = None))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        launches: &Bound<'py, PyAny>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = parse_at(at)?;
        let len = launches.len().ok();
        let items = launches.try_iter()?;
        // A large batch creates many result objects at once; each of them counts towards the
        // cyclic garbage collector's thresholds, whose full collections then walk every live
        // object (the caller's launches included) several times per batch. The results hold no
        // reference cycles, so the collector is paused while they are built and restored after.
        let _gc = match len {
            Some(n) if n >= GC_PAUSE_MIN => GcPause::new(py),
            _ => None,
        };
        match len {
            Some(n) if n >= PIPELINE_MIN && several_cores() => {
                match self.evaluate_pipelined(py, items.clone(), n, at) {
                    Some(result) => result,
                    // No thread could be started: the same work on this thread.
                    None => self.evaluate_serial(py, items, n, at),
                }
            }
            _ => self.evaluate_serial(py, items, len.unwrap_or(0), at),
        }
    }

    fn __repr__(&self) -> String {
        format!("<jitaccess.Policy name={:?}>", self.compiled.name())
    }
}

/// Batches at least this long are built with the cyclic garbage collector paused.
const GC_PAUSE_MIN: usize = 1024;

/// Pauses Python's cyclic garbage collector while alive, when it was enabled; restores it on
/// drop, also when the batch fails. Reference counting still frees everything as usual.
struct GcPause<'py> {
    gc: Bound<'py, PyModule>,
}

impl<'py> GcPause<'py> {
    /// `None` when the collector was already off (or `gc` cannot be reached): nothing to restore.
    fn new(py: Python<'py>) -> Option<Self> {
        let gc = PyModule::import(py, "gc").ok()?;
        let enabled = gc.call_method0("isenabled").ok()?.is_truthy().ok()?;
        if !enabled {
            return None;
        }
        gc.call_method0("disable").ok()?;
        Some(Self { gc })
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        // Nothing sensible can be done if `enable` fails: the error is dropped, not raised.
        let _ = self.gc.call_method0("enable");
    }
}

/// Batches at least this long are evaluated on a second thread while they are converted.
const PIPELINE_MIN: usize = 256;
/// Launches handed to the evaluating thread at a time.
const CHUNK: usize = 64;
/// At most this many results are reserved up front: `len()` of a custom collection is only a
/// hint and must not make the binding reserve unbounded memory.
const PREALLOC_MAX: usize = 1 << 16;

/// Whether this process may run on more than one core (asked once: on Linux the answer
/// reads the cgroup quota from files).
fn several_cores() -> bool {
    static SEVERAL: OnceLock<bool> = OnceLock::new();
    *SEVERAL.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Launch `i` of a batch as a [`Launch`]; a malformed one names its index.
fn convert_item<'py>(py: Python<'py>, i: usize, item: &Bound<'py, PyAny>) -> PyResult<Launch> {
    launch_from_py(item).map_err(|e| at_index(py, i, e))
}

/// `e` with `launches[i]: ` before its message (a `LaunchError` keeps its `field`).
fn at_index(py: Python<'_>, i: usize, e: PyErr) -> PyErr {
    let value = e.value(py);
    match value.getattr("field") {
        Ok(f) => launch_error(
            py,
            format!("launches[{i}]: {value}"),
            f.extract().ok().flatten(),
        ),
        Err(_) => e,
    }
}

/// Decision `i` of a batch as a Python `Decision`.
fn decision_object<'py>(
    py: Python<'py>,
    i: usize,
    d: Result<Decision, LaunchError>,
) -> PyResult<Bound<'py, PyDecision>> {
    match d {
        Ok(d) => Bound::new(py, PyDecision::from(d)),
        Err(e) => Err(at_index(py, i, core_launch_error(py, &e))),
    }
}

impl PyPolicy {
    pub(crate) fn new(policy: &Policy) -> Self {
        PyPolicy {
            compiled: policy.compile(),
        }
    }

    /// Converts every launch, evaluates them all without the GIL, then builds the results.
    fn evaluate_serial<'py>(
        &self,
        py: Python<'py>,
        items: Bound<'py, PyIterator>,
        hint: usize,
        at: DateTime<Utc>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut converted = Vec::with_capacity(hint.min(PREALLOC_MAX));
        for (i, item) in items.enumerate() {
            converted.push(convert_item(py, i, &item?)?);
        }
        let compiled = &self.compiled;
        let decisions: Vec<Result<Decision, LaunchError>> = py.detach(|| {
            let out = converted.iter().map(|l| compiled.evaluate(l, at)).collect();
            drop(converted);
            out
        });
        let mut objects = Vec::with_capacity(decisions.len());
        for (i, d) in decisions.into_iter().enumerate() {
            objects.push(decision_object(py, i, d)?);
        }
        PyList::new(py, objects)
    }

    /// Converts launches in chunks of [`CHUNK`] and hands each chunk to a second thread that
    /// evaluates it (and drops it) while the next one is converted; the decisions come back
    /// in order. The GIL holder's work (conversion, result objects) and the evaluation run at
    /// the same time on two cores. The evaluating thread never touches Python objects.
    /// `None` when the thread cannot be started (nothing has been consumed then).
    fn evaluate_pipelined<'py>(
        &self,
        py: Python<'py>,
        items: Bound<'py, PyIterator>,
        n: usize,
        at: DateTime<Utc>,
    ) -> Option<PyResult<Bound<'py, PyList>>> {
        let compiled = &self.compiled;
        std::thread::scope(|scope| {
            // Bounded: the converter gets at most 8 chunks ahead of the evaluator.
            let (to_worker, work) = mpsc::sync_channel::<Vec<Launch>>(8);
            let (to_main, done) = mpsc::channel::<Vec<Result<Decision, LaunchError>>>();
            let worker = std::thread::Builder::new()
                .name("jitaccess-evaluate".into())
                .spawn_scoped(scope, move || {
                    for chunk in work {
                        let decisions = chunk.iter().map(|l| compiled.evaluate(l, at)).collect();
                        drop(chunk);
                        if to_main.send(decisions).is_err() {
                            return;
                        }
                    }
                });
            if worker.is_err() {
                return None;
            }
            Some(Self::feed_pipeline(py, items, n, to_worker, done))
        })
    }

    /// The GIL holder's side of [`Self::evaluate_pipelined`]: converts and sends chunks,
    /// turns the decisions that come back into `Decision` objects, in order.
    fn feed_pipeline<'py>(
        py: Python<'py>,
        items: Bound<'py, PyIterator>,
        n: usize,
        to_worker: mpsc::SyncSender<Vec<Launch>>,
        done: mpsc::Receiver<Vec<Result<Decision, LaunchError>>>,
    ) -> PyResult<Bound<'py, PyList>> {
        // On an early return (a malformed launch) both channel ends close and the
        // evaluating thread stops; the scope waits for it.
        let mut objects: Vec<Bound<'py, PyDecision>> = Vec::with_capacity(n.min(PREALLOC_MAX));
        let mut take = |decisions: Vec<Result<Decision, LaunchError>>| -> PyResult<()> {
            for d in decisions {
                let i = objects.len();
                objects.push(decision_object(py, i, d)?);
            }
            Ok(())
        };
        let mut pending = 0usize;
        let mut chunk = Vec::with_capacity(CHUNK);
        for (i, item) in items.enumerate() {
            chunk.push(convert_item(py, i, &item?)?);
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                if to_worker.send(full).is_err() {
                    return Err(worker_gone());
                }
                pending += 1;
                while let Ok(decisions) = done.try_recv() {
                    pending -= 1;
                    take(decisions)?;
                }
            }
        }
        if !chunk.is_empty() {
            if to_worker.send(chunk).is_err() {
                return Err(worker_gone());
            }
            pending += 1;
        }
        drop(to_worker);
        // The last chunks: wait for them without the GIL.
        let rest = py.detach(move || {
            let mut rest = Vec::with_capacity(pending);
            for _ in 0..pending {
                match done.recv() {
                    Ok(decisions) => rest.push(decisions),
                    Err(_) => break,
                }
            }
            rest
        });
        if rest.len() != pending {
            return Err(worker_gone());
        }
        for decisions in rest {
            take(decisions)?;
        }
        PyList::new(py, objects)
    }
}

/// The evaluating thread ended early (it cannot, short of a bug): fail closed.
fn worker_gone() -> PyErr {
    PyRuntimeError::new_err(
        "evaluate_many: the evaluating thread stopped before the batch was done",
    )
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
