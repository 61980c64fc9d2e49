//! `paths::normalize_launch` on every platform (idempotent text; a relative path stays
//! relative, a resolved one stays resolved) and `paths::parse_rule_path` (never panics; a
//! parsed rule renders to text that parses to the same rule).
#![no_main]

use jitaccess::paths::{normalize_launch, parse_rule_path, Platform, Unresolved, Variables};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const PLATFORMS: [Platform; 3] = [Platform::Windows, Platform::Macos, Platform::Linux];

fn vars() -> &'static [Variables; 3] {
    static V: OnceLock<[Variables; 3]> = OnceLock::new();
    V.get_or_init(|| {
        [
            Variables::new(Platform::Windows, [("Tools", r"D:\Tools"), ("Weird", r"..\a b.\%x%")]),
            Variables::new(Platform::Macos, [("APPS", "/Applications"), ("Weird", "../a/$x")]),
            Variables::new(Platform::Linux, [("APPS", "/opt/apps"), ("Weird", "../a/$x")]),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    for (i, platform) in PLATFORMS.into_iter().enumerate() {
        let mut once = String::new();
        let facts = normalize_launch(platform, &input, &mut once);
        let mut twice = String::new();
        let facts2 = normalize_launch(platform, &once, &mut twice);
        assert_eq!(once, twice, "{platform}: normalization is not idempotent for {input:?}");
        if facts.unresolved == Some(Unresolved::Relative) {
            assert_eq!(
                facts2.unresolved,
                Some(Unresolved::Relative),
                "{platform}: relative {input:?} normalizes to {once:?}, which is not relative"
            );
        }
        if facts.is_resolved() {
            assert_eq!(facts, facts2, "{platform}: facts change on renormalizing {input:?} → {once:?}");
        }
        let _ = jitaccess::paths::components(platform, &once).count();
        let _ = jitaccess::paths::file_name(platform, &once);

        let vars = &vars()[i];
        if let Ok(rule) = parse_rule_path(platform, &input, vars) {
            let _ = jitaccess::paths::is_user_writable(platform, &rule);
            let rendered = rule.render(platform);
            // The rendered text may contain the text of variable values; parse it without
            // expanding anything the original did not.
            let plain = Variables::new(platform, std::iter::empty::<(&str, &str)>());
            if !rendered.contains(['%', '$']) {
                match parse_rule_path(platform, &rendered, &plain) {
                    Ok(again) => assert_eq!(
                        rule, again,
                        "{platform}: rule {input:?} renders as {rendered:?}, which parses differently"
                    ),
                    Err(e) => panic!("{platform}: rule {input:?} renders as {rendered:?}, which is rejected: {e}"),
                }
            }
        }
    }
});
