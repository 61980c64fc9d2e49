//! SIEM exports of records (audit.md "Exports"): OCSF 1.8 JSON, ArcSight CEF and Elastic ECS
//! JSON. Every export carries the record's `seq` and the SHA-256 of its original line (OCSF
//! also the line itself), enough to find the line and prove it with `jitaccess audit prove`.
//! The mapping table is in `docs/audit.md`.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::b64;
use super::record::Record;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// OCSF 1.8 JSON, one event object per line.
    Ocsf,
    /// ArcSight Common Event Format, one line per record.
    Cef,
    /// Elastic Common Schema JSON, one document per line.
    Ecs,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ocsf" => Ok(Format::Ocsf),
            "cef" => Ok(Format::Cef),
            "ecs" => Ok(Format::Ecs),
            _ => Err(format!(
                "unknown export format '{s}' (expected ocsf, cef or ecs)"
            )),
        }
    }
}

/// The product version in exports.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// OCSF class, activity and names of an event type: (class_uid, category_uid, activity_id,
/// class name, activity name).
pub fn ocsf_class(event_type: &str) -> (u32, u32, u32, &'static str, &'static str) {
    const UAM: (u32, u32, &str) = (3005, 3, "User Access Management");
    let (class, cat, cname) = match event_type {
        "elevation.performed" | "elevation.denied" => (1007, 1, "Process Activity"),
        "policy.loaded" | "settings.changed" => (3004, 3, "Entity Management"),
        _ => UAM,
    };
    let (activity, aname) = match event_type {
        "request.approved" | "grant.created" => (1, "Assign Privileges"),
        "grant.expired" | "grant.revoked" | "grant.relinquished" => (2, "Revoke Privileges"),
        "elevation.performed" | "elevation.denied" => (1, "Launch"),
        "policy.loaded" | "settings.changed" => (3, "Update"),
        _ => (99, "Other"),
    };
    (class, cat, activity, cname, aname)
}

fn sha256_hex(line: &str) -> String {
    b64::hex(&Sha256::digest(line.as_bytes()))
}

