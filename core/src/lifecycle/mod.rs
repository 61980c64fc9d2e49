//! The request lifecycle (lifecycle.md): requests, grants, their states, commands and errors.
//!
//! Transitions are pure functions of (current state, command, time, policy): the host supplies
//! the time. Time-outs and expiry are facts of time — every read and every evaluation honours
//! the deadlines even when no `tick` ran; `tick` only records the transitions and their events.
//! [`Engine`] holds the requests, the policy, a [`Store`] and an [`AuditSink`] and runs the
//! commands atomically.

mod approval;
mod engine;
mod event;
mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use approval::{RuleExplanation, explain_approval};
pub use engine::{CommandOptions, Engine, GrantArgs, HistoryFilter, SubmitArgs};
pub use event::{
    Actor, ActorKind, AppInfo, AuditSink, Event, EventType, MemorySink, NullSink, Subject,
};
pub use store::{FileStore, MemoryStore, Store, StoreError, SyncTicket};

use crate::{Duration, Launch};

/// The state of a request (lifecycle.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Status {
    /// Waiting for an administrator.
    Pending,
    /// Access granted, within `[notBefore, notAfter)`.
    Active,
    /// Declined by an administrator or by autonomous approval.
    Declined,
    /// Cancelled by the requester.
    Cancelled,
    /// Nobody decided within `requests.pendingTimeout`.
    TimedOut,
    /// Access ran out at `notAfter`.
    Expired,
    /// Access revoked by an administrator.
    Revoked,
    /// Access given back by the requester.
    Relinquished,
}

impl Status {
    /// The spec's name, e.g. `timedOut`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Declined => "declined",
            Status::Cancelled => "cancelled",
            Status::TimedOut => "timedOut",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
            Status::Relinquished => "relinquished",
        }
    }

    /// Whether no command can change the request any more.
    pub fn is_terminal(self) -> bool {
        !matches!(self, Status::Pending | Status::Active)
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => Status::Pending,
            "active" => Status::Active,
            "declined" => Status::Declined,
            "cancelled" => Status::Cancelled,
            "timedOut" => Status::TimedOut,
            "expired" => Status::Expired,
            "revoked" => Status::Revoked,
            "relinquished" => Status::Relinquished,
            _ => return Err(format!("unknown status '{s}'")),
        })
    }
}

/// The stable error codes of lifecycle.md §2, the same in every binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The launch's decision is not `request`.
    NotRequestable,
    /// The launch's decision is `deny`.
    Denied,
    /// No justification was given.
    JustificationRequired,
    /// The justification is shorter than `requests.justification.minLength`.
    JustificationTooShort,
    /// The justification does not contain a match of `requests.justification.pattern`.
    JustificationPattern,
    /// The duration is not a duration greater than zero.
    DurationInvalid,
    /// The duration is above the list's or the policy's maximum.
    DurationTooLong,
    /// The same user already has a pending or active request for the application on that computer.
    Duplicate,
    /// An administrator tried to decide their own request.
    SelfApproval,
    /// Only the requester may do this.
    NotRequester,
    /// A grant names an application the policy does not define.
    UnknownApplication,
    /// No request has this id.
    NotFound,
    /// The id is already used.
    DuplicateId,
    /// The command does not apply to the request's state (or the revision changed).
    InvalidTransition,
    /// The store could not record the transition; nothing changed.
    StorageFailed,
}

impl ErrorCode {
    /// The spec's name, e.g. `selfApproval`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotRequestable => "notRequestable",
            ErrorCode::Denied => "denied",
            ErrorCode::JustificationRequired => "justificationRequired",
            ErrorCode::JustificationTooShort => "justificationTooShort",
            ErrorCode::JustificationPattern => "justificationPattern",
            ErrorCode::DurationInvalid => "durationInvalid",
            ErrorCode::DurationTooLong => "durationTooLong",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::SelfApproval => "selfApproval",
            ErrorCode::NotRequester => "notRequester",
            ErrorCode::UnknownApplication => "unknownApplication",
            ErrorCode::NotFound => "notFound",
            ErrorCode::DuplicateId => "duplicateId",
            ErrorCode::InvalidTransition => "invalidTransition",
            ErrorCode::StorageFailed => "storageFailed",
        }
    }

    /// Every code, in the order of the spec's table.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::NotRequestable,
        ErrorCode::Denied,
        ErrorCode::JustificationRequired,
        ErrorCode::JustificationTooShort,
        ErrorCode::JustificationPattern,
        ErrorCode::DurationInvalid,
        ErrorCode::DurationTooLong,
        ErrorCode::Duplicate,
        ErrorCode::SelfApproval,
        ErrorCode::NotRequester,
        ErrorCode::UnknownApplication,
        ErrorCode::NotFound,
        ErrorCode::DuplicateId,
        ErrorCode::InvalidTransition,
        ErrorCode::StorageFailed,
    ];
}

impl std::str::FromStr for ErrorCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown error code '{s}'"))
    }
}

/// A command that failed: nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code_str}: {message}", code_str = code.as_str())]
#[non_exhaustive]
pub struct RequestError {
    /// The stable code.
    pub code: ErrorCode,
    /// One sentence for a person.
    pub message: String,
}

impl RequestError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> RequestError {
        RequestError {
            code,
            message: message.into(),
        }
    }
}

