//! `Engine`: the request lifecycle (lifecycle.md) over a policy, in memory or on a file store.

use std::path::PathBuf;

use jitaccess::lifecycle::{
    self, AuditSink, FileStore, GrantArgs, MemorySink, MemoryStore, NullSink, Request, Store,
    SubmitArgs,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::convert::{parse_at, to_py};
use crate::errors::{core_launch_error, request_error};
use crate::launch::launch_from_py;
use crate::policy::{PyDecision, PyPolicy};

/// The lifecycle engine: requests, grants, autonomous approval and coverage of launches.
///
/// Every command takes `at` (a timezone-aware `datetime`, an RFC 3339 string, or None for
/// now) and returns the request as a dict (camelCase keys, times as RFC 3339 strings), or
/// raises `RequestError` with the lifecycle error code in `.code`; a failed command changes
/// nothing.
#[pyclass(frozen, module = "jitaccess._native", name = "Engine")]
pub struct PyEngine {
    engine: lifecycle::Engine,
    events: Option<MemorySink>,
}

type Res<'py> = PyResult<Bound<'py, PyAny>>;

impl PyEngine {
    fn done<'py>(py: Python<'py>, r: Result<Request, lifecycle::RequestError>) -> Res<'py> {
        match r {
            Ok(req) => to_py(py, &req),
            Err(e) => Err(request_error(py, &e)),
        }
    }

    fn list<'py>(py: Python<'py>, reqs: &[Request]) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in reqs {
            list.append(to_py(py, r)?)?;
        }
        Ok(list)
    }

    /// Audit events as a list of dicts (empty without a recording sink).
    fn event_list<'py>(
        py: Python<'py>,
        events: Option<Vec<lifecycle::Event>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for e in events.unwrap_or_default() {
            list.append(to_py(py, &e)?)?;
        }
        Ok(list)
    }
}

#[pymethods]
impl PyEngine {
    /// An engine over `policy`. `store`: a file that keeps the requests across runs (None:
    /// in memory). `record_events`: keep the audit events in memory for `events()`.
    #[new]
    #[pyo3(signature = (policy, *, store = None, record_events = true))]
    fn new(
        py: Python<'_>,
        policy: &PyPolicy,
        store: Option<PathBuf>,
        record_events: bool,
    ) -> PyResult<Self> {
        let compiled = policy.compiled.clone();
        let store: Box<dyn Store> = match store {
            None => Box::new(MemoryStore),
            Some(path) => Box::new(
                FileStore::open(&path)
                    // The store's messages name the file.
                    .map_err(|e| PyValueError::new_err(format!("store: {e}")))?,
            ),
        };
        let events = record_events.then(MemorySink::default);
        let sink: Box<dyn AuditSink> = match &events {
            Some(s) => Box::new(s.clone()),
            None => Box::new(NullSink),
        };
        let engine =
            lifecycle::Engine::new(compiled, store, sink).map_err(|e| request_error(py, &e))?;
        Ok(PyEngine { engine, events })
    }

