//! Full verification of a log against its checkpoints and a public key (audit.md "Log and
//! checkpoints"): every line parses and is canonical, `seq` is contiguous from 0, every checkpoint
//! is validly signed, its root equals the recomputed root at its size, successive checkpoints are
//! consistent (they never shrink and are all prefixes of the one log), and no sealed record is
//! missing. The report names the first bad line and the reason, and the unsealed tail.

use std::path::Path;

use super::merkle::{self, Frontier, Hash};
use super::note::{Checkpoint, VerifierKey};
use super::record::Record;
use super::{AuditError, checkpoints_path};

/// What is wrong, at the first place something is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A log line is not a valid canonical record.
    BadRecord,
    /// A record's `seq` is not its position: a line was inserted, deleted, duplicated or moved.
    Sequence,
    /// The recomputed root at a checkpoint's size is not the signed one: a sealed record changed.
    RootMismatch,
    /// The log has fewer records than a checkpoint seals.
    Truncated,
    /// A checkpoint is malformed, not signed by the key, or badly signed.
    BadCheckpoint,
    /// A checkpoint is smaller than the one before it, or of another origin.
    Inconsistent,
}

/// The first problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Its kind.
    pub kind: ProblemKind,
    /// The 1-based log line it is at (for checkpoint problems: the first line the checkpoint
    /// cannot vouch for), if any.
    pub line: Option<u64>,
    /// The 1-based index of the checkpoint involved, if any.
    pub checkpoint: Option<usize>,
    /// One sentence for a person.
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// The verification report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Complete records read (up to the first problem).
    pub records: u64,
    /// Valid checkpoints read.
    pub checkpoints: usize,
    /// Records covered by the last valid checkpoint.
    pub sealed: u64,
    /// The first problem, if any.
    pub problem: Option<Problem>,
    /// Bytes of a torn final log line (an append cut short by a crash), if any: reported, not
    /// an integrity failure, and repaired by opening the log with a [`super::Writer`].
    pub torn_tail: Option<u64>,
    /// Bytes of a torn final checkpoint (a checkpoint write cut short), if any.
    pub torn_checkpoint: Option<u64>,
    /// The root of all the complete records read.
    pub root: Hash,
}

impl Report {
    /// Records after the last checkpoint.
    pub fn unsealed(&self) -> u64 {
        self.records.saturating_sub(self.sealed)
    }

    /// Whether every record is intact and sealed and nothing is torn.
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
            && self.unsealed() == 0
            && self.torn_tail.is_none()
            && self.torn_checkpoint.is_none()
    }
}

/// The state after scanning a log: the report plus what a writer needs to continue.
pub(crate) struct Scan {
    pub report: Report,
    pub frontier: Frontier,
    pub last: Option<Checkpoint>,
    /// The byte length of the complete lines.
    pub good_len: u64,
    /// The byte length of the complete checkpoints.
    pub good_checkpoints_len: u64,
    pub leaves: Option<Vec<Hash>>,
    /// The signed note of the last valid checkpoint.
    pub last_note: Option<String>,
}

/// Splits a checkpoints file into complete notes (each followed by a blank line) and the byte
/// length of a torn remainder.
pub(crate) fn split_checkpoints(text: &str) -> (Vec<(usize, &str)>, usize) {
    let mut notes = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let Some(body_end) = rest.find("\n\n") else {
            break;
        };
        let after = &rest[body_end + 2..];
        let Some(sig_end) = after.find("\n\n") else {
            break;
        };
        let len = body_end + 2 + sig_end + 1;
        notes.push((pos, &rest[..len]));
        pos += len + 1;
    }
    (notes, text.len() - pos)
}

