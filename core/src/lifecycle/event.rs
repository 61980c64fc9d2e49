//! Audit events emitted by the engine: one per transition, in order (audit.md lists the
//! record fields; the tamper-evident log format is built on these).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The type of an audit event (audit.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum EventType {
    /// A request was submitted.
    #[serde(rename = "request.submitted")]
    RequestSubmitted,
    /// A request was approved (by an admin or by policy).
    #[serde(rename = "request.approved")]
    RequestApproved,
    /// A request was declined.
    #[serde(rename = "request.declined")]
    RequestDeclined,
    /// The requester cancelled a pending request.
    #[serde(rename = "request.cancelled")]
    RequestCancelled,
    /// A pending request timed out.
    #[serde(rename = "request.timedOut")]
    RequestTimedOut,
    /// An admin granted access proactively.
    #[serde(rename = "grant.created")]
    GrantCreated,
    /// Access ran out.
    #[serde(rename = "grant.expired")]
    GrantExpired,
    /// An admin revoked access.
    #[serde(rename = "grant.revoked")]
    GrantRevoked,
    /// The requester gave access back.
    #[serde(rename = "grant.relinquished")]
    GrantRelinquished,
    /// A launch was elevated.
    #[serde(rename = "elevation.performed")]
    ElevationPerformed,
    /// A launch was denied.
    #[serde(rename = "elevation.denied")]
    ElevationDenied,
    /// A policy was loaded or replaced.
    #[serde(rename = "policy.loaded")]
    PolicyLoaded,
    /// A setting changed.
    #[serde(rename = "settings.changed")]
    SettingsChanged,
}

impl EventType {
    /// The spec's name, e.g. `request.submitted`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::RequestSubmitted => "request.submitted",
            EventType::RequestApproved => "request.approved",
            EventType::RequestDeclined => "request.declined",
            EventType::RequestCancelled => "request.cancelled",
            EventType::RequestTimedOut => "request.timedOut",
            EventType::GrantCreated => "grant.created",
            EventType::GrantExpired => "grant.expired",
            EventType::GrantRevoked => "grant.revoked",
            EventType::GrantRelinquished => "grant.relinquished",
            EventType::ElevationPerformed => "elevation.performed",
            EventType::ElevationDenied => "elevation.denied",
            EventType::PolicyLoaded => "policy.loaded",
            EventType::SettingsChanged => "settings.changed",
        }
    }
}

/// Whose rights change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subject {
    /// User name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// User SID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Who or what caused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ActorKind {
    /// The requesting user.
    User,
    /// An administrator.
    Admin,
    /// An autonomous approval rule.
    Policy,
    /// The engine itself (time-outs, expiry, policy loads).
    System,
}

/// The actor of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Actor {
    /// What kind of actor.
    pub kind: ActorKind,
    /// The user's or admin's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The policy rule (autonomous approval rule id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// The application concerned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppInfo {
    /// Launch path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// SHA-256 of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Verified publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Product name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// File version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_version: Option<String>,
}

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Event {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When (the command's time).
    pub time: DateTime<Utc>,
    /// The request it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Whose rights change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// Who caused it.
    pub actor: Actor,
    /// The computer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer: Option<String>,
    /// The application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<AppInfo>,
    /// The requester's justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// An approver's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A reason (decline, revocation, decision reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Requested duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Start of access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
    /// End of access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<DateTime<Utc>>,
    /// The decision's winning rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The policy in force: name, revision and digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyRef>,
}

/// The policy an event was decided under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyRef {
    /// Policy name.
    pub name: String,
    /// Policy revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// SHA-256 (hex) of the canonical policy document ([`crate::Policy::sha256`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl Event {
    pub(crate) fn new(kind: EventType, time: DateTime<Utc>, actor: Actor) -> Event {
        Event {
            kind,
            time,
            request_id: None,
            subject: None,
            actor,
            computer: None,
            application: None,
            justification: None,
            comment: None,
            reason: None,
            duration: None,
            not_before: None,
            not_after: None,
            rule: None,
            policy: None,
        }
    }
}

/// Where the engine sends its events, in the order the transitions happened. A sink that fails
/// fails the command (nothing changes), so no acknowledged transition goes unaudited.
pub trait AuditSink: Send {
    /// Records one event durably, or fails.
    fn record(&mut self, event: &Event) -> Result<(), String>;

    /// Whether the sink keeps events at all. A sink answering `false` (like [`NullSink`]) lets
    /// the engine skip building events; `record` is then never called. Default: `true`.
    ///
    /// ```
    /// use jitaccess::lifecycle::{AuditSink, MemorySink, NullSink};
    /// assert!(!NullSink.wants_events());
    /// assert!(MemorySink::default().wants_events());
    /// ```
    fn wants_events(&self) -> bool {
        true
    }
}

/// A sink that drops every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl AuditSink for NullSink {
    fn record(&mut self, _: &Event) -> Result<(), String> {
        Ok(())
    }
    fn wants_events(&self) -> bool {
        false
    }
}

/// A sink that keeps events in memory; clones share the same list.
///
/// ```
/// use jitaccess::lifecycle::MemorySink;
/// let sink = MemorySink::default();
/// assert!(sink.events().is_empty());
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemorySink {
    events: Arc<Mutex<Vec<Event>>>,
}

impl MemorySink {
    /// A copy of the events recorded so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// The events recorded so far, removed from the sink: a long-running host drains it so
    /// that memory does not grow with every command.
    ///
    /// ```
    /// use jitaccess::lifecycle::MemorySink;
    /// let sink = MemorySink::default();
    /// assert!(sink.take().is_empty());
    /// assert!(sink.events().is_empty());
    /// ```
    pub fn take(&self) -> Vec<Event> {
        self.events
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}

impl AuditSink for MemorySink {
    fn record(&mut self, event: &Event) -> Result<(), String> {
        self.events
            .lock()
            .map_err(|_| "the event list is poisoned".to_string())?
            .push(event.clone());
        Ok(())
    }
}
