//! Launches (JSON, and structured via `arbitrary`) evaluated against fixed compiled policies.
//!
//! Checks: `evaluate` fails exactly when `Launch::check` fails; evaluation is deterministic;
//! and a launch whose path is resolved gets the same decision when its path is given
//! already normalized.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use jitaccess::paths::{normalize_launch, Platform};
use jitaccess::{CompiledPolicy, Computer, Launch, Policy, Signer, User, VersionInfo};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const POLICIES: [(&str, Platform); 2] = [
    (include_str!("../seeds/policy_parse/corp.yaml"), Platform::Windows),
    (include_str!("../seeds/policy_parse/linux.yaml"), Platform::Linux),
];

fn compiled() -> &'static [(CompiledPolicy, Platform)] {
    static C: OnceLock<Vec<(CompiledPolicy, Platform)>> = OnceLock::new();
    C.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(text, platform)| match Policy::from_yaml(text) {
                Ok(p) => (p.compile(), *platform),
                Err(e) => panic!("seed policy does not load: {e}"),
            })
            .collect()
    })
}

/// Strings that make matches likely, mixed with arbitrary ones.
const WORDS: &[&str] = &[
    "CORP\\alice", "CORP\\IT Admins", "CORP\\Developers", "root", "wheel", "ops-1", "HD-01",
    "web-1", "prod", "Microsoft Corporation", "Process Monitor", "Visual Studio Code", "Igor Pavlov",
    "7-Zip", "C:\\Program Files\\Tools\\", "C:\\Windows\\System32\\cmd.exe", "procmon64.exe",
    "putty-0.81-installer.msi", "/opt/apps/x/bin/tool", "/usr/bin/apt-get", "/bin/bash", "22.01",
    "4.0.1.0", "..", ".", "\\", "/", "~1", "::$DATA", ":", " ", "\\\\?\\", "\\\\srv\\share\\",
    "499CF3973C308A15FA1F8FC4A27D53F781223618013FF1B9BEF4FD087CEFC16B",
    "{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A}", "S-1-5-21-1004336348-1177238915-682003330-1104",
];

#[derive(Debug)]
struct Text(String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=3u8)?;
        let mut s = String::new();
        for _ in 0..n {
            if u.arbitrary::<bool>()? {
                s.push_str(u.choose(WORDS)?);
            } else {
                s.push_str(&String::arbitrary(u)?);
            }
        }
        Ok(Text(s))
    }
}

#[derive(Debug, Arbitrary)]
struct ALaunch {
    user: Option<(Option<Text>, Option<Text>, Vec<Text>)>,
    computer: Option<(Option<Text>, Vec<Text>)>,
    path: Text,
    sha256: Option<Text>,
    signer: Option<(Option<Text>, Option<Text>, bool)>,
    version: Option<(Option<Text>, Option<Text>, Option<Text>)>,
    clsid: Option<Text>,
    command_line: Option<Text>,
    hour: u32,
}

fn t(x: Option<Text>) -> Option<String> {
    x.map(|t| t.0)
}

impl ALaunch {
    fn build(self) -> (Launch, u32) {
        let launch = Launch {
            user: self.user.map(|(name, sid, groups)| User {
                name: t(name),
                sid: t(sid),
                groups: groups.into_iter().map(|g| g.0).collect(),
            }),
            computer: self.computer.map(|(name, tags)| Computer {
                name: t(name),
                tags: tags.into_iter().map(|g| g.0).collect(),
            }),
            path: self.path.0,
            sha256: t(self.sha256),
            signer: self.signer.map(|(publisher, thumbprint, valid)| Signer {
                publisher: t(publisher),
                thumbprint: t(thumbprint),
                valid,
                ..Signer::default()
            }),
            version: self.version.map(|(product, original, file_version)| VersionInfo {
                product_name: t(product),
                original_file_name: t(original),
                file_version: t(file_version),
                ..VersionInfo::default()
            }),
            clsid: t(self.clsid),
            command_line: t(self.command_line),
        };
        (launch, self.hour)
    }
}

fn check(launch: &Launch, at: chrono::DateTime<chrono::Utc>) {
    let valid = launch.check().is_ok();
    for (policy, platform) in compiled() {
        let first = policy.evaluate(launch, at);
        assert_eq!(first.is_ok(), valid, "evaluate and check disagree on {launch:?}: {first:?}");
        let again = policy.evaluate(launch, at);
        assert_eq!(first, again, "evaluation is not deterministic for {launch:?}");
        let Ok(first) = first else { continue };
        let mut norm = String::new();
        let facts = normalize_launch(*platform, &launch.path, &mut norm);
        if facts.is_resolved() && !norm.is_empty() {
            let mut normalized = launch.clone();
            normalized.path = norm;
            let second = policy.evaluate(&normalized, at);
            assert_eq!(
                Ok(&first),
                second.as_ref(),
                "decision changes when the resolved path {:?} is given normalized as {:?}",
                launch.path,
                normalized.path
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let base = jitaccess::default_test_time();
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(launch) = Launch::from_json(text) {
            check(&launch, base);
            // Inside the helpdesk JIT window of corp.yaml.
            check(&launch, base + chrono::Duration::hours(327 * 24 + 10));
        }
    }
    let mut u = Unstructured::new(data);
    if let Ok(a) = ALaunch::arbitrary(&mut u) {
        let (launch, hour) = a.build();
        // Any hour within ~2 years of 2026-01-01, to reach JIT windows and schedules.
        check(&launch, base + chrono::Duration::hours(i64::from(hour % 17_520)));
    }
});