/// Verifies the log at `log` against `LOG.checkpoints` and `key`.
///
/// ```
/// use jitaccess::audit::{SignerKey, Writer, WriterOptions, verify};
/// use jitaccess::lifecycle::AuditSink;
/// let dir = std::env::temp_dir().join(format!("jitaccess-doc-verify-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let log = dir.join("audit.log");
/// # let _ = std::fs::remove_file(&log); let _ = std::fs::remove_file(dir.join("audit.log.checkpoints"));
/// let key = SignerKey::generate("doc").unwrap();
/// let mut w = Writer::open(&log, key.clone(), WriterOptions::default()).unwrap();
/// w.close().unwrap();
/// let report = verify(&log, &key.verifier()).unwrap();
/// assert!(report.is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn verify(log: &Path, key: &VerifierKey) -> Result<Report, AuditError> {
    let data = std::fs::read(log).map_err(|e| AuditError::io(log, e))?;
    let cp_path = checkpoints_path(log);
    let cps = match std::fs::read(&cp_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(AuditError::io(&cp_path, e)),
    };
    Ok(verify_bytes(&data, &cps, key))
}

/// Verifies a log and its checkpoints held in memory.
pub fn verify_bytes(log: &[u8], checkpoints: &[u8], key: &VerifierKey) -> Report {
    scan(log, checkpoints, Some(key), false).report
}

fn problem(
    kind: ProblemKind,
    line: Option<u64>,
    checkpoint: Option<usize>,
    reason: String,
) -> Option<Problem> {
    Some(Problem {
        kind,
        line,
        checkpoint,
        reason,
    })
}

