//! Policy text (YAML and JSON) → `Policy` → `compile()`, `lint()`, and a few evaluations.
//!
//! Besides "never panics", checks that a loaded policy's document serializes to JSON that
//! loads again (the loader must accept what it produced).
#![no_main]

use jitaccess::{Launch, Policy};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn launches() -> &'static [Launch] {
    static L: OnceLock<Vec<Launch>> = OnceLock::new();
    L.get_or_init(|| {
        [
            r#"{"user":{"name":"CORP\\alice","groups":["CORP\\IT Admins"]},"computer":{"name":"HD-01","tags":["prod"]},
                "path":"C:\\Program Files\\Tools\\procmon64.exe",
                "signer":{"publisher":"Microsoft Corporation","valid":true},
                "version":{"productName":"Process Monitor","fileVersion":"4.0.1.0"}}"#,
            r#"{"user":{"name":"root","groups":["wheel"]},"path":"/opt/apps/x/bin/tool",
                "sha256":"499cf3973c308a15fa1f8fc4a27d53f781223618013ff1b9bef4fd087cefc16b",
                "clsid":"74246BFC-4C96-11D0-ABEF-0020AF6B0B7A"}"#,
            r#"{"path":"C:\\PROGRA~1\\x.exe"}"#,
        ]
        .iter()
        .filter_map(|t| Launch::from_json(t).ok())
        .collect()
    })
}

fn exercise(policy: &Policy) {
    let _ = policy.lint();
    let compiled = policy.compile();
    let at = jitaccess::default_test_time();
    for launch in launches() {
        let _ = compiled.evaluate(launch, at);
    }
    // What the loader accepted must survive a JSON round trip through the document model.
    if let Ok(json) = serde_json_text(policy) {
        if let Err(e) = Policy::from_json(&json) {
            panic!("document of a loaded policy does not load again: {e}\n{json}");
        }
    }
}

fn serde_json_text(policy: &Policy) -> Result<String, serde_json::Error> {
    serde_json::to_string(policy.document())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(policy) = Policy::from_yaml(&text) {
        exercise(&policy);
    }
    if let Ok(policy) = Policy::from_json(&text) {
        exercise(&policy);
    }
});
