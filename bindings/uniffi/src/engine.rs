//! The lifecycle engine object.

use std::sync::Arc;

use jitaccess::lifecycle::{self, GrantArgs, MemorySink, MemoryStore, Request, SubmitArgs};

use crate::types::{Decision, LaunchFacts};
use crate::{JitAccessError, Policy, parse_at};

/// A request or grant as it reads at the time of the call.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RequestInfo {
    /// Caller-chosen id.
    pub id: String,
    /// `pending`, `active`, `declined`, `cancelled`, `timedOut`, `expired`, `revoked`,
    /// `relinquished`.
    pub status: String,
    /// The requester (or the admin who granted).
    pub requester: String,
    /// The computer name.
    pub computer: Option<String>,
    /// How long access lasts once active (`30m`).
    pub duration: String,
    /// The justification.
    pub justification: Option<String>,
    /// `admin:<name>` or `policy:<rule>`.
    pub decided_by: Option<String>,
    /// When submitted or granted (RFC 3339).
    pub submitted_at: String,
    /// Start of access (RFC 3339).
    pub not_before: Option<String>,
    /// End of access, exclusive (RFC 3339).
    pub not_after: Option<String>,
    /// Incremented by every transition.
    pub revision: u64,
    /// The whole request as JSON.
    pub json: String,
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

impl From<Request> for RequestInfo {
    fn from(r: Request) -> Self {
        RequestInfo {
            json: serde_json::to_string(&r).unwrap_or_default(),
            id: r.id,
            status: r.status.as_str().to_string(),
            requester: r.requester,
            computer: r.computer,
            duration: r.duration.to_string(),
            justification: r.justification,
            decided_by: r.decided_by,
            submitted_at: rfc3339(r.submitted_at),
            not_before: r.not_before.map(rfc3339),
            not_after: r.not_after.map(rfc3339),
            revision: r.revision,
        }
    }
}

/// The lifecycle engine over a policy, with an in-memory store; its audit events are kept in
/// memory (`audit_event_types`).
#[derive(Debug, uniffi::Object)]
pub struct Engine {
    inner: lifecycle::Engine,
    events: MemorySink,
}

type R = Result<RequestInfo, JitAccessError>;

fn done(r: Result<Request, lifecycle::RequestError>) -> R {
    Ok(r?.into())
}

#[uniffi::export]
impl Engine {
    /// An engine over `policy`.
    #[uniffi::constructor]
    pub fn new(policy: Arc<Policy>) -> Result<Arc<Engine>, JitAccessError> {
        let events = MemorySink::default();
        let inner = lifecycle::Engine::new(
            policy.compiled.clone(),
            Box::new(MemoryStore),
            Box::new(events.clone()),
        )?;
        Ok(Arc::new(Engine { inner, events }))
    }

    /// Submits a request; `duration` is text (`30m`), None takes the policy's default.
    #[uniffi::method(default(duration = None, justification = None, at = None))]
    pub fn submit(
        &self,
        id: String,
        launch: LaunchFacts,
        duration: Option<String>,
        justification: Option<String>,
        at: Option<String>,
    ) -> R {
        let at = parse_at(at)?;
        let args = SubmitArgs::with_duration_text(
            id,
            launch.into_core(),
            duration.as_deref(),
            justification,
        );
        done(self.inner.submit(args, at))
    }

    /// [`Engine::submit`] with the launch as JSON.
    #[uniffi::method(default(duration = None, justification = None, at = None))]
    pub fn submit_json(
        &self,
        id: String,
        launch_json: String,
        duration: Option<String>,
        justification: Option<String>,
        at: Option<String>,
    ) -> R {
        let at = parse_at(at)?;
        let launch = jitaccess::Launch::from_json(&launch_json)?;
        let args = SubmitArgs::with_duration_text(id, launch, duration.as_deref(), justification);
        done(self.inner.submit(args, at))
    }

    /// An administrator approves a pending request.
    #[uniffi::method(default(comment = None, at = None))]
    pub fn approve(
        &self,
        id: String,
        by: String,
        comment: Option<String>,
        at: Option<String>,
    ) -> R {
        let at = parse_at(at)?;
        done(self.inner.approve(&id, &by, comment.as_deref(), at))
    }

