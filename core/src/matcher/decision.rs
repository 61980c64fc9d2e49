//! The answer for one launch (policy.md §4).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::Duration;
use crate::policy::Elevation;

/// What may happen to a launch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Outcome {
    /// Run elevated now: an automatic entry, a JIT policy in its window, or an active grant.
    Elevate,
    /// Run elevated once the user confirms with a justification; no approval.
    Confirm,
    /// The user may submit a JIT request.
    Request,
    /// A deny entry matched: never elevate.
    Deny,
    /// Nothing matched: standard rights only.
    None,
}

impl Outcome {
    /// The spec's name, e.g. `request`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Elevate => "elevate",
            Outcome::Confirm => "confirm",
            Outcome::Request => "request",
            Outcome::Deny => "deny",
            Outcome::None => "none",
        }
    }

    /// Whether the outcome leads to elevation (`elevate`, `confirm`, `request`).
    pub fn is_elevating(self) -> bool {
        matches!(self, Outcome::Elevate | Outcome::Confirm | Outcome::Request)
    }
}

impl std::str::FromStr for Outcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "elevate" => Outcome::Elevate,
            "confirm" => Outcome::Confirm,
            "request" => Outcome::Request,
            "deny" => Outcome::Deny,
            "none" => Outcome::None,
            _ => {
                return Err(format!(
                    "unknown outcome '{s}'; expected elevate, confirm, request, deny or none"
                ));
            }
        })
    }
}

/// Something the host or the administrator should know about a decision.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Warning {
    /// The launch path is relative, has an alternate data stream or an 8.3 short name: path
    /// criteria were unknown (they held for deny entries only).
    UnresolvedPath,
    /// An elevating entry matched but the launch is outside the allowlist.
    NotAllowlisted,
}

impl Warning {
    /// The spec's name, e.g. `unresolvedPath`.
    pub fn as_str(self) -> &'static str {
        match self {
            Warning::UnresolvedPath => "unresolvedPath",
            Warning::NotAllowlisted => "notAllowlisted",
        }
    }
}

impl std::str::FromStr for Warning {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "unresolvedPath" => Warning::UnresolvedPath,
            "notAllowlisted" => Warning::NotAllowlisted,
            _ => {
                return Err(format!(
                    "unknown warning '{s}'; expected unresolvedPath or notAllowlisted"
                ));
            }
        })
    }
}

/// The decision for one launch.
///
/// Serializes to the JSON of policy.md §4 (plus `application` and `privilegeList`, the
/// winning entry's parts, when there is one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Decision {
    /// What may happen.
    pub outcome: Outcome,
    /// The winner: `<list>/<application>`, `<list>/*`, `jit:<id>` or `grant:<id>`.
    pub rule: Option<String>,
    /// The winning list entry's elevation type; null for JIT policies, grants and no winner.
    pub elevation: Option<Elevation>,
    /// For `request`: the longest duration that may be requested.
    pub max_duration: Option<Duration>,
    /// Every other candidate that matched, in precedence order.
    pub shadowed: Vec<String>,
    /// Warnings, in a stable order.
    pub warnings: Vec<Warning>,
    /// An explanation an administrator understands.
    pub reason: Cow<'static, str>,
    /// The winning application id, when a list entry or JIT policy with applications won.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The winning privilege list id, when a list entry won.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privilege_list: Option<String>,
}

/// An empty decision (outcome `none`, no rule, no warnings, an empty reason): a value to
/// fill with [`crate::CompiledPolicy::evaluate_into`].
impl Default for Decision {
    fn default() -> Decision {
        Decision::none("", Vec::new())
    }
}

impl Decision {
    pub(crate) fn none(reason: &'static str, warnings: Vec<Warning>) -> Decision {
        Decision {
            outcome: Outcome::None,
            rule: None,
            elevation: None,
            max_duration: None,
            shadowed: Vec::new(),
            warnings,
            reason: Cow::Borrowed(reason),
            application: None,
            privilege_list: None,
        }
    }

    /// Makes this an outcome-`none` decision with `reason` and no winner. `warnings` is left
    /// to the caller; the string buffers of `shadowed` are kept for a later decision.
    pub(crate) fn set_none(&mut self, reason: &'static str) {
        self.outcome = Outcome::None;
        self.rule = None;
        self.elevation = None;
        self.max_duration = None;
        self.shadowed.clear();
        self.reason = Cow::Borrowed(reason);
        self.application = None;
        self.privilege_list = None;
    }

    /// The reason's buffer, emptied, with room for at least `room` bytes, for writing a new
    /// reason (a new `String` when the reason is not an owned one). Put it back with
    /// `reason = Cow::Owned(..)`.
    #[inline]
    pub(crate) fn take_reason_buffer(&mut self, room: usize) -> String {
        match std::mem::take(&mut self.reason) {
            Cow::Owned(mut s) => {
                s.clear();
                s.reserve(room);
                s
            }
            Cow::Borrowed(_) => String::with_capacity(room),
        }
    }

    /// The decision as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Sets `dst` to the concatenation of `parts`, reusing its buffer (one exact allocation when
/// it has none or too small a one).
#[inline(always)]
pub(crate) fn set_concat(dst: &mut String, parts: &[&str]) {
    dst.clear();
    let len = parts.iter().map(|p| p.len()).sum();
    if dst.capacity() == 0 {
        // Straight to the allocator (cheaper than `reserve`'s growth path).
        *dst = String::with_capacity(len);
    } else {
        dst.reserve(len);
    }
    for p in parts {
        dst.push_str(p);
    }
}

/// Sets `dst` to `Some` of the concatenation of `parts`, reusing its buffer if it has one.
#[inline]
pub(crate) fn set_opt(dst: &mut Option<String>, parts: &[&str]) {
    set_concat(dst.get_or_insert_with(String::new), parts);
}

/// Makes `dst` a list of `n` strings, the `i`-th written by `f(i, buffer)` into an empty
/// buffer (the existing strings' buffers are reused).
#[inline]
pub(crate) fn set_list(dst: &mut Vec<String>, n: usize, mut f: impl FnMut(usize, &mut String)) {
    dst.truncate(n);
    if dst.capacity() == 0 {
        *dst = Vec::with_capacity(n);
    } else {
        dst.reserve_exact(n - dst.len());
    }
    for i in 0..n {
        match dst.get_mut(i) {
            Some(s) => {
                s.clear();
                f(i, s);
            }
            None => {
                let mut s = String::new();
                f(i, &mut s);
                dst.push(s);
            }
        }
    }
}
