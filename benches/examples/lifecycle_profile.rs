//! Drives submit → approve in memory for profiling:
//! `valgrind --tool=callgrind target/release/examples/lifecycle_profile 20000`.
//! A second argument `file` or `group` runs the same loop over a `FileStore` in a temporary
//! directory (one `fdatasync` per command, or group commit) for its instruction count.
//! `LIFECYCLE_PROFILE_COMPUTERS=distinct` gives every request its own computer name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use jitaccess::lifecycle::{Engine, FileStore, NullSink, SubmitArgs};
use jitaccess::{Launch, Policy};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let policy = Policy::from_yaml(
        "apiVersion: jitaccess/v1\nname: p\napplications: [{ id: tool, vendor: Contoso, product: Tool }]\nprivilegeLists: [{ id: req, elevation: onRequest, applications: [tool] }]\n",
    )
    .unwrap()
    .compile();
    let dir = std::env::temp_dir().join(format!("lifecycle_profile_{}", std::process::id()));
    let engine = match std::env::args().nth(2).as_deref() {
        None => Engine::in_memory(policy),
        Some(kind) => {
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("journal");
            let store = match kind {
                "file" => FileStore::open(&path).unwrap(),
                "group" => FileStore::open_group_commit(&path).unwrap(),
                other => panic!("unknown store '{other}' (file or group)"),
            };
            Engine::new(policy, Box::new(store), Box::new(NullSink)).unwrap()
        }
    };
    let at: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
    let template = Launch::from_json(r#"{"user":{"name":"CORP\\u"},"computer":{"name":"PC"},"path":"C:\\Program Files\\Contoso\\tool.exe","signer":{"publisher":"Contoso","valid":true},"version":{"productName":"Tool"}}"#).unwrap();
    // `LIFECYCLE_PROFILE_COMPUTERS=distinct`: every request from its own computer (as the
    // criterion bench), instead of one computer for all.
    let distinct_computers =
        std::env::var("LIFECYCLE_PROFILE_COMPUTERS").is_ok_and(|v| v == "distinct");
    let start = std::time::Instant::now();
    for u in 0..n {
        let mut l = template.clone();
        if let Some(user) = l.user.as_mut() {
            user.name = Some(format!("CORP\\user{u}"));
        }
        if distinct_computers && let Some(c) = l.computer.as_mut() {
            c.name = Some(format!("PC-{u}"));
        }
        let id = format!("r{u}");
        engine
            .submit(
                SubmitArgs::new(id.clone(), l, None, Some("ticket 42".into())),
                at,
            )
            .unwrap();
        engine.approve(&id, "CORP\\admin", None, at).unwrap();
    }
    let e = start.elapsed();
    println!(
        "{n} submit+approve pairs in {e:?}: {:.0} pairs/s",
        n as f64 / e.as_secs_f64()
    );
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
}
