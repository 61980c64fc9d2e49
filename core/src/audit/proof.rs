//! Inclusion proofs of one record that check on their own (audit.md): the record line, its
//! index, the audit path and the signed checkpoint it is proven against, as one JSON object.
//!
//! ```json
//! {"checkpoint":"<signed note>","hashes":["<base64>",...],"index":5,
//!  "record":"<the log line>","schema":"jitaccess.audit.proof/1","treeSize":12}
//! ```

use std::path::Path;

use serde_json::{Map, Value};

use super::merkle::{self, Hash};
use super::note::{Checkpoint, VerifierKey};
use super::record::Record;
use super::verify::scan;
use super::{AuditError, b64, checkpoints_path, jcs};

/// The schema string of proofs.
pub const PROOF_SCHEMA: &str = "jitaccess.audit.proof/1";

/// An inclusion proof of one record against a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Proof {
    /// The record line (without newline).
    pub record: String,
    /// Its leaf index (= its `seq`).
    pub index: u64,
    /// The tree size of the checkpoint.
    pub tree_size: u64,
    /// The audit path.
    pub hashes: Vec<Hash>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

impl Proof {
    /// The proof as canonical JSON (one line).
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        m.insert("schema".into(), PROOF_SCHEMA.into());
        m.insert("record".into(), self.record.clone().into());
        m.insert("index".into(), self.index.into());
        m.insert("treeSize".into(), self.tree_size.into());
        m.insert(
            "hashes".into(),
            Value::Array(self.hashes.iter().map(|h| b64::encode(h).into()).collect()),
        );
        m.insert("checkpoint".into(), self.checkpoint.clone().into());
        let mut out = String::new();
        // Indices and sizes below 2^53 always encode; a larger one cannot come from a log.
        if jcs::write_map(&mut out, &m).is_err() {
            return serde_json::to_string(&Value::Object(m)).unwrap_or_default();
        }
        out
    }

    /// Parses a proof document.
    pub fn from_json(text: &str) -> Result<Proof, AuditError> {
        let bad = |why: &str| AuditError::Proof(why.to_string());
        let v: Value = serde_json::from_str(text).map_err(|e| bad(&format!("not JSON: {e}")))?;
        if v.get("schema").and_then(Value::as_str) != Some(PROOF_SCHEMA) {
            return Err(bad("schema is not \"jitaccess.audit.proof/1\""));
        }
        let s = |f: &str| {
            v.get(f)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad(&format!("'{f}' is missing or not a string")))
        };
        let n = |f: &str| {
            v.get(f)
                .and_then(Value::as_u64)
                .ok_or_else(|| bad(&format!("'{f}' is missing or not an integer")))
        };
        let hashes = v
            .get("hashes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("'hashes' is missing or not a list"))?
            .iter()
            .map(|h| {
                h.as_str()
                    .and_then(b64::decode)
                    .and_then(|b| Hash::try_from(b).ok())
                    .ok_or_else(|| bad("a hash is not 32 bytes of base64"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Proof {
            record: s("record")?,
            index: n("index")?,
            tree_size: n("treeSize")?,
            hashes,
            checkpoint: s("checkpoint")?,
        })
    }

    /// Checks the proof alone against a public key: the checkpoint is signed by the key, the
    /// record is a valid canonical record whose `seq` is the index, and the audit path leads
    /// from the record to the checkpoint's root. Returns the record and the checkpoint.
    ///
    /// ```
    /// use jitaccess::audit::{prove, Proof, SignerKey, Writer, WriterOptions};
    /// let dir = std::env::temp_dir().join(format!("jitaccess-doc-proof-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let log = dir.join("audit.log");
    /// # let _ = std::fs::remove_file(&log); let _ = std::fs::remove_file(dir.join("audit.log.checkpoints"));
    /// let key = SignerKey::generate("doc").unwrap();
    /// let mut w = Writer::open(&log, key.clone(), WriterOptions::default()).unwrap();
    /// let event: jitaccess::lifecycle::Event = serde_json::from_str(
    ///     r#"{"type":"policy.loaded","time":"2026-01-01T00:00:00Z","actor":{"kind":"system"}}"#).unwrap();
    /// for _ in 0..5 { w.append(&event).unwrap(); }
    /// w.close().unwrap();
    /// let proof = prove(&log, 3).unwrap();
    /// let (record, cp) = Proof::from_json(&proof.to_json()).unwrap().check(&key.verifier()).unwrap();
    /// assert_eq!((record.seq(), cp.size), (3, 5));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn check(&self, key: &VerifierKey) -> Result<(Record, Checkpoint), AuditError> {
        let text = key.open(&self.checkpoint)?;
        let cp = Checkpoint::parse(text)?;
        if cp.size != self.tree_size {
            return Err(AuditError::Proof(format!(
                "treeSize {} is not the checkpoint's size {}",
                self.tree_size, cp.size
            )));
        }
        let record = Record::parse_line(&self.record)?;
        if record.seq() != self.index {
            return Err(AuditError::Proof(format!(
                "the record's seq {} is not the proof's index {}",
                record.seq(),
                self.index
            )));
        }
        merkle::verify_inclusion(
            &merkle::leaf_hash(self.record.as_bytes()),
            self.index,
            self.tree_size,
            &self.hashes,
            &cp.root,
        )
        .map_err(|e| AuditError::Proof(format!("the inclusion proof does not verify: {e}")))?;
        Ok((record, cp))
    }
}

/// The inclusion proof of record `seq` of the log at `log` against its latest checkpoint.
/// Fails when the record is not sealed yet or the log does not match its checkpoints.
pub fn prove(log: &Path, seq: u64) -> Result<Proof, AuditError> {
    let data = std::fs::read(log).map_err(|e| AuditError::io(log, e))?;
    let cp_path = checkpoints_path(log);
    let cps = std::fs::read(&cp_path).map_err(|e| AuditError::io(&cp_path, e))?;
    let s = scan(&data, &cps, None, true);
    if let Some(p) = &s.report.problem {
        return Err(AuditError::Proof(format!(
            "{}: the log does not verify ({p}), so no proof is given; \
             `jitaccess audit verify` shows the full report",
            log.display()
        )));
    }
    let (Some(cp), Some(note), Some(leaves)) = (s.last, s.last_note, s.leaves) else {
        return Err(AuditError::Proof(format!(
            "{}: the log has no checkpoint yet",
            log.display()
        )));
    };
    let size = cp.size;
    let records = leaves.len() as u64;
    if seq >= records {
        return Err(AuditError::Proof(format!(
            "{}: there is no record {seq}: the log holds {records} records{}",
            log.display(),
            if records == 0 {
                String::new()
            } else {
                format!(" (0-{})", records - 1)
            }
        )));
    }
    if seq >= size {
        return Err(AuditError::Proof(format!(
            "{}: record {seq} is not sealed yet: {}",
            log.display(),
            if size == 0 {
                "no checkpoint covers any record".to_string()
            } else {
                format!("the latest checkpoint covers records 0-{}", size - 1)
            }
        )));
    }
    let sealed = leaves.get(..size as usize).unwrap_or(&leaves);
    let hashes = merkle::inclusion_proof(sealed, seq).ok_or_else(|| {
        AuditError::Proof(format!("{}: record {seq} is not in the log", log.display()))
    })?;
    let line = data
        .split(|&b| b == b'\n')
        .nth(seq as usize)
        .and_then(|l| std::str::from_utf8(l).ok())
        .ok_or_else(|| {
            AuditError::Proof(format!("{}: record {seq} is not in the log", log.display()))
        })?;
    Ok(Proof {
        record: line.to_string(),
        index: seq,
        tree_size: size,
        hashes,
        checkpoint: note,
    })
}
