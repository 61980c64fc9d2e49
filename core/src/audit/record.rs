//! Audit records (audit.md "Records"): schema `jitaccess.audit/1`, one canonical JSON line each.

use serde_json::{Map, Value};

use super::jcs;
use crate::lifecycle::Event;

/// The schema string of version 1 records.
pub const SCHEMA: &str = "jitaccess.audit/1";

/// Why a line is not a valid record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Not JSON, or not an object.
    #[error("not a JSON object: {0}")]
    Json(String),
    /// Valid JSON but not in canonical (RFC 8785) form.
    #[error("not in canonical form (RFC 8785)")]
    NotCanonical,
    /// No canonical form (a float or a too large integer).
    #[error("{0}")]
    Jcs(#[from] jcs::JcsError),
    /// The schema is missing or of another major version.
    #[error("schema is {0}, expected \"jitaccess.audit/1\"")]
    Schema(String),
    /// A required field is missing or of the wrong type.
    #[error("field '{0}' is missing or not {1}")]
    Field(&'static str, &'static str),
}

/// A record: the event's fields plus `schema` and `seq`, as a JSON object.
///
/// ```
/// use jitaccess::audit::Record;
/// let line = r#"{"actor":{"kind":"system"},"schema":"jitaccess.audit/1","seq":0,"time":"2026-01-01T00:00:00Z","type":"policy.loaded"}"#;
/// let r = Record::parse_line(line).unwrap();
/// assert_eq!(r.seq(), 0);
/// assert_eq!(r.event_type(), "policy.loaded");
/// assert_eq!(r.to_line().unwrap(), line);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    value: Map<String, Value>,
}

impl Record {
    /// The record of an event at position `seq` of the log.
    pub fn from_event(event: &Event, seq: u64) -> Result<Record, RecordError> {
        let v = serde_json::to_value(event).map_err(|e| RecordError::Json(e.to_string()))?;
        let Value::Object(mut map) = v else {
            return Err(RecordError::Json("an event is not an object".into()));
        };
        // audit.md: computer is {name}.
        if let Some(Value::String(name)) = map.remove("computer") {
            let mut c = Map::new();
            c.insert("name".into(), Value::String(name));
            map.insert("computer".into(), Value::Object(c));
        }
        map.insert("schema".into(), Value::String(SCHEMA.into()));
        map.insert("seq".into(), Value::from(seq));
        Ok(Record { value: map })
    }

    /// Parses and validates one log line (without its newline): a JSON object in canonical
    /// form, schema `jitaccess.audit/1`, an integer `seq`, string `type` and `time`.
    pub fn parse_line(line: &str) -> Result<Record, RecordError> {
        let v: Value = serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))?;
        let Value::Object(map) = v else {
            return Err(RecordError::Json("the line is not an object".into()));
        };
        let r = Record { value: map };
        if r.to_line()? != line {
            return Err(RecordError::NotCanonical);
        }
        match r.value.get("schema") {
            Some(Value::String(s)) if s == SCHEMA => {}
            Some(other) => return Err(RecordError::Schema(other.to_string())),
            None => return Err(RecordError::Field("schema", "a string")),
        }
        if !r.value.get("seq").is_some_and(Value::is_u64) {
            return Err(RecordError::Field("seq", "a non-negative integer"));
        }
        for f in ["type", "time"] {
            if !r.value.get(f).is_some_and(Value::is_string) {
                return Err(RecordError::Field(
                    if f == "type" { "type" } else { "time" },
                    "a string",
                ));
            }
        }
        Ok(r)
    }

    /// The canonical line (no newline).
    pub fn to_line(&self) -> Result<String, RecordError> {
        let mut out = String::with_capacity(384);
        write_object(&mut out, &self.value)?;
        Ok(out)
    }

    /// The sequence number (0 if missing, which [`Record::parse_line`] never lets through).
    pub fn seq(&self) -> u64 {
        self.value.get("seq").and_then(Value::as_u64).unwrap_or(0)
    }

    /// The event type, e.g. `request.approved`.
    pub fn event_type(&self) -> &str {
        self.str("type").unwrap_or("")
    }

    /// A top-level string field.
    pub fn str(&self, field: &str) -> Option<&str> {
        self.value.get(field).and_then(Value::as_str)
    }

    /// A string field of a nested object, e.g. `("subject", "name")`.
    pub fn nested(&self, object: &str, field: &str) -> Option<&str> {
        self.value.get(object)?.get(field)?.as_str()
    }

    /// The record as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.value
    }
}

