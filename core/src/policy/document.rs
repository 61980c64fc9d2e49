//! The policy document model (policy.md §1): plain data, as written by an administrator.
//!
//! These types are what [`crate::Policy`] holds after loading and validation, what
//! `jitaccess schema` describes (the JSON Schema is generated from them), and what a Rust
//! program may build in code and hand to [`crate::Policy::from_document`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Duration;
use crate::paths::Platform;

/// The only `apiVersion` this library reads.
pub const API_VERSION: &str = "jitaccess/v1";

/// A policy document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "jitaccess policy document (jitaccess/v1)")]
pub struct PolicyDocument {
    /// Always `jitaccess/v1`.
    #[schemars(extend("const" = "jitaccess/v1"))]
    pub api_version: String,
    /// Name of the policy, copied into decisions' audit records.
    pub name: String,
    /// Informational revision number, copied into audit records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// Decides path semantics: `windows` (default), `macos` or `linux`.
    #[serde(default)]
    pub platform: Platform,
    /// Path variables that override or extend the built-in ones (`ProgramFiles`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
    /// Custom groups of users and computers, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Group>,
    /// Application definitions ("rules"), referenced by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<Application>,
    /// When present, only launches matching one of these applications can be elevated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowlist: Option<Vec<String>>,
    /// Privileged Application Lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub privilege_lists: Vec<PrivilegeList>,
    /// Admin-configured, time-boxed automatic elevation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jit_policies: Vec<JitPolicy>,
    /// Settings of request-based JIT elevation.
    #[serde(default)]
    pub requests: Requests,
    /// Autonomous approval of requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autonomous_approval: Option<AutonomousApproval>,
}

/// A group of users and computers. A launch is in the group when every non-empty dimension
/// matches: (`users` or `userGroups`) and (`computers` or `computerTags`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Group {
    /// Patterns matched against the user's name or SID.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Patterns matched against any of the user's groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_groups: Vec<String>,
    /// Patterns matched against the computer name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub computers: Vec<String>,
    /// Patterns matched against any of the computer's tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub computer_tags: Vec<String>,
}

/// A reference to a group: its id, or a group written inline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum GroupRef {
    /// The id of a group in `groups`.
    Id(String),
    /// A group written in place.
    Inline(Group),
}

/// A string, or a list of strings of which any may match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "OneOrManyRepr", into = "OneOrManyRepr")]
pub struct OneOrMany(pub Vec<String>);

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum OneOrManyRepr {
    One(String),
    Many(Vec<String>),
}

impl From<OneOrManyRepr> for OneOrMany {
    fn from(r: OneOrManyRepr) -> Self {
        match r {
            OneOrManyRepr::One(s) => OneOrMany(vec![s]),
            OneOrManyRepr::Many(v) => OneOrMany(v),
        }
    }
}

impl From<OneOrMany> for OneOrManyRepr {
    fn from(v: OneOrMany) -> Self {
        match <[String; 1]>::try_from(v.0) {
            Ok([one]) => OneOrManyRepr::One(one),
            Err(many) => OneOrManyRepr::Many(many),
        }
    }
}

impl JsonSchema for OneOrMany {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OneOrMany".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A string, or a non-empty list of strings of which any may match.",
            "oneOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        })
    }
}

impl OneOrMany {
    /// True when there is no string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An application definition: every criterion present must hold (AND); a list inside one
/// criterion matches when any of its items does (OR).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Application {
    /// Unique id, referenced by lists, JIT policies, the allowlist and approval rules.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"))]
    pub id: String,
    /// Pattern(s) for the verified signer's publisher (needs `signer.valid`).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub vendor: OneOrMany,
    /// SHA-256 thumbprint(s) of the signer's leaf certificate (needs `signer.valid`).
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub signer_thumbprint: OneOrMany,
    /// Pattern(s) for `version.productName`.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub product: OneOrMany,
    /// Pattern(s) for the last component of the normalized path.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub file_name: OneOrMany,
    /// Pattern(s) for `version.originalFileName`.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub original_file_name: OneOrMany,
    /// Lowest `version.fileVersion` (inclusive), dotted numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<String>,
    /// Highest `version.fileVersion` (inclusive), dotted numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_version: Option<String>,
    /// SHA-256 digest(s) of the file, 64 hex digits.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub sha256: OneOrMany,
    /// COM class id(s), braces optional.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub clsid: OneOrMany,
    /// Path glob(s); a path ending with a separator is a folder rule.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub path: OneOrMany,
    /// Pattern(s) for the command line.
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub command_line: OneOrMany,
}

/// Which applications an entry covers: listed ids, or `all`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applications {
    /// Any executable (strength −1).
    All,
    /// These application ids.
    Ids(Vec<String>),
}

impl Serialize for Applications {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Applications::All => s.serialize_str("all"),
            Applications::Ids(ids) => ids.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Applications {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match OneOrManyRepr::deserialize(d)? {
            OneOrManyRepr::One(s) if s == "all" => Ok(Applications::All),
            OneOrManyRepr::One(s) => Err(serde::de::Error::custom(format!(
                "expected a list of application ids or the string 'all', found '{s}'"
            ))),
            OneOrManyRepr::Many(v) => Ok(Applications::Ids(v)),
        }
    }
}