/// Scans a log; without a key, checkpoint signatures are not checked (for `prove`, whose
/// output is checked on its own by `verify-proof`).
pub(crate) fn scan(
    log: &[u8],
    checkpoints: &[u8],
    key: Option<&VerifierKey>,
    keep_leaves: bool,
) -> Scan {
    let mut s = Scan {
        report: Report {
            root: merkle::empty_root(),
            ..Report::default()
        },
        frontier: Frontier::default(),
        last: None,
        good_len: 0,
        good_checkpoints_len: 0,
        leaves: keep_leaves.then(Vec::new),
        last_note: None,
    };
    // 1. Checkpoints: signed, one origin, never shrinking.
    let mut seals: Vec<(usize, Checkpoint)> = Vec::new();
    let cp_text = match std::str::from_utf8(checkpoints) {
        Ok(t) => t,
        Err(e) => {
            s.report.problem = problem(
                ProblemKind::BadCheckpoint,
                None,
                None,
                format!(
                    "the checkpoints file is not UTF-8 (byte {})",
                    e.valid_up_to()
                ),
            );
            return s;
        }
    };
    let (notes, torn) = split_checkpoints(cp_text);
    if torn > 0 {
        s.report.torn_checkpoint = Some(torn as u64);
    }
    s.good_checkpoints_len = (cp_text.len() - torn) as u64;
    for (i, (_, note)) in notes.iter().enumerate() {
        let n = i + 1;
        let opened = match key {
            Some(k) => k.open(note),
            None => super::note::note_text(note),
        };
        let cp = match opened
            .map_err(|e| e.to_string())
            .and_then(|text| Checkpoint::parse(text).map_err(|e| e.to_string()))
        {
            Ok(cp) => cp,
            Err(e) => {
                s.report.problem = problem(
                    ProblemKind::BadCheckpoint,
                    None,
                    Some(n),
                    format!("checkpoint {n}: {e}"),
                );
                return s;
            }
        };
        if let Some((_, prev)) = seals.last() {
            if cp.origin != prev.origin {
                s.report.problem = problem(
                    ProblemKind::Inconsistent,
                    None,
                    Some(n),
                    format!(
                        "checkpoint {n} is of origin '{}', the ones before of '{}'",
                        cp.origin, prev.origin
                    ),
                );
                return s;
            }
            if cp.size < prev.size {
                s.report.problem = problem(
                    ProblemKind::Inconsistent,
                    Some(cp.size + 1),
                    Some(n),
                    format!(
                        "checkpoint {n} seals {} records, fewer than the {} of checkpoint {}: the log was rolled back",
                        cp.size,
                        prev.size,
                        n - 1
                    ),
                );
                return s;
            }
        }
        seals.push((n, cp));
        s.last_note = Some((*note).to_string());
    }
    s.report.checkpoints = seals.len();
    let mut next = 0usize;
    let mut verified: u64 = 0;
    // Checkpoints of the empty tree.
    if !check_seals(&mut s, &seals, &mut next, &mut verified) {
        return s;
    }
    // 2. Records, line by line.
    let mut pos = 0usize;
    let mut line_no: u64 = 0;
    while pos < log.len() {
        let Some(nl) = memchr::memchr(b'\n', &log[pos..]) else {
            // A final line without newline: a torn append (or a truncation inside a line).
            let torn = (log.len() - pos) as u64;
            if line_no < seals.last().map_or(0, |(_, c)| c.size) {
                // Falls through to the truncation check below.
                break;
            }
            s.report.torn_tail = Some(torn);
            break;
        };
        line_no += 1;
        let bytes = &log[pos..pos + nl];
        let line = match std::str::from_utf8(bytes) {
            Ok(l) => l,
            Err(e) => {
                s.report.problem = problem(
                    ProblemKind::BadRecord,
                    Some(line_no),
                    None,
                    format!("not UTF-8 (byte {})", e.valid_up_to() + 1),
                );
                return s;
            }
        };
        // Fast single-pass check; the full parser only runs to explain a bad line.
        let seq = match super::canon::check(line) {
            Some(super::canon::Head {
                schema_ok: true,
                has_type: true,
                has_time: true,
                seq: Some(seq),
                ..
            }) => seq,
            _ => match Record::parse_line(line) {
                Ok(r) => r.seq(),
                Err(e) => {
                    s.report.problem =
                        problem(ProblemKind::BadRecord, Some(line_no), None, e.to_string());
                    return s;
                }
            },
        };
        if seq != line_no - 1 {
            s.report.problem = problem(
                ProblemKind::Sequence,
                Some(line_no),
                None,
                format!(
                    "seq is {} but the record is number {} (a record was inserted, deleted, duplicated or moved)",
                    seq,
                    line_no - 1
                ),
            );
            return s;
        }
        let leaf = merkle::leaf_hash(bytes);
        s.frontier.push(leaf);
        if let Some(l) = s.leaves.as_mut() {
            l.push(leaf);
        }
        s.report.records = line_no;
        pos += nl + 1;
        s.good_len = pos as u64;
        if !check_seals(&mut s, &seals, &mut next, &mut verified) {
            return s;
        }
    }
    if let Some((n, cp)) = seals.get(next) {
        s.report.problem = problem(
            ProblemKind::Truncated,
            Some(s.report.records + 1),
            Some(*n),
            format!(
                "the log ends after {} complete records but checkpoint {n} seals {}: sealed records were deleted",
                s.report.records, cp.size
            ),
        );
        return s;
    }
    s.report.root = s.frontier.root();
    s
}

/// Compares every checkpoint of the current size with the recomputed root.
fn check_seals(
    s: &mut Scan,
    seals: &[(usize, Checkpoint)],
    next: &mut usize,
    verified: &mut u64,
) -> bool {
    while let Some((n, cp)) = seals.get(*next) {
        if cp.size != s.frontier.size() {
            break;
        }
        if s.frontier.root() != cp.root {
            s.report.problem = problem(
                ProblemKind::RootMismatch,
                Some(*verified + 1),
                Some(*n),
                format!(
                    "the records of lines {}-{} do not match checkpoint {n} (size {}): a sealed record was changed, inserted, deleted or reordered",
                    *verified + 1,
                    cp.size,
                    cp.size
                ),
            );
            return false;
        }
        *verified = cp.size;
        s.report.sealed = cp.size;
        s.last = Some(cp.clone());
        *next += 1;
    }
    true
}
