//! `source::parse` (YAML and JSON) with default limits; for JSON that both this parser and
//! `serde_json` accept, the trees must be equal.
#![no_main]

use jitaccess::source::{parse, Format, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let limits = Limits::default();
    if let Ok(node) = parse(&text, Format::Yaml, &limits) {
        let _ = node.to_json();
    }
    if let Ok(node) = parse(&text, Format::Json, &limits) {
        let ours = node.to_json();
        if let Ok(theirs) = serde_json::from_str::<serde_json::Value>(&text) {
            assert_eq!(ours, theirs, "JSON trees differ for {text:?}");
        }
    }
});