fn millis(time: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn denied(t: &str) -> bool {
    matches!(t, "elevation.denied" | "request.declined")
}

fn severity(t: &str) -> (u32, &'static str) {
    match t {
        "elevation.denied" | "grant.revoked" => (3, "Medium"),
        "elevation.performed" | "request.approved" | "grant.created" => (2, "Low"),
        _ => (1, "Informational"),
    }
}

fn insert(m: &mut Map<String, Value>, k: &str, v: Option<&str>) {
    if let Some(v) = v {
        m.insert(k.to_string(), Value::String(v.to_string()));
    }
}

/// Exports one record line (as stored, without newline) in `format`.
///
/// ```
/// use jitaccess::audit::export::{export_line, Format};
/// let line = r#"{"actor":{"kind":"user","name":"CORP\\alice"},"requestId":"r1","schema":"jitaccess.audit/1","seq":4,"time":"2026-01-01T09:00:00Z","type":"request.submitted"}"#;
/// let ocsf: serde_json::Value = serde_json::from_str(&export_line(line, Format::Ocsf).unwrap()).unwrap();
/// assert_eq!(ocsf["metadata"]["sequence"], 4);
/// assert_eq!(ocsf["metadata"]["correlation_uid"], "r1");
/// assert_eq!(ocsf["raw_data"], line);
/// let cef = export_line(line, Format::Cef).unwrap();
/// assert!(cef.starts_with("CEF:0|jitaccess|jitaccess|"));
/// ```
pub fn export_line(line: &str, format: Format) -> Result<String, super::RecordError> {
    let r = Record::parse_line(line)?;
    Ok(match format {
        Format::Ocsf => ocsf(&r, line).to_string(),
        Format::Ecs => ecs(&r, line).to_string(),
        Format::Cef => cef(&r, line),
    })
}

fn ocsf(r: &Record, line: &str) -> Value {
    let t = r.event_type();
    let (class, cat, activity, cname, aname) = ocsf_class(t);
    let (sev, sev_name) = severity(t);
    let mut meta = Map::new();
    meta.insert("version".into(), "1.8.0".into());
    meta.insert(
        "product".into(),
        json!({"name": "jitaccess", "vendor_name": "jitaccess", "version": VERSION}),
    );
    meta.insert("sequence".into(), r.seq().into());
    meta.insert("uid".into(), r.seq().to_string().into());
    meta.insert("log_name".into(), "jitaccess.audit".into());
    meta.insert("event_code".into(), t.into());
    insert(&mut meta, "correlation_uid", r.str("requestId"));
    insert(&mut meta, "original_time", r.str("time"));
    let mut e = Map::new();
    e.insert("class_uid".into(), class.into());
    e.insert("class_name".into(), cname.into());
    e.insert("category_uid".into(), cat.into());
    e.insert("activity_id".into(), activity.into());
    e.insert(
        "activity_name".into(),
        if activity == 99 {
            t.into()
        } else {
            aname.into()
        },
    );
    e.insert(
        "type_uid".into(),
        (u64::from(class) * 100 + u64::from(activity)).into(),
    );
    e.insert("severity_id".into(), sev.into());
    e.insert("severity".into(), sev_name.into());
    e.insert(
        "time".into(),
        millis(r.str("time").unwrap_or("")).unwrap_or(0).into(),
    );
    let ok = !denied(t);
    e.insert("status_id".into(), (if ok { 1 } else { 2 }).into());
    e.insert(
        "status".into(),
        (if ok { "Success" } else { "Failure" }).into(),
    );
    if class == 1007 {
        e.insert("action_id".into(), (if ok { 1 } else { 2 }).into());
        e.insert("disposition_id".into(), (if ok { 1 } else { 2 }).into());
        e.insert(
            "disposition".into(),
            (if ok { "Allowed" } else { "Blocked" }).into(),
        );
    }
    e.insert("metadata".into(), Value::Object(meta));
    let mut actor_user = Map::new();
    insert(&mut actor_user, "name", r.nested("actor", "name"));
    insert(&mut actor_user, "type", r.nested("actor", "kind"));
    e.insert("actor".into(), json!({ "user": actor_user }));
    let mut user = Map::new();
    insert(&mut user, "name", r.nested("subject", "name"));
    insert(&mut user, "uid", r.nested("subject", "sid"));
    if !user.is_empty() {
        e.insert("user".into(), Value::Object(user));
    }
    if let Some(host) = r.nested("computer", "name") {
        e.insert("device".into(), json!({"hostname": host, "type_id": 0}));
    }
    if let Some(path) = r.nested("application", "path") {
        let mut file = Map::new();
        file.insert("path".into(), path.into());
        let name = path.rsplit(['\\', '/']).next().unwrap_or(path);
        file.insert("name".into(), name.into());
        if let Some(h) = r.nested("application", "sha256") {
            file.insert(
                "hashes".into(),
                json!([{"algorithm_id": 3, "algorithm": "SHA-256", "value": h}]),
            );
        }
        insert(&mut file, "version", r.nested("application", "fileVersion"));
        if class == 1007 {
            e.insert("process".into(), json!({ "file": file }));
        } else {
            e.insert(
                "resources".into(),
                json!([{"name": path, "type": "application"}]),
            );
        }
    }
    if class == 3005 {
        e.insert("privileges".into(), json!(["administrator"]));
    }
    if class == 3004 {
        let mut entity = Map::new();
        entity.insert("type".into(), "policy".into());
        insert(&mut entity, "name", r.nested("policy", "name"));
        insert(&mut entity, "uid", r.nested("policy", "sha256"));
        e.insert("entity".into(), Value::Object(entity));
    }
    let msg = [r.str("reason"), r.str("comment"), r.str("justification")]
        .into_iter()
        .flatten()
        .next();
    insert(&mut e, "message", msg);
    let mut unmapped = Map::new();
    for k in [
        "rule",
        "duration",
        "notBefore",
        "notAfter",
        "justification",
        "comment",
        "reason",
    ] {
        insert(&mut unmapped, k, r.str(k));
    }
    if let Some(p) = r.as_map().get("policy") {
        unmapped.insert("policy".into(), p.clone());
    }
    if !unmapped.is_empty() {
        e.insert("unmapped".into(), Value::Object(unmapped));
    }
    e.insert("raw_data".into(), line.into());
    e.insert(
        "raw_data_hash".into(),
        json!({"algorithm_id": 3, "algorithm": "SHA-256", "value": sha256_hex(line)}),
    );
    Value::Object(e)
}

fn ecs(r: &Record, line: &str) -> Value {
    let t = r.event_type();
    let (category, kinds): (&str, &[&str]) = match t {
        "elevation.performed" => ("process", &["start", "allowed"]),
        "elevation.denied" => ("process", &["start", "denied"]),
        "policy.loaded" | "settings.changed" => ("configuration", &["change"]),
        "request.submitted" => ("iam", &["user", "creation"]),
        "request.approved" | "grant.created" => ("iam", &["user", "admin", "allowed"]),
        "request.declined" => ("iam", &["user", "denied"]),
        _ => ("iam", &["user", "change"]),
    };
    let mut event = Map::new();
    event.insert("kind".into(), "event".into());
    event.insert("category".into(), json!([category]));
    event.insert("type".into(), json!(kinds));
    event.insert("action".into(), t.into());
    event.insert(
        "outcome".into(),
        (if denied(t) { "failure" } else { "success" }).into(),
    );
    event.insert("sequence".into(), r.seq().into());
    event.insert("original".into(), line.into());
    event.insert("hash".into(), sha256_hex(line).into());
    event.insert("dataset".into(), "jitaccess.audit".into());
    event.insert("module".into(), "jitaccess".into());
    event.insert("severity".into(), severity(t).0.into());
    insert(&mut event, "reason", r.str("reason"));
    let mut doc = Map::new();
    insert(&mut doc, "@timestamp", r.str("time"));
    doc.insert("ecs".into(), json!({"version": "8.11.0"}));
    doc.insert("event".into(), Value::Object(event));
    let mut user = Map::new();
    insert(&mut user, "name", r.nested("actor", "name"));
    let mut target = Map::new();
    insert(&mut target, "name", r.nested("subject", "name"));
    insert(&mut target, "id", r.nested("subject", "sid"));
    if !target.is_empty() {
        user.insert("target".into(), Value::Object(target));
    }
    if !user.is_empty() {
        doc.insert("user".into(), Value::Object(user));
    }
    if let Some(h) = r.nested("computer", "name") {
        doc.insert("host".into(), json!({ "name": h }));
    }
    if let Some(path) = r.nested("application", "path") {
        let mut p = Map::new();
        p.insert("executable".into(), path.into());
        if let Some(h) = r.nested("application", "sha256") {
            p.insert("hash".into(), json!({ "sha256": h }));
        }
        doc.insert("process".into(), Value::Object(p));
    }
    if let Some(rule) = r.str("rule") {
        doc.insert("rule".into(), json!({ "name": rule }));
    }
    let mut ja = Map::new();
    for (k, f) in [
        ("request_id", "requestId"),
        ("justification", "justification"),
        ("comment", "comment"),
        ("duration", "duration"),
        ("not_before", "notBefore"),
        ("not_after", "notAfter"),
    ] {
        insert(&mut ja, k, r.str(f));
    }
    insert(&mut ja, "actor_kind", r.nested("actor", "kind"));
    insert(&mut ja, "actor_rule", r.nested("actor", "rule"));
    if let Some(p) = r.as_map().get("policy") {
        ja.insert("policy".into(), p.clone());
    }
    doc.insert("jitaccess".into(), Value::Object(ja));
    Value::Object(doc)
}

/// Escapes a CEF header field: `\` and `|`; line breaks become spaces.
pub fn cef_header_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '|' => o.push_str("\\|"),
            '\r' | '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Escapes a CEF extension value: `\`, `=`, and line breaks as `\n` / `\r`.
pub fn cef_value_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '=' => o.push_str("\\="),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

fn cef(r: &Record, line: &str) -> String {
    let t = r.event_type();
    let sev = match severity(t).0 {
        3 => 6,
        2 => 3,
        _ => 1,
    };
    let mut ext: Vec<(&str, String)> = Vec::new();
    let mut add = |k: &'static str, v: Option<&str>| {
        if let Some(v) = v {
            ext.push((k, v.to_string()));
        }
    };
    add(
        "rt",
        millis(r.str("time").unwrap_or(""))
            .map(|m| m.to_string())
            .as_deref(),
    );
    add("act", Some(t));
    add(
        "outcome",
        Some(if denied(t) { "failure" } else { "success" }),
    );
    add("suser", r.nested("actor", "name"));
    add("duser", r.nested("subject", "name"));
    add("duid", r.nested("subject", "sid"));
    add("dhost", r.nested("computer", "name"));
    add("filePath", r.nested("application", "path"));
    add("fileHash", r.nested("application", "sha256"));
    add("reason", r.str("reason"));
    add("msg", r.str("justification"));
    add("externalId", Some(&r.seq().to_string()));
    let seq = r.seq().to_string();
    let hash = sha256_hex(line);
    let labelled: [(&'static str, &'static str, &'static str, Option<&str>); 7] = [
        ("cn1Label", "seq", "cn1", Some(&seq)),
        ("cs1Label", "requestId", "cs1", r.str("requestId")),
        ("cs2Label", "rawDataSha256", "cs2", Some(&hash)),
        ("cs3Label", "rule", "cs3", r.str("rule")),
        ("cs4Label", "comment", "cs4", r.str("comment")),
        ("cs5Label", "policy", "cs5", r.nested("policy", "name")),
        (
            "cs6Label",
            "policySha256",
            "cs6",
            r.nested("policy", "sha256"),
        ),
    ];
    for (lk, label, k, v) in labelled {
        if v.is_some() {
            add(lk, Some(label));
            add(k, v);
        }
    }
    let ext: Vec<String> = ext
        .into_iter()
        .map(|(k, v)| format!("{k}={}", cef_value_escape(&v)))
        .collect();
    format!(
        "CEF:0|jitaccess|jitaccess|{}|{}|{}|{}|{}",
        cef_header_escape(VERSION),
        cef_header_escape(t),
        cef_header_escape(&t.replace('.', " ")),
        sev,
        ext.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"actor":{"kind":"admin","name":"CORP\\bob"},"application":{"path":"C:\\Tools\\procmon64.exe","sha256":"ab"},"comment":"a=b|c\nd","computer":{"name":"WS-1"},"policy":{"name":"corp","revision":3,"sha256":"cd"},"requestId":"r1","schema":"jitaccess.audit/1","seq":7,"subject":{"name":"CORP\\alice"},"time":"2026-01-01T09:00:00Z","type":"request.approved"}"#;

    #[test]
    fn every_type_has_a_class() {
        for t in [
            "request.submitted",
            "request.approved",
            "request.declined",
            "request.cancelled",
            "request.timedOut",
            "grant.created",
            "grant.expired",
            "grant.revoked",
            "grant.relinquished",
            "elevation.performed",
            "elevation.denied",
            "policy.loaded",
            "settings.changed",
        ] {
            let (class, cat, act, _, _) = ocsf_class(t);
            assert_eq!(class / 1000, cat, "{t}");
            assert!(act == 99 || act <= 3, "{t}");
            let line = LINE.replace("request.approved", t);
            for f in [Format::Ocsf, Format::Ecs] {
                let v: Value = serde_json::from_str(&export_line(&line, f).unwrap()).unwrap();
                assert!(v.is_object());
            }
        }
    }

    #[test]
    fn ocsf_fields() {
        let v: Value = serde_json::from_str(&export_line(LINE, Format::Ocsf).unwrap()).unwrap();
        assert_eq!(v["class_uid"], 3005);
        assert_eq!(v["activity_id"], 1);
        assert_eq!(v["type_uid"], 300501);
        assert_eq!(v["metadata"]["sequence"], 7);
        assert_eq!(v["metadata"]["correlation_uid"], "r1");
        assert_eq!(v["raw_data"], LINE);
        assert_eq!(v["raw_data_hash"]["value"], sha256_hex(LINE));
        assert_eq!(v["time"], 1_767_258_000_000i64);
        assert_eq!(v["user"]["name"], "CORP\\alice");
    }

    #[test]
    fn cef_escaping() {
        let c = export_line(LINE, Format::Cef).unwrap();
        assert!(!c.contains('\n'));
        assert!(c.contains("cs4=a\\=b|c\\nd"), "{c}");
        assert!(c.contains("suser=CORP\\\\bob"), "{c}");
        assert_eq!(cef_header_escape("a|b\\c\nd"), "a\\|b\\\\c d");
        assert!(c.contains(&format!("cs2={}", sha256_hex(LINE))));
    }

    #[test]
    fn ecs_fields() {
        let v: Value = serde_json::from_str(&export_line(LINE, Format::Ecs).unwrap()).unwrap();
        assert_eq!(v["@timestamp"], "2026-01-01T09:00:00Z");
        assert_eq!(v["event"]["sequence"], 7);
        assert_eq!(v["event"]["original"], LINE);
        assert_eq!(v["user"]["target"]["name"], "CORP\\alice");
        assert_eq!(v["host"]["name"], "WS-1");
    }
}