/// How a request came to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
#[non_exhaustive]
pub enum Origin {
    /// Submitted by a user for one launch.
    Submitted {
        /// The launch the request was made for.
        launch: std::sync::Arc<Launch>,
        /// The winning application of the launch's decision.
        application: Option<String>,
        /// The winning privilege list of the launch's decision (`privilegeList`; journals
        /// written before 2026-12-05 spell it `privilege_list`, which is still read).
        #[serde(alias = "privilege_list")]
        privilege_list: Option<String>,
        /// The decision's rule.
        rule: Option<String>,
    },
    /// Granted proactively by an administrator.
    Granted {
        /// User name or SID patterns covered.
        users: Vec<String>,
        /// Computer name patterns covered.
        computers: Vec<String>,
        /// Application ids covered.
        applications: Vec<String>,
    },
}

/// A request or an admin grant, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Request {
    /// Caller-chosen unique id.
    pub id: String,
    /// Requested or granted.
    pub origin: Origin,
    /// The requester (the launch's user name or SID), or the admin who granted.
    pub requester: String,
    /// The computer name of the launch, if any.
    pub computer: Option<String>,
    /// How long access lasts once active.
    pub duration: Duration,
    /// The requester's justification.
    pub justification: Option<String>,
    /// Stored status; read [`Request::status_at`] for the status at a time.
    pub status: Status,
    /// When it was submitted or granted.
    pub submitted_at: DateTime<Utc>,
    /// When a pending request times out.
    pub pending_deadline: Option<DateTime<Utc>>,
    /// `admin:<name>` or `policy:<rule>`.
    pub decided_by: Option<String>,
    /// When it was approved or declined.
    pub decided_at: Option<DateTime<Utc>>,
    /// Start of access.
    pub not_before: Option<DateTime<Utc>>,
    /// End of access (exclusive).
    pub not_after: Option<DateTime<Utc>>,
    /// An approver's comment.
    pub comment: Option<String>,
    /// A decline or revocation reason.
    pub reason: Option<String>,
    /// When it was cancelled, revoked or relinquished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Incremented by every transition (optimistic concurrency).
    pub revision: u64,
}

impl Request {
    /// The status at time `at`: a pending request past its deadline is `timedOut`, an active one
    /// at or past `notAfter` is `expired`, whether or not a `tick` recorded it.
    pub fn status_at(&self, at: DateTime<Utc>) -> Status {
        match self.status {
            Status::Pending if self.pending_deadline.is_some_and(|d| at >= d) => Status::TimedOut,
            Status::Active if self.not_after.is_some_and(|d| at >= d) => Status::Expired,
            s => s,
        }
    }

    /// The request as it reads at `at` (status brought up to date).
    pub fn at(&self, at: DateTime<Utc>) -> Request {
        let mut r = self.clone();
        r.status = self.status_at(at);
        r
    }

    /// Makes `self` equal to `src`, reusing `self`'s string buffers (a transition changes a
    /// few fields of a stored request: the rest is copied without allocating).
    pub(crate) fn assign_from(&mut self, src: &Request) {
        let Request {
            id,
            origin,
            requester,
            computer,
            duration,
            justification,
            status,
            submitted_at,
            pending_deadline,
            decided_by,
            decided_at,
            not_before,
            not_after,
            comment,
            reason,
            ended_at,
            revision,
        } = src;
        self.id.clone_from(id);
        match (&mut self.origin, origin) {
            (
                Origin::Submitted {
                    launch: l,
                    application: a,
                    privilege_list: p,
                    rule: r,
                },
                Origin::Submitted {
                    launch,
                    application,
                    privilege_list,
                    rule,
                },
            ) => {
                if !std::sync::Arc::ptr_eq(l, launch) {
                    l.clone_from(launch);
                }
                a.clone_from(application);
                p.clone_from(privilege_list);
                r.clone_from(rule);
            }
            (o, src) => o.clone_from(src),
        }
        self.requester.clone_from(requester);
        self.computer.clone_from(computer);
        self.duration = *duration;
        self.justification.clone_from(justification);
        self.status = *status;
        self.submitted_at = *submitted_at;
        self.pending_deadline = *pending_deadline;
        self.decided_by.clone_from(decided_by);
        self.decided_at = *decided_at;
        self.not_before = *not_before;
        self.not_after = *not_after;
        self.comment.clone_from(comment);
        self.reason.clone_from(reason);
        self.ended_at = *ended_at;
        self.revision = *revision;
    }

    /// Makes `self` equal to `src` where `src` is a transition of `self` (a copy of it with
    /// only the fields a transition changes set anew): the fields fixed at submission (id,
    /// origin, requester, computer, duration, justification, submission time) are not copied.
    pub(crate) fn assign_transition_from(&mut self, src: &Request) {
        debug_assert!(
            self.id == src.id
                && self.origin == src.origin
                && self.requester == src.requester
                && self.computer == src.computer
                && self.duration == src.duration
                && self.justification == src.justification
                && self.submitted_at == src.submitted_at,
            "a transition changed a field fixed at submission"
        );
        self.status = src.status;
        self.pending_deadline = src.pending_deadline;
        self.decided_by.clone_from(&src.decided_by);
        self.decided_at = src.decided_at;
        self.not_before = src.not_before;
        self.not_after = src.not_after;
        self.comment.clone_from(&src.comment);
        self.reason.clone_from(&src.reason);
        self.ended_at = src.ended_at;
        self.revision = src.revision;
    }

    /// The launch of a submitted request.
    pub fn launch(&self) -> Option<&Launch> {
        match &self.origin {
            Origin::Submitted { launch, .. } => Some(launch),
            Origin::Granted { .. } => None,
        }
    }

    /// The winning application id of a submitted request.
    pub fn application(&self) -> Option<&str> {
        match &self.origin {
            Origin::Submitted { application, .. } => application.as_deref(),
            Origin::Granted { .. } => None,
        }
    }
}