impl JsonSchema for Applications {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Applications".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A list of application ids, or the string `all` (any executable).",
            "oneOf": [
                { "const": "all" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

/// How an application in a privilege list is elevated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Elevation {
    /// Run elevated at once.
    Automatic,
    /// Run elevated once the user confirms with a justification.
    UserConfirmed,
    /// The user may submit a JIT request.
    OnRequest,
    /// Never elevate, whatever else matches.
    Deny,
}

impl Elevation {
    /// The spec's name, e.g. `onRequest`.
    pub fn as_str(self) -> &'static str {
        match self {
            Elevation::Automatic => "automatic",
            Elevation::UserConfirmed => "userConfirmed",
            Elevation::OnRequest => "onRequest",
            Elevation::Deny => "deny",
        }
    }
}

/// A Privileged Application List.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrivilegeList {
    /// Unique id.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"))]
    pub id: String,
    /// Groups (ids or inline) in scope; omitted means everyone everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Vec<GroupRef>>,
    /// How matching applications are elevated.
    pub elevation: Elevation,
    /// Application ids, or `all`.
    pub applications: Applications,
    /// Cap on requests (onRequest only); at most `requests.maxDuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<Duration>,
}

/// A time-boxed automatic elevation configured by an administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JitPolicy {
    /// Unique id.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"))]
    pub id: String,
    /// Groups (ids or inline) in scope; omitted means everyone everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Vec<GroupRef>>,
    /// Application ids, or `all`.
    pub applications: Applications,
    /// Start of the window (inclusive), RFC 3339.
    pub from: DateTime<Utc>,
    /// End of the window (exclusive), RFC 3339.
    pub until: DateTime<Utc>,
}

/// Settings of request-based JIT elevation (lifecycle.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Requests {
    /// Longest duration a request may ask for (default 8h).
    #[serde(default = "default_max_duration")]
    pub max_duration: Duration,
    /// Duration of a request that names none (default 1h), capped at the applicable maximum.
    #[serde(default = "default_default_duration")]
    pub default_duration: Duration,
    /// A pending request times out after this long (default 24h).
    #[serde(default = "default_pending_timeout")]
    pub pending_timeout: Duration,
    /// What a justification must look like.
    #[serde(default)]
    pub justification: Justification,
}

fn hours(h: u64) -> Duration {
    Duration::from_secs(h * 3600).unwrap_or(crate::duration::ONE_HOUR)
}
fn default_max_duration() -> Duration {
    hours(8)
}
fn default_default_duration() -> Duration {
    hours(1)
}
fn default_pending_timeout() -> Duration {
    hours(24)
}

impl Default for Requests {
    fn default() -> Self {
        Requests {
            max_duration: default_max_duration(),
            default_duration: default_default_duration(),
            pending_timeout: default_pending_timeout(),
            justification: Justification::default(),
        }
    }
}

/// Rules for justifications: always required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Justification {
    /// Minimum length in characters (default 1; at least 1).
    #[serde(default = "default_min_length")]
    pub min_length: u32,
    /// A regular expression (Rust regex syntax) the justification must contain a match of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

fn default_min_length() -> u32 {
    1
}

impl Default for Justification {
    fn default() -> Self {
        Justification {
            min_length: 1,
            pattern: None,
        }
    }
}

/// Autonomous approval (lifecycle.md §4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutonomousApproval {
    /// The toggle: when false, every request waits for an administrator.
    pub enabled: bool,
    /// Approval rules; none means every valid request is approved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ApprovalRule>,
}

/// What an approval rule does when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalAction {
    /// Approve the request.
    Approve,
    /// Decline the request.
    Decline,
}

/// An autonomous approval rule: it matches when all of its conditions hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalRule {
    /// Unique id; `decidedBy` becomes `policy:<id>`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"))]
    pub id: String,
    /// Approve or decline.
    pub action: ApprovalAction,
    /// Conditions, all of which must hold.
    #[serde(default)]
    pub when: Conditions,
}

/// Conditions of an approval rule; an absent condition holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Conditions {
    /// The request's winning application id is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applications: Option<Vec<String>>,
    /// The request's winning privilege list is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privilege_lists: Option<Vec<String>>,
    /// The requester is in any of these groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupRef>>,
    /// The computer name matches any of these patterns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computers: Option<Vec<String>>,
    /// The requested duration (after defaulting) is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<Duration>,
    /// A regular expression the justification contains a match of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// A weekly time window in a time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// A per-requester quota of autonomous approvals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_user: Option<Quota>,
}

/// A weekday.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// A weekly window: on `days`, from `from` (inclusive) to `to` (exclusive) in `timeZone`; a `to`
/// earlier than `from` spans midnight and belongs to the day it starts on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedule {
    /// Days the window starts on (default: every day).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<Day>,
    /// Start, `HH:MM`.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    /// End, `HH:MM` (`24:00` allowed).
    #[schemars(regex(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
    pub to: String,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub time_zone: String,
}

/// At most `count` autonomous approvals of one requester within `per`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quota {
    /// The number of approvals.
    pub count: u32,
    /// The rolling window.
    pub per: Duration,
}
