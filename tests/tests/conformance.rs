//! Every conformance vector of `../shared/vectors/` passes through the Rust API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

fn run(name: &str) {
    let report = jitaccess::testfile::run_file(vectors().join(name)).unwrap_or_else(|e| panic!("{e}"));
    let failures: Vec<String> = report
        .results
        .iter()
        .filter(|r| !r.passed)
        .map(|r| format!("{}: {}", r.name, r.message.clone().unwrap_or_default()))
        .collect();
    assert!(failures.is_empty(), "{name}: {failures:#?}");
    assert!(report.passed > 0, "{name} ran no test");
}

#[test]
fn decisions() {
    run("decisions.yaml");
}
