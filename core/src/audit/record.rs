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
