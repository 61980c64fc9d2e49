//! Lint: warnings about a valid policy that an administrator should look at (policy.md §6).
//!
//! - `weakAutomatic`: `automatic` elevation or a JIT policy on an application identified only
//!   by path, name or command line (strength 0), or on `all`: anyone who can put a file with
//!   that name there runs it elevated.
//! - `userWritablePath`: an elevating rule path under a folder standard users can write
//!   (`C:\Users\…`, `…\AppData\…`, `…\Temp\…`, `C:\ProgramData\…`, `/tmp/`, `/home/`,
//!   `/Users/`). Deny-only applications are not reported.
//! - `neverWins`: a list entry that is always shadowed by a stronger entry with the same scope:
//!   the same application in another list with the same `appliesTo` wins by precedence, or a
//!   `deny` entry for that application (or `deny` with `applications: all`) covers the same
//!   scope or everyone.
//! - `unreferencedApplication`: no list, JIT policy, allowlist or approval rule names it.

use serde::Serialize;

use super::document::{Applications, Elevation, GroupRef, PolicyDocument};
use super::load::Parsed;
use crate::paths;

/// What a lint warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum LintCode {
    /// Automatic or JIT elevation of a weakly identified application.
    WeakAutomatic,
    /// An elevating path rule under a user-writable folder.
    UserWritablePath,
    /// A list entry that can never win.
    NeverWins,
    /// An application nothing refers to.
    UnreferencedApplication,
}

impl LintCode {
    /// The stable name, e.g. `neverWins`.
    pub fn as_str(self) -> &'static str {
        match self {
            LintCode::WeakAutomatic => "weakAutomatic",
            LintCode::UserWritablePath => "userWritablePath",
            LintCode::NeverWins => "neverWins",
            LintCode::UnreferencedApplication => "unreferencedApplication",
        }
    }
}

/// One lint warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Lint {
    /// What kind of warning.
    pub code: LintCode,
    /// Document path of the entry concerned.
    pub path: String,
    /// An explanation an administrator can act on.
    pub message: String,
}

impl std::fmt::Display for Lint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} [{}]",
            self.path,
            self.message,
            self.code.as_str()
        )
    }
}