/// Writes the canonical line of `event` at `seq` directly, without a JSON tree: the members
/// of every object are written in their sorted order. The same bytes as
/// `Record::from_event(event, seq)?.to_line()` (tested), several times faster.
pub(crate) fn event_line(out: &mut String, event: &Event, seq: u64) -> Result<(), RecordError> {
    use crate::lifecycle::ActorKind;
    use jcs::write_string as ws;
    struct Obj<'a> {
        out: &'a mut String,
        first: bool,
    }
    impl Obj<'_> {
        fn key(&mut self, k: &str) {
            if !self.first {
                self.out.push(',');
            }
            self.first = false;
            self.out.push('"');
            self.out.push_str(k);
            self.out.push_str("\":");
        }
        fn s(&mut self, k: &str, v: Option<&str>) {
            if let Some(v) = v {
                self.key(k);
                ws(self.out, v);
            }
        }
    }
    fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
        t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
    out.push('{');
    let mut o = Obj { out, first: true };
    o.key("actor");
    {
        o.out.push('{');
        let mut a = Obj {
            out: &mut *o.out,
            first: true,
        };
        a.key("kind");
        a.out.push_str(match event.actor.kind {
            ActorKind::User => "\"user\"",
            ActorKind::Admin => "\"admin\"",
            ActorKind::Policy => "\"policy\"",
            ActorKind::System => "\"system\"",
        });
        a.s("name", event.actor.name.as_deref());
        a.s("rule", event.actor.rule.as_deref());
        o.out.push('}');
    }
    if let Some(app) = &event.application {
        o.key("application");
        o.out.push('{');
        let mut a = Obj {
            out: &mut *o.out,
            first: true,
        };
        a.s("fileVersion", app.file_version.as_deref());
        a.s("path", app.path.as_deref());
        a.s("product", app.product.as_deref());
        a.s("publisher", app.publisher.as_deref());
        a.s("sha256", app.sha256.as_deref());
        o.out.push('}');
    }
    o.s("comment", event.comment.as_deref());
    if let Some(c) = &event.computer {
        o.key("computer");
        o.out.push_str("{\"name\":");
        ws(o.out, c);
        o.out.push('}');
    }
    o.s("duration", event.duration.as_deref());
    o.s("justification", event.justification.as_deref());
    o.s("notAfter", event.not_after.as_ref().map(time).as_deref());
    o.s("notBefore", event.not_before.as_ref().map(time).as_deref());
    if let Some(p) = &event.policy {
        o.key("policy");
        o.out.push('{');
        let mut a = Obj {
            out: &mut *o.out,
            first: true,
        };
        a.s("name", Some(&p.name));
        if let Some(r) = p.revision {
            if r.unsigned_abs() > jcs::MAX_SAFE_INTEGER {
                return Err(jcs::JcsError::Number(r.to_string()).into());
            }
            a.key("revision");
            a.out.push_str(&r.to_string());
        }
        a.s("sha256", p.sha256.as_deref());
        o.out.push('}');
    }
    o.s("reason", event.reason.as_deref());
    o.s("requestId", event.request_id.as_deref());
    o.s("rule", event.rule.as_deref());
    o.key("schema");
    ws(o.out, SCHEMA);
    if seq > jcs::MAX_SAFE_INTEGER {
        return Err(jcs::JcsError::Number(seq.to_string()).into());
    }
    o.key("seq");
    o.out.push_str(&seq.to_string());
    if let Some(sub) = &event.subject {
        o.key("subject");
        o.out.push('{');
        let mut a = Obj {
            out: &mut *o.out,
            first: true,
        };
        a.s("name", sub.name.as_deref());
        a.s("sid", sub.sid.as_deref());
        o.out.push('}');
    }
    o.s("time", Some(&time(&event.time)));
    o.s("type", Some(event.kind.as_str()));
    out.push('}');
    Ok(())
}