    /// An administrator declines a pending request.
    #[uniffi::method(default(reason = None, at = None))]
    pub fn decline(&self, id: String, by: String, reason: Option<String>, at: Option<String>) -> R {
        let at = parse_at(at)?;
        done(self.inner.decline(&id, &by, reason.as_deref(), at))
    }

    /// The requester cancels a pending request (`by` defaults to the requester).
    #[uniffi::method(default(by = None, at = None))]
    pub fn cancel(&self, id: String, by: Option<String>, at: Option<String>) -> R {
        let at = parse_at(at)?;
        done(self.inner.cancel(&id, by.as_deref(), at))
    }

    /// An administrator revokes an active request or grant.
    #[uniffi::method(default(reason = None, at = None))]
    pub fn revoke(&self, id: String, by: String, reason: Option<String>, at: Option<String>) -> R {
        let at = parse_at(at)?;
        done(self.inner.revoke(&id, &by, reason.as_deref(), at))
    }

    /// The requester gives back an active request (`by` defaults to the requester).
    #[uniffi::method(default(by = None, at = None))]
    pub fn relinquish(&self, id: String, by: Option<String>, at: Option<String>) -> R {
        let at = parse_at(at)?;
        done(self.inner.relinquish(&id, by.as_deref(), at))
    }

    /// An administrator grants access proactively (`duration` as text, e.g. `8h`).
    #[uniffi::method(default(at = None))]
    #[allow(clippy::too_many_arguments)]
    pub fn grant(
        &self,
        id: String,
        by: String,
        users: Vec<String>,
        computers: Vec<String>,
        applications: Vec<String>,
        duration: String,
        at: Option<String>,
    ) -> R {
        let at = parse_at(at)?;
        let duration: jitaccess::Duration =
            duration.parse().map_err(|e| JitAccessError::Request {
                code: lifecycle::ErrorCode::DurationInvalid.as_str().to_string(),
                message: format!("duration '{duration}': {e}"),
            })?;
        let args = GrantArgs::new(id, by, users, computers, applications, duration);
        done(self.inner.grant(args, at))
    }

    /// Records the time-outs and expiries due at `at`; returns the requests that changed.
    #[uniffi::method(default(at = None))]
    pub fn tick(&self, at: Option<String>) -> Result<Vec<RequestInfo>, JitAccessError> {
        let at = parse_at(at)?;
        Ok(self.inner.tick(at)?.into_iter().map(Into::into).collect())
    }

    /// Decides a launch with active requests and grants taken into account.
    #[uniffi::method(default(at = None))]
    pub fn evaluate(
        &self,
        launch: LaunchFacts,
        at: Option<String>,
    ) -> Result<Decision, JitAccessError> {
        let at = parse_at(at)?;
        Ok(self.inner.evaluate(&launch.into_core(), at)?.into())
    }

    /// One request as it reads at `at`.
    #[uniffi::method(default(at = None))]
    pub fn get(&self, id: String, at: Option<String>) -> R {
        let at = parse_at(at)?;
        done(self.inner.get(&id, at))
    }

    /// Pending requests at `at`.
    #[uniffi::method(default(at = None))]
    pub fn pending(&self, at: Option<String>) -> Result<Vec<RequestInfo>, JitAccessError> {
        let at = parse_at(at)?;
        Ok(self.inner.pending(at).into_iter().map(Into::into).collect())
    }

    /// Active requests and grants at `at`.
    #[uniffi::method(default(at = None))]
    pub fn active(&self, at: Option<String>) -> Result<Vec<RequestInfo>, JitAccessError> {
        let at = parse_at(at)?;
        Ok(self.inner.active(at).into_iter().map(Into::into).collect())
    }

    /// The types of the audit events emitted so far (`request.submitted`, …), oldest first.
    pub fn audit_event_types(&self) -> Vec<String> {
        self.events
            .events()
            .iter()
            .map(|e| e.kind.as_str().to_string())
            .collect()
    }
}