fn scope_key(scope: &Option<Vec<GroupRef>>) -> Option<Vec<String>> {
    scope.as_ref().map(|refs| {
        let mut keys: Vec<String> = refs
            .iter()
            .map(|r| match r {
                GroupRef::Id(id) => format!("id:{id}"),
                GroupRef::Inline(g) => {
                    format!("inline:{}", serde_json::to_string(g).unwrap_or_default())
                }
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    })
}

fn rank(e: Elevation) -> u8 {
    match e {
        Elevation::Deny => 3,
        Elevation::OnRequest => 2,
        Elevation::UserConfirmed => 1,
        Elevation::Automatic => 0,
    }
}

pub(crate) fn lint(doc: &PolicyDocument, parsed: &Parsed) -> Vec<Lint> {
    let mut out = Vec::new();
    let n_apps = parsed.apps.len();
    let mut referenced = vec![false; n_apps];
    let mut elevating = vec![false; n_apps];
    let mut mark = |apps: &Option<Vec<usize>>, elev: bool, referenced: &mut Vec<bool>| {
        if let Some(apps) = apps {
            for &a in apps {
                if let Some(r) = referenced.get_mut(a) {
                    *r = true;
                }
                if elev && let Some(e) = elevating.get_mut(a) {
                    *e = true;
                }
            }
        }
    };
    for l in &parsed.lists {
        mark(&l.apps, l.elevation != Elevation::Deny, &mut referenced);
    }
    for j in &parsed.jits {
        mark(&j.apps, true, &mut referenced);
    }
    mark(&parsed.allowlist, false, &mut referenced);
    for r in &parsed.approval_rules {
        mark(&r.applications, false, &mut referenced);
    }

    // weakAutomatic
    for (i, l) in parsed.lists.iter().enumerate() {
        if l.elevation != Elevation::Automatic {
            continue;
        }
        match &l.apps {
            None => out.push(Lint {
                code: LintCode::WeakAutomatic,
                path: format!("privilegeLists[{i}]"),
                message: format!(
                    "list '{}' elevates every executable automatically (applications: all)",
                    l.id
                ),
            }),
            Some(apps) => {
                for (k, &a) in apps.iter().enumerate() {
                    if let Some(app) = parsed.apps.get(a).filter(|app| app.strength <= 0) {
                        out.push(Lint {
                            code: LintCode::WeakAutomatic,
                            path: format!("privilegeLists[{i}].applications[{k}]"),
                            message: format!("automatic elevation of application '{}', identified only by {} (strength 0): anyone who can place such a file runs it elevated; add vendor, signerThumbprint or sha256", app.id, app.keys.join(", ")),
                        });
                    }
                }
            }
        }
    }
    for (i, j) in parsed.jits.iter().enumerate() {
        match &j.apps {
            None => out.push(Lint {
                code: LintCode::WeakAutomatic,
                path: format!("jitPolicies[{i}]"),
                message: format!(
                    "JIT policy '{}' elevates every executable in its window (applications: all)",
                    j.id
                ),
            }),
            Some(apps) => {
                for (k, &a) in apps.iter().enumerate() {
                    if let Some(app) = parsed.apps.get(a).filter(|app| app.strength <= 0) {
                        out.push(Lint {
                            code: LintCode::WeakAutomatic,
                            path: format!("jitPolicies[{i}].applications[{k}]"),
                            message: format!("JIT elevation of application '{}', identified only by {} (strength 0)", app.id, app.keys.join(", ")),
                        });
                    }
                }
            }
        }
    }

    // userWritablePath
    for (i, app) in parsed.apps.iter().enumerate() {
        if !elevating.get(i).copied().unwrap_or(false) {
            continue;
        }
        for (k, rp) in app.paths.iter().enumerate() {
            if paths::is_user_writable(parsed.platform, rp) {
                let src = doc
                    .applications
                    .get(i)
                    .and_then(|a| a.path.0.get(k))
                    .cloned()
                    .unwrap_or_default();
                let path = if app.paths.len() > 1 {
                    format!("applications[{i}].path[{k}]")
                } else {
                    format!("applications[{i}].path")
                };
                out.push(Lint {
                    code: LintCode::UserWritablePath,
                    path,
                    message: format!("'{src}' is under a folder standard users can write: anyone could place a file there and have it elevated"),
                });
            }
        }
    }

    // neverWins
    struct Entry {
        list: usize,
        pos: usize,
        scope: Option<Vec<String>>,
        rank: u8,
        rule: String,
    }
    let mut by_app: Vec<Vec<Entry>> = (0..n_apps).map(|_| Vec::new()).collect();
    let mut deny_all: Vec<(usize, Option<Vec<String>>)> = Vec::new();
    for (i, (l, dl)) in parsed.lists.iter().zip(&doc.privilege_lists).enumerate() {
        let scope = scope_key(&dl.applies_to);
        match (&l.apps, &dl.applications) {
            (Some(apps), Applications::Ids(ids)) => {
                for (pos, (&a, id)) in apps.iter().zip(ids).enumerate() {
                    if let Some(v) = by_app.get_mut(a) {
                        v.push(Entry {
                            list: i,
                            pos,
                            scope: scope.clone(),
                            rank: rank(l.elevation),
                            rule: format!("{}/{}", l.id, id),
                        });
                    }
                }
            }
            _ => {
                if l.elevation == Elevation::Deny {
                    deny_all.push((i, scope));
                }
            }
        }
    }
    for entries in &by_app {
        for e in entries {
            let beaten_by = entries
                .iter()
                .find(|o| {
                    !std::ptr::eq(*o, e)
                        && ((o.scope == e.scope
                            && (o.rank, std::cmp::Reverse(&o.rule))
                                > (e.rank, std::cmp::Reverse(&e.rule)))
                            || (o.rank == 3 && e.rank < 3 && o.scope.is_none()))
                })
                .map(|o| o.rule.clone())
                .or_else(|| {
                    deny_all
                        .iter()
                        .find(|(dl, s)| {
                            *dl != e.list && (s.is_none() || *s == e.scope) && e.rank < 3
                        })
                        .and_then(|(dl, _)| parsed.lists.get(*dl))
                        .map(|l| format!("{}/*", l.id))
                });
            if let Some(winner) = beaten_by {
                out.push(Lint {
                    code: LintCode::NeverWins,
                    path: format!("privilegeLists[{}].applications[{}]", e.list, e.pos),
                    message: format!("entry {} can never win: {winner} always takes precedence for the same launches", e.rule),
                });
            }
        }
    }

    // unreferencedApplication
    for (i, app) in parsed.apps.iter().enumerate() {
        if !referenced.get(i).copied().unwrap_or(true) {
            out.push(Lint {
                code: LintCode::UnreferencedApplication,
                path: format!("applications[{i}]"),
                message: format!("application '{}' is not used by any privilege list, JIT policy, allowlist or approval rule", app.id),
            });
        }
    }
    out
}
