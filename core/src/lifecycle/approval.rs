//! Autonomous approval (lifecycle.md §4): which rule decides a request, and why each rule did
//! or did not match.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;

use crate::matcher::group_sel_holds;
use crate::policy::load::{ParsedRule, ParsedSchedule};
use crate::policy::{ApprovalAction, Policy};
use crate::{Duration, Launch};

/// What autonomous approval looks at for one request.
pub(crate) struct Candidate<'a> {
    pub launch: &'a Launch,
    pub application: Option<&'a str>,
    pub privilege_list: Option<&'a str>,
    pub duration: Duration,
    pub justification: &'a str,
    pub at: DateTime<Utc>,
    /// Autonomous approvals of this requester with `decidedAt` in `(at − per, at]`.
    pub approvals_within: &'a dyn Fn(Duration) -> usize,
}

/// Why one approval rule did or did not match a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleExplanation {
    /// The rule id.
    pub rule: String,
    /// `approve` or `decline`.
    pub action: ApprovalAction,
    /// Whether every condition held.
    pub matched: bool,
    /// One line per condition that did not hold.
    pub failed: Vec<String>,
}

/// Whether a weekly window holds at `at` (a window whose `to` is before `from` spans midnight
/// and belongs to the day it starts on).
pub(crate) fn schedule_holds(s: &ParsedSchedule, at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&s.tz);
    let minute = u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(0);
    let day = local.weekday().num_days_from_monday();
    let on = |d: u32| s.days & (1 << d) != 0;
    if s.from < s.to {
        on(day) && s.from <= minute && minute < s.to
    } else {
        (on(day) && minute >= s.from) || (on((day + 6) % 7) && minute < s.to)
    }
}

fn check(policy: &Policy, rule: &ParsedRule, c: &Candidate<'_>) -> Vec<String> {
    let parsed = policy.parsed();
    let mut failed = Vec::new();
    if let Some(apps) = &rule.applications {
        let ok = c.application.is_some_and(|a| {
            apps.iter()
                .any(|&i| parsed.apps.get(i).is_some_and(|p| p.id == a))
        });
        if !ok {
            failed.push(format!(
                "applications: the request's application {} is not listed",
                c.application.unwrap_or("(none)")
            ));
        }
    }
    if let Some(lists) = &rule.privilege_lists {
        let ok = c.privilege_list.is_some_and(|l| {
            lists
                .iter()
                .any(|&i| parsed.lists.get(i).is_some_and(|p| p.id == l))
        });
        if !ok {
            failed.push(format!(
                "privilegeLists: the request's list {} is not listed",
                c.privilege_list.unwrap_or("(none)")
            ));
        }
    }
    if let Some(groups) = &rule.groups
        && !groups
            .iter()
            .any(|g| group_sel_holds(&parsed.groups, g, c.launch))
    {
        failed.push("groups: the requester is in none of the groups".into());
    }
    if let Some(computers) = &rule.computers {
        let name = c.launch.computer.as_ref().and_then(|x| x.name.as_deref());
        if !name.is_some_and(|n| computers.iter().any(|p| p.is_match(n))) {
            failed.push(format!(
                "computers: {} matches none of the patterns",
                name.unwrap_or("(no computer)")
            ));
        }
    }
    if let Some(max) = rule.max_duration
        && c.duration > max
    {
        failed.push(format!("maxDuration: {} is longer than {max}", c.duration));
    }
    if let Some(re) = &rule.justification
        && !re.is_match(c.justification)
    {
        failed.push(format!("justification: no match of '{}'", re.as_str()));
    }
    if let Some(s) = &rule.schedule
        && !schedule_holds(s, c.at)
    {
        let local = c.at.with_timezone(&s.tz);
        failed.push(format!(
            "schedule: {} {} in {} is outside the window",
            local.weekday(),
            local.format("%H:%M"),
            s.tz.name()
        ));
    }
    if let Some((count, per)) = rule.max_per_user {
        let used = (c.approvals_within)(per);
        if used >= count as usize {
            failed.push(format!(
                "maxPerUser: {used} autonomous approvals within {per} already (limit {count})"
            ));
        }
    }
    failed
}

/// Explains every approval rule of the policy for one request.
pub(crate) fn explain(policy: &Policy, c: &Candidate<'_>) -> Vec<RuleExplanation> {
    policy
        .parsed()
        .approval_rules
        .iter()
        .map(|r| {
            let failed = check(policy, r, c);
            RuleExplanation {
                rule: r.id.clone(),
                action: r.action,
                matched: failed.is_empty(),
                failed,
            }
        })
        .collect()
}

/// The decision of autonomous approval: `Some((action, decidedBy))`, or `None` to leave the
/// request pending.
pub(crate) fn decide(policy: &Policy, c: &Candidate<'_>) -> Option<(ApprovalAction, String)> {
    if !policy.parsed().approval_enabled {
        return None;
    }
    if policy.parsed().approval_rules.is_empty() {
        return Some((ApprovalAction::Approve, "policy:autonomous".into()));
    }
    let explained = explain(policy, c);
    for action in [ApprovalAction::Decline, ApprovalAction::Approve] {
        if let Some(rule) = explained
            .iter()
            .filter(|e| e.matched && e.action == action)
            .map(|e| e.rule.as_str())
            .min()
        {
            return Some((action, format!("policy:{rule}")));
        }
    }
    None
}

/// Explains, for a launch and request details, why each approval rule of the policy would or
/// would not match (for the admin console and for test failures).
pub fn explain_approval(
    policy: &Policy,
    launch: &Launch,
    duration: Duration,
    justification: &str,
    at: DateTime<Utc>,
) -> Vec<RuleExplanation> {
    let decision = policy.compile().evaluate(launch, at).ok();
    let zero = |_: Duration| 0usize;
    let c = Candidate {
        launch,
        application: decision.as_ref().and_then(|d| d.application.as_deref()),
        privilege_list: decision.as_ref().and_then(|d| d.privilege_list.as_deref()),
        duration,
        justification,
        at,
        approvals_within: &zero,
    };
    explain(policy, &c)
}
