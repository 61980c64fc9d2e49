//! Every conformance vector of `../shared/vectors/` passes through the Rust API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

fn run(name: &str) {
    let report =
        jitaccess::testfile::run_file(vectors().join(name)).unwrap_or_else(|e| panic!("{e}"));
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

#[test]
fn lifecycle() {
    run("lifecycle.yaml");
}

/// Every `.yaml` in the vectors folder passes (new vectors are picked up automatically).
#[test]
fn every_vector_file() {
    let mut n = 0;
    for entry in std::fs::read_dir(vectors()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            run(path.file_name().unwrap().to_str().unwrap());
            n += 1;
        }
    }
    assert!(n >= 2, "found only {n} vector files");
}
