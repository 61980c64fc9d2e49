//! The tamper-evident audit trail (audit.md): canonical JSON records, an RFC 9162 Merkle log,
//! C2SP signed checkpoints, full verification, inclusion proofs and SIEM exports.
//!
//! - [`Record`]: one event as a canonical (RFC 8785) JSON line, schema `jitaccess.audit/1`.
//! - [`Writer`]: appends records to `LOG` and signed checkpoints to `LOG.checkpoints`; it is an
//!   [`crate::lifecycle::AuditSink`], so an [`crate::lifecycle::Engine`] writes to it directly.
//! - [`verify`]: the full check, with a [`Report`] naming the first bad line.
//! - [`prove`] / [`Proof::check`]: inclusion proofs that verify on their own.
//! - [`SignerKey`] / [`VerifierKey`]: Ed25519 keys in the signed-note formats; [`keygen`].
//!
//! The formats are documented field by field in `docs/audit.md`.

pub mod b64;
mod canon;
pub mod export;
pub mod jcs;
pub mod merkle;
mod note;
mod proof;
mod record;
mod verify;
mod writer;

use std::path::{Path, PathBuf};

pub use jcs::canonical_json;
pub use note::{Checkpoint, NoteError, SIG_PREFIX, SignerKey, VerifierKey};
pub use proof::{PROOF_SCHEMA, Proof, prove};
pub use record::{Record, RecordError, SCHEMA};
pub use verify::{Problem, ProblemKind, Report, verify, verify_bytes};
pub use writer::{Durability, Recovery, Writer, WriterOptions};

/// Errors of the audit trail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
        /// The error kind.
        kind: std::io::ErrorKind,
    },
    /// An event could not be made a record.
    #[error("{0}")]
    Record(#[from] RecordError),
    /// A canonical form could not be produced.
    #[error("{0}")]
    Jcs(#[from] jcs::JcsError),
    /// A key, note or checkpoint problem.
    #[error("{0}")]
    Note(#[from] NoteError),
    /// An existing log does not verify: it is not appended to.
    #[error("{path}: the log does not verify ({reason}); it is left untouched")]
    Corrupt {
        /// The file.
        path: String,
        /// The first problem.
        reason: String,
    },
    /// A key file that is not a key.
    #[error("{path}: {reason}")]
    KeyFile {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A proof that is malformed or does not verify.
    #[error("{0}")]
    Proof(String),
    /// The writer was closed.
    #[error("the audit log writer is closed")]
    Closed,
}

impl AuditError {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> AuditError {
        AuditError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
            kind: e.kind(),
        }
    }
}

/// The checkpoints file of a log: `LOG.checkpoints`.
///
/// ```
/// use std::path::Path;
/// assert_eq!(jitaccess::audit::checkpoints_path(Path::new("a/audit.log")),
///            Path::new("a/audit.log.checkpoints"));
/// ```
pub fn checkpoints_path(log: &Path) -> PathBuf {
    let mut s = log.as_os_str().to_os_string();
    s.push(".checkpoints");
    PathBuf::from(s)
}

/// Creates a new key named after the file name of `prefix`: writes `PREFIX.key` (the private
/// key, mode 0600 on Unix) and `PREFIX.pub` (the verifier key), refusing to overwrite either.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("jitaccess-doc-keygen-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// # let _ = std::fs::remove_file(dir.join("corp.key")); let _ = std::fs::remove_file(dir.join("corp.pub"));
/// let (key, private, public) = jitaccess::audit::keygen(&dir.join("corp")).unwrap();
/// assert_eq!(key.name(), "corp");
/// assert!(private.ends_with("corp.key") && public.ends_with("corp.pub"));
/// assert!(jitaccess::audit::keygen(&dir.join("corp")).is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn keygen(prefix: &Path) -> Result<(SignerKey, PathBuf, PathBuf), AuditError> {
    let name = prefix
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| NoteError::KeyName(prefix.display().to_string()))?;
    let key = SignerKey::generate(name)?;
    let with_ext = |ext: &str| {
        let mut s = prefix.as_os_str().to_os_string();
        s.push(ext);
        PathBuf::from(s)
    };
    let (private, public) = (with_ext(".key"), with_ext(".pub"));
    if public.exists() {
        return Err(AuditError::Io {
            path: public.display().to_string(),
            message: "already exists; not overwritten".into(),
            kind: std::io::ErrorKind::AlreadyExists,
        });
    }
    write_new(&private, &(key.to_text() + "\n"), true)?;
    write_new(&public, &(key.verifier().to_text() + "\n"), false)?;
    Ok((key, private, public))
}

fn write_new(path: &Path, text: &str, secret: bool) -> Result<(), AuditError> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = o.open(path).map_err(|e| AuditError::io(path, e))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| AuditError::io(path, e))
}

/// SHA-256 (lowercase hex) of the canonical JSON of a serializable document; documents
/// outside the canonical profile (a float, a huge integer) hash their sorted compact JSON.
pub(crate) fn document_sha256<T: serde::Serialize>(doc: &T) -> String {
    use sha2::{Digest, Sha256};
    let value = serde_json::to_value(doc).unwrap_or(serde_json::Value::Null);
    let text = canonical_json(&value).unwrap_or_else(|_| value.to_string());
    b64::hex(&Sha256::digest(text.as_bytes()))
}

/// Reads a private key file (`NAME.key`).
pub fn read_signer_key(path: &Path) -> Result<SignerKey, AuditError> {
    let text = std::fs::read_to_string(path).map_err(|e| AuditError::io(path, e))?;
    SignerKey::parse(&text).map_err(|e| AuditError::KeyFile {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Reads a public key file (`NAME.pub`).
pub fn read_verifier_key(path: &Path) -> Result<VerifierKey, AuditError> {
    let text = std::fs::read_to_string(path).map_err(|e| AuditError::io(path, e))?;
    VerifierKey::parse(&text).map_err(|e| AuditError::KeyFile {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