fn write_object(out: &mut String, map: &Map<String, Value>) -> Result<(), jcs::JcsError> {
    jcs::write_map(out, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{Actor, ActorKind, EventType};

    #[test]
    fn from_event_is_canonical_and_round_trips() {
        let actor: Actor = serde_json::from_str(r#"{"kind":"admin","name":"CORP\\bob"}"#).unwrap();
        assert_eq!(actor.kind, ActorKind::Admin);
        let mut e: Event = serde_json::from_value(serde_json::json!({
            "type": "request.approved", "time": "2026-01-01T09:00:00Z",
            "requestId": "r1", "actor": {"kind":"admin","name":"CORP\\bob"},
            "computer": "WS-1", "comment": "ok \"quoted\" \u{e9}\n"
        }))
        .unwrap();
        assert_eq!(e.kind, EventType::RequestApproved);
        e.justification = Some("ticket 1".into());
        let r = Record::from_event(&e, 7).unwrap();
        let line = r.to_line().unwrap();
        assert!(line.starts_with(r#"{"actor":{"kind":"admin","name":"CORP\\bob"},"comment":"#));
        assert!(line.contains(r#""computer":{"name":"WS-1"}"#));
        assert!(line.contains(r#""schema":"jitaccess.audit/1","seq":7,"time":"2026-01-01T09:00:00Z","type":"request.approved""#));
        let back = Record::parse_line(&line).unwrap();
        assert_eq!(back.seq(), 7);
        assert_eq!(back.nested("computer", "name"), Some("WS-1"));
    }

    /// The direct writer gives the bytes of the generic path, for events with every field,
    /// none, odd strings and fractional times.
    #[test]
    fn direct_writer_matches_the_generic_path() {
        let full = serde_json::json!({
            "type": "grant.created", "time": "2026-01-01T09:00:00.123456Z",
            "requestId": "r\u{1}1", "subject": {"name": "CORP\\al\"ice", "sid": "S-1"},
            "actor": {"kind":"policy","name":"n","rule":"auto/1"},
            "computer": "WS\u{e9}", "application": {"path":"C:\\x.exe","sha256":"ab","publisher":"P","product":"Q","fileVersion":"1.0"},
            "justification": "j\n", "comment": "c\u{7f}", "reason": "r\u{2028}", "duration": "4h",
            "notBefore": "2026-01-01T09:00:00Z", "notAfter": "2026-01-01T13:00:00.5Z", "rule": "a/b",
            "policy": {"name":"p","revision":-3,"sha256":"cd"}
        });
        let minimal = serde_json::json!({"type":"tick","time":"2026-01-01T00:00:00Z","actor":{"kind":"system"}});
        let empties = serde_json::json!({"type":"policy.loaded","time":"2026-01-01T00:00:00Z","actor":{"kind":"user"},
            "subject": {}, "application": {}, "policy": {"name": "p"}});
        for v in [full, empties] {
            let e: Event = serde_json::from_value(v).unwrap();
            for seq in [0u64, 7, 9_007_199_254_740_991] {
                let mut direct = String::new();
                event_line(&mut direct, &e, seq).unwrap();
                assert_eq!(
                    direct,
                    Record::from_event(&e, seq).unwrap().to_line().unwrap()
                );
                assert!(crate::audit::canon::check(&direct).is_some());
            }
            let mut s = String::new();
            assert!(event_line(&mut s, &e, 1 << 53).is_err());
        }
        assert!(
            serde_json::from_value::<Event>(minimal).is_err(),
            "unknown types are refused"
        );
    }

    #[test]
    fn bad_lines_are_refused_with_a_reason() {
        let ok = r#"{"schema":"jitaccess.audit/1","seq":1,"time":"t","type":"x"}"#;
        assert!(Record::parse_line(ok).is_ok());
        let cases = [
            (
                "{\"seq\":1, \"schema\":\"jitaccess.audit/1\",\"time\":\"t\",\"type\":\"x\"}",
                "canonical",
            ),
            (
                r#"{"seq":1,"schema":"jitaccess.audit/1","time":"t","type":"x"}"#,
                "canonical",
            ),
            (
                r#"{"schema":"jitaccess.audit/2","seq":1,"time":"t","type":"x"}"#,
                "schema",
            ),
            (
                r#"{"schema":"jitaccess.audit/1","seq":-1,"time":"t","type":"x"}"#,
                "seq",
            ),
            (
                r#"{"schema":"jitaccess.audit/1","seq":1.5,"time":"t","type":"x"}"#,
                "integer",
            ),
            (
                r#"{"schema":"jitaccess.audit/1","seq":1,"time":"t"}"#,
                "type",
            ),
            (r#"[1]"#, "object"),
            (
                r#"{"schema":"jitaccess.audit/1","seq":1,"time":"t","type":"x""#,
                "JSON",
            ),
        ];
        for (line, why) in cases {
            let e = Record::parse_line(line).unwrap_err().to_string();
            assert!(e.contains(why), "{line}: {e}");
        }
    }
}