    /// Submits a request for `launch` (lifecycle.md §2); autonomous approval may decide it
    /// at once. `duration` is text (`30m`, `2h`); None takes `requests.defaultDuration`.
    #[pyo3(signature = (id, launch, duration = None, justification = None, *, at = None))]
    fn submit<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        launch: &Bound<'py, PyAny>,
        duration: Option<&str>,
        justification: Option<String>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        let launch = launch_from_py(launch)?;
        let args = SubmitArgs::with_duration_text(id, launch, duration, justification);
        Self::done(py, self.engine.submit(args, at))
    }

    /// An administrator approves a pending request.
    #[pyo3(signature = (id, by, comment = None, *, at = None))]
    fn approve<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        by: &str,
        comment: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        Self::done(py, self.engine.approve(id, by, comment, at))
    }

    /// An administrator declines a pending request.
    #[pyo3(signature = (id, by, reason = None, *, at = None))]
    fn decline<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        by: &str,
        reason: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        Self::done(py, self.engine.decline(id, by, reason, at))
    }

    /// The requester cancels a pending request (`by` defaults to the requester).
    #[pyo3(signature = (id, by = None, *, at = None))]
    fn cancel<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        by: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        Self::done(py, self.engine.cancel(id, by, at))
    }

    /// An administrator revokes an active request or grant.
    #[pyo3(signature = (id, by, reason = None, *, at = None))]
    fn revoke<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        by: &str,
        reason: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        Self::done(py, self.engine.revoke(id, by, reason, at))
    }

    /// The requester gives back an active request (`by` defaults to the requester).
    #[pyo3(signature = (id, by = None, *, at = None))]
    fn relinquish<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        by: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        Self::done(py, self.engine.relinquish(id, by, at))
    }

    /// An administrator grants access proactively: `users` and `computers` are patterns,
    /// `applications` policy application ids, `duration` text (`8h`).
    #[pyo3(signature = (id, by, users, computers, applications, duration, *, at = None))]
    #[allow(clippy::too_many_arguments)]
    fn grant<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        by: &str,
        users: Vec<String>,
        computers: Vec<String>,
        applications: Vec<String>,
        duration: &str,
        at: Option<&Bound<'py, PyAny>>,
    ) -> Res<'py> {
        let at = parse_at(at)?;
        let duration: jitaccess::Duration = match duration.parse() {
            Ok(d) => d,
            Err(e) => {
                return Err(crate::errors::request_error_parts(
                    py,
                    lifecycle::ErrorCode::DurationInvalid.as_str(),
                    format!("durationInvalid: duration '{duration}': {e}"),
                ));
            }
        };
        let args = GrantArgs::new(id, by, users, computers, applications, duration);
        Self::done(py, self.engine.grant(args, at))
    }

    /// Records the time-outs and expiries due at `at`; returns the requests that changed.
    #[pyo3(signature = (at = None))]
    fn tick<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = parse_at(at)?;
        match self.engine.tick(at) {
            Ok(changed) => Self::list(py, &changed),
            Err(e) => Err(request_error(py, &e)),
        }
    }

    /// Decides a launch with active requests and grants taken into account.
    #[pyo3(signature = (launch, at = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        launch: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDecision> {
        let at = parse_at(at)?;
        let launch = launch_from_py(launch)?;
        self.engine
            .evaluate(&launch, at)
            .map(PyDecision::from)
            .map_err(|e| core_launch_error(py, &e))
    }

    /// One request as it reads at `at`; `RequestError` with code `notFound` if unknown.
    #[pyo3(signature = (id, at = None))]
    fn get<'py>(&self, py: Python<'py>, id: &str, at: Option<&Bound<'py, PyAny>>) -> Res<'py> {
        let at = parse_at(at)?;
        Self::done(py, self.engine.get(id, at))
    }

    /// The pending requests at `at`.
    #[pyo3(signature = (at = None))]
    fn pending<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = parse_at(at)?;
        Self::list(py, &self.engine.pending(at))
    }

    /// The active requests and grants at `at`.
    #[pyo3(signature = (at = None))]
    fn active<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = parse_at(at)?;
        Self::list(py, &self.engine.active(at))
    }

    /// The audit events recorded so far (dicts with `type`, `time`, …), oldest first; empty
    /// when the engine was made with `record_events=False`.
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Self::event_list(py, self.events.as_ref().map(MemorySink::events))
    }

    /// The audit events recorded since the last call, removed from the engine (oldest first).
    /// A long-running host calls this instead of `events()` so that memory does not grow with
    /// every command; empty when the engine was made with `record_events=False`.
    fn take_events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Self::event_list(py, self.events.as_ref().map(MemorySink::take))
    }

    fn __repr__(&self) -> String {
        format!(
            "<jitaccess.Engine policy={:?}>",
            self.engine.policy().name()
        )
    }
}
