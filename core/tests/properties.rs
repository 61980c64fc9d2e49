//! Property tests of the matcher: order independence and deny monotonicity.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use jitaccess::policy::{
    Application, Applications, Elevation, GroupRef, OneOrMany, PolicyDocument, PrivilegeList,
};
use jitaccess::{Decision, Launch, Outcome, Policy};
use proptest::prelude::*;

const H1: &str = "499cf3973c308a15fa1f8fc4a27d53f781223618013ff1b9bef4fd087cefc16b";
const H2: &str = "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa";

fn at() -> DateTime<Utc> {
    jitaccess::default_test_time()
}

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

fn some_of(items: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(items, 0..=2)
        .prop_map(|v| v.into_iter().map(String::from).collect())
}

/// A random application over a small vocabulary, so that launches often match.
fn application() -> impl Strategy<Value = Application> {
    (
        some_of(&["Contoso", "Fabrikam", "Micro*"]),
        some_of(&["Tool", "Suite*"]),
        some_of(&["a.exe", "b.exe", "*.exe", "setup*"]),
        some_of(&[H1, H2]),
        some_of(&[r"C:\X\", r"C:\X\*.exe", r"C:\Y\**\b.exe", r"C:\X\sub\a.exe"]),
        prop::option::of(pick(&["1.0", "2.5"])),
    )
        .prop_filter(
            "an application needs a criterion",
            |(v, p, f, h, path, ver)| {
                !(v.is_empty()
                    && p.is_empty()
                    && f.is_empty()
                    && h.is_empty()
                    && path.is_empty()
                    && ver.is_none())
            },
        )
        .prop_map(
            |(vendor, product, file_name, sha256, path, min_version)| Application {
                id: String::new(),
                vendor: OneOrMany(vendor),
                product: OneOrMany(product),
                file_name: OneOrMany(file_name),
                sha256: OneOrMany(sha256),
                path: OneOrMany(path),
                min_version: min_version.map(String::from),
                ..Application::default()
            },
        )
}

fn elevation() -> impl Strategy<Value = Elevation> {
    pick(&[
        Elevation::Automatic,
        Elevation::UserConfirmed,
        Elevation::OnRequest,
        Elevation::Deny,
    ])
}

#[derive(Clone, Debug)]
struct ListSpec {
    elevation: Elevation,
    apps: Vec<usize>,
    all: bool,
    scope: Option<Vec<usize>>,
}

fn list_spec(n_apps: usize) -> impl Strategy<Value = ListSpec> {
    (
        elevation(),
        proptest::sample::subsequence((0..n_apps).collect::<Vec<_>>(), 1..=n_apps.min(3)),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.3, proptest::sample::subsequence(vec![0usize, 1], 1..=2)),
    )
        .prop_map(|(elevation, apps, all, scope)| ListSpec {
            elevation,
            apps,
            all,
            scope,
        })
}

fn document(
    apps: &[Application],
    lists: &[ListSpec],
    allowlist: &Option<Vec<usize>>,
) -> PolicyDocument {
    let mut doc: PolicyDocument =
        serde_json::from_str(r#"{"apiVersion":"jitaccess/v1","name":"prop"}"#).unwrap();
    doc.groups.insert(
        "g0".into(),
        serde_json::from_str(r#"{"userGroups":["CORP\\Admins"]}"#).unwrap(),
    );
    doc.groups.insert(
        "g1".into(),
        serde_json::from_str(r#"{"computers":["LAB-*"]}"#).unwrap(),
    );
    doc.applications = apps
        .iter()
        .enumerate()
        .map(|(i, a)| Application {
            id: format!("app{i}"),
            ..a.clone()
        })
        .collect();
    doc.privilege_lists = lists
        .iter()
        .enumerate()
        .map(|(i, l)| PrivilegeList {
            id: format!("list{i}"),
            applies_to: l
                .scope
                .as_ref()
                .map(|s| s.iter().map(|g| GroupRef::Id(format!("g{g}"))).collect()),
            elevation: l.elevation,
            applications: if l.all {
                Applications::All
            } else {
                Applications::Ids(l.apps.iter().map(|a| format!("app{a}")).collect())
            },
            max_duration: None,
        })
        .collect();
    doc.allowlist = allowlist
        .as_ref()
        .map(|v| v.iter().map(|a| format!("app{a}")).collect());
    doc
}

fn launch() -> impl Strategy<Value = Launch> {
    (
        pick(&[
            r"C:\X\a.exe",
            r"C:\X\sub\a.exe",
            r"C:\Y\z\b.exe",
            r"D:\dl\setup-1.exe",
            r"C:\X\PROGRA~1\a.exe",
            r"b.exe",
            r"C:\X\b.exe:ads",
        ]),
        prop::option::of((pick(&["Contoso", "Fabrikam", "Microsoft"]), any::<bool>())),
        prop::option::of((pick(&["Tool", "Suite 9"]), pick(&["0.9", "1.0", "3"]))),
        prop::option::of(pick(&[H1, H2])),
        pick(&["CORP\\Admins", "CORP\\Sales"]),
        pick(&["LAB-1", "PC-1"]),
    )
        .prop_map(|(path, signer, version, sha, group, computer)| {
            let mut v = serde_json::json!({
                "path": path,
                "user": { "name": "CORP\\u", "groups": [group] },
                "computer": { "name": computer },
            });
            if let Some((publisher, valid)) = signer {
                v["signer"] = serde_json::json!({ "publisher": publisher, "valid": valid });
            }
            if let Some((product, ver)) = version {
                v["version"] = serde_json::json!({ "productName": product, "fileVersion": ver });
            }
            if let Some(h) = sha {
                v["sha256"] = serde_json::json!(h);
            }
            Launch::from_value(v).unwrap()
        })
}

fn key(
    d: &Decision,
) -> (
    Outcome,
    Option<String>,
    Vec<String>,
    Vec<String>,
    Option<String>,
) {
    (
        d.outcome,
        d.rule.clone(),
        d.shadowed.clone(),
        d.warnings.iter().map(|w| w.as_str().to_string()).collect(),
        d.max_duration.map(|m| m.to_string()),
    )
}

fn permissiveness(o: Outcome) -> u8 {
    match o {
        Outcome::Deny => 0,
        Outcome::None => 1,
        Outcome::Request => 2,
        Outcome::Confirm => 3,
        _ => 4,
    }
}

fn scenario() -> impl Strategy<
    Value = (
        Vec<Application>,
        Vec<ListSpec>,
        Option<Vec<usize>>,
        Vec<Launch>,
    ),
> {
    prop::collection::vec(application(), 1..6).prop_flat_map(|apps| {
        let n = apps.len();
        (
            Just(apps),
            prop::collection::vec(list_spec(n), 1..5),
            prop::option::weighted(
                0.25,
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n),
            ),
            prop::collection::vec(launch(), 1..8),
        )
    })
}

fn shuffled<T: Clone>(v: &[T], seed: u64) -> Vec<T> {
    let mut out = v.to_vec();
    let mut s = seed | 1;
    for i in (1..out.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out.swap(i, (s % (i as u64 + 1)) as usize);
    }
    out
}

fn shuffle_doc(doc: &PolicyDocument, seed: u64) -> PolicyDocument {
    let mut d = doc.clone();
    d.applications = shuffled(&d.applications, seed)
        .into_iter()
        .map(|mut a| {
            for crit in [
                &mut a.vendor,
                &mut a.product,
                &mut a.file_name,
                &mut a.sha256,
                &mut a.path,
            ] {
                crit.0 = shuffled(&crit.0, seed.wrapping_add(7));
            }
            a
        })
        .collect();
    d.privilege_lists = shuffled(&d.privilege_lists, seed.wrapping_mul(31))
        .into_iter()
        .map(|mut l| {
            if let Applications::Ids(ids) = &mut l.applications {
                *ids = shuffled(ids, seed.wrapping_add(3));
            }
            if let Some(s) = &mut l.applies_to {
                *s = shuffled(s, seed.wrapping_add(5));
            }
            l
        })
        .collect();
    if let Some(a) = &mut d.allowlist {
        *a = shuffled(a, seed.wrapping_add(11));
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Shuffling applications, lists, criteria lists, appliesTo and the allowlist changes no
    /// decision (policy.md §4: the precedence is independent of document order).
    #[test]
    fn document_order_changes_no_decision((apps, lists, allow, launches) in scenario(), seed in 1u64..u64::MAX) {
        let doc = document(&apps, &lists, &allow);
        let a = Policy::from_document(doc.clone()).unwrap().compile();
        let b = Policy::from_document(shuffle_doc(&doc, seed)).unwrap().compile();
        for l in &launches {
            let da = a.evaluate(l, at()).unwrap();
            let db = b.evaluate(l, at()).unwrap();
            prop_assert_eq!(key(&da), key(&db), "launch {:?}", l);
        }
    }

    /// Adding a deny entry never makes a decision more permissive: the decision either stays
    /// the same or becomes `deny`.
    #[test]
    fn adding_a_deny_entry_is_never_more_permissive(
        (apps, lists, allow, launches) in scenario(),
        target in any::<prop::sample::Index>(),
        all in prop::bool::weighted(0.2),
        scoped in any::<bool>(),
    ) {
        let doc = document(&apps, &lists, &allow);
        let before = Policy::from_document(doc.clone()).unwrap().compile();
        let mut with_deny = doc.clone();
        with_deny.privilege_lists.push(PrivilegeList {
            id: "zz-added-deny".into(),
            applies_to: scoped.then(|| vec![GroupRef::Id("g0".into())]),
            elevation: Elevation::Deny,
            applications: if all {
                Applications::All
            } else {
                Applications::Ids(vec![format!("app{}", target.index(apps.len()))])
            },
            max_duration: None,
        });
        let after = Policy::from_document(with_deny).unwrap().compile();
        for l in &launches {
            let d0 = before.evaluate(l, at()).unwrap();
            let d1 = after.evaluate(l, at()).unwrap();
            prop_assert!(permissiveness(d1.outcome) <= permissiveness(d0.outcome), "{:?} -> {:?} for {:?}", d0, d1, l);
            prop_assert!(d1.outcome == d0.outcome || d1.outcome == Outcome::Deny, "{:?} -> {:?}", d0, d1);
        }
    }

    /// Evaluation agrees with a brute-force reading of the rules: the winner, when there is
    /// one, is an entry whose application holds for the launch.
    #[test]
    fn winners_really_match((apps, lists, allow, launches) in scenario()) {
        let doc = document(&apps, &lists, &allow);
        let compiled = Policy::from_document(doc).unwrap().compile();
        for l in &launches {
            let d = compiled.evaluate(l, at()).unwrap();
            if let (Some(app), true) = (&d.application, d.outcome.is_elevating()) {
                // Re-evaluate against a policy holding only the winning application in an
                // automatic list: it must match on its own.
                let idx: usize = app.trim_start_matches("app").parse().unwrap();
                let solo = document(&apps, &[ListSpec { elevation: Elevation::Automatic, apps: vec![idx], all: false, scope: None }], &None);
                let solo = Policy::from_document(solo).unwrap().compile();
                prop_assert_eq!(solo.evaluate(l, at()).unwrap().outcome, Outcome::Elevate);
            }
        }
    }
}
