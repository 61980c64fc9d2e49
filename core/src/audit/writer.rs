//! The append-only log writer: one canonical record per line, RFC 9162 tree, signed checkpoints
//! in `LOG.checkpoints` every N records and T seconds and on close, durable appends.
//!
//! **Durability.** [`Writer::append`] writes the whole line with one `write` call before it
//! returns, so a record is acknowledged only once the operating system holds it: a crash of the
//! process never loses an acknowledged record. What a power loss or OS crash may lose depends on
//! [`Durability`]: with [`Durability::EveryRecord`] (the default) nothing acknowledged, with
//! [`Durability::Batch`] at most `records` acknowledged records, appended within the `interval`
//! before the last call to [`Writer::append`] or [`Writer::tick`] (the batch bound). Before a
//! checkpoint is written the log is synced, and the checkpoint file is synced after it, so a
//! checkpoint never covers records that are not on disk.
//!
//! **Recovery.** [`Writer::open`] verifies the existing log (fail closed: a log that does not
//! verify is not appended to) and repairs a torn final line or checkpoint (an append cut short
//! by a crash) by truncating it; [`Writer::recovery`] says what was repaired.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::merkle::{self, Frontier};
use super::note::{Checkpoint, SignerKey};
use super::record::event_line;
use super::verify::scan;
use super::{AuditError, checkpoints_path};
use crate::lifecycle::{AuditSink, Event};

/// When appended records are flushed to stable storage (`fsync`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// Sync after every record: nothing acknowledged is ever lost.
    EveryRecord,
    /// Sync once `records` records are unsynced, or when the oldest unsynced record is older
    /// than `interval` at the next [`Writer::append`] or [`Writer::tick`].
    Batch {
        /// At most this many acknowledged records may be lost on power failure.
        records: u32,
        /// At most this old.
        interval: Duration,
    },
}

/// Options of a [`Writer`].
///
/// ```
/// use jitaccess::audit::WriterOptions;
/// let o = WriterOptions::default();
/// assert_eq!(o.checkpoint_every, 1000);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WriterOptions {
    /// A checkpoint at least every this many records (N).
    pub checkpoint_every: u64,
    /// A checkpoint at least this often while records arrive (T), checked on every append and
    /// [`Writer::tick`].
    pub checkpoint_interval: Duration,
    /// When to sync.
    pub durability: Durability,
    /// The checkpoints' origin line (default: the key's name).
    pub origin: Option<String>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            checkpoint_every: 1000,
            checkpoint_interval: Duration::from_secs(60),
            durability: Durability::EveryRecord,
            origin: None,
        }
    }
}

impl WriterOptions {
    /// Sets N.
    pub fn checkpoint_every(mut self, n: u64) -> Self {
        self.checkpoint_every = n.max(1);
        self
    }
    /// Sets T.
    pub fn checkpoint_interval(mut self, t: Duration) -> Self {
        self.checkpoint_interval = t;
        self
    }
    /// Sets the durability.
    pub fn durability(mut self, d: Durability) -> Self {
        self.durability = d;
        self
    }
    /// Sets the origin line.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }
}

/// What [`Writer::open`] repaired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recovery {
    /// Records already in the log.
    pub records: u64,
    /// Bytes of a torn final line that were cut off.
    pub torn_bytes: u64,
    /// Bytes of a torn final checkpoint that were cut off.
    pub torn_checkpoint_bytes: u64,
}

/// The audit log writer; also an [`AuditSink`] for the engine.
///
/// ```
/// use jitaccess::audit::{SignerKey, Writer, WriterOptions, verify};
/// let dir = std::env::temp_dir().join(format!("jitaccess-doc-writer-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let log = dir.join("audit.log");
/// # let _ = std::fs::remove_file(&log); let _ = std::fs::remove_file(dir.join("audit.log.checkpoints"));
/// let key = SignerKey::generate("corp-audit").unwrap();
/// let mut w = Writer::open(&log, key.clone(), WriterOptions::default().checkpoint_every(2)).unwrap();
/// let event: jitaccess::lifecycle::Event = serde_json::from_str(
///     r#"{"type":"policy.loaded","time":"2026-01-01T00:00:00Z","actor":{"kind":"system"}}"#).unwrap();
/// for _ in 0..3 { w.append(&event).unwrap(); }
/// let last = w.close().unwrap();
/// assert_eq!(last.size, 3);
/// assert!(verify(&log, &key.verifier()).unwrap().is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct Writer {
    path: PathBuf,
    cp_path: PathBuf,
    log: File,
    cps: File,
    key: SignerKey,
    origin: String,
    opts: WriterOptions,
    frontier: Frontier,
    sealed: u64,
    last_checkpoint: Option<Checkpoint>,
    last_checkpoint_at: Instant,
    unsynced: u32,
    first_unsynced_at: Option<Instant>,
    recovery: Recovery,
    buf: String,
    closed: bool,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("path", &self.path)
            .field("size", &self.frontier.size())
            .field("sealed", &self.sealed)
            .finish_non_exhaustive()
    }
}

fn open_append(path: &Path) -> Result<File, AuditError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)
        .map_err(|e| AuditError::io(path, e))
}

impl Writer {
    /// Opens (or creates) the log at `path` with its checkpoints at `LOG.checkpoints`,
    /// verifying what is there and repairing a torn tail.
    pub fn open(
        path: impl AsRef<Path>,
        key: SignerKey,
        opts: WriterOptions,
    ) -> Result<Writer, AuditError> {
        let path = path.as_ref().to_path_buf();
        let cp_path = checkpoints_path(&path);
        let log = open_append(&path)?;
        let cps = open_append(&cp_path)?;
        let data = std::fs::read(&path).map_err(|e| AuditError::io(&path, e))?;
        let cp_data = std::fs::read(&cp_path).map_err(|e| AuditError::io(&cp_path, e))?;
        let s = scan(&data, &cp_data, Some(&key.verifier()), false);
        if let Some(p) = &s.report.problem {
            return Err(AuditError::Corrupt {
                path: path.display().to_string(),
                reason: p.to_string(),
            });
        }
        let origin = opts
            .origin
            .clone()
            .unwrap_or_else(|| key.name().to_string());
        if let Some(last) = &s.last
            && last.origin != origin
        {
            return Err(AuditError::Corrupt {
                path: cp_path.display().to_string(),
                reason: format!(
                    "the checkpoints are of origin '{}', not '{origin}'",
                    last.origin
                ),
            });
        }
        let mut recovery = Recovery {
            records: s.report.records,
            ..Recovery::default()
        };
        if s.good_len < data.len() as u64 {
            recovery.torn_bytes = data.len() as u64 - s.good_len;
            log.set_len(s.good_len)
                .map_err(|e| AuditError::io(&path, e))?;
            log.sync_all().map_err(|e| AuditError::io(&path, e))?;
        }
        if s.good_checkpoints_len < cp_data.len() as u64 {
            recovery.torn_checkpoint_bytes = cp_data.len() as u64 - s.good_checkpoints_len;
            cps.set_len(s.good_checkpoints_len)
                .map_err(|e| AuditError::io(&cp_path, e))?;
            cps.sync_all().map_err(|e| AuditError::io(&cp_path, e))?;
        }
        if data.is_empty() {
            // A new file: make its directory entry durable.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = File::open(dir).and_then(|d| d.sync_all());
            }
        }
        Ok(Writer {
            path,
            cp_path,
            log,
            cps,
            key,
            origin,
            opts,
            frontier: s.frontier,
            sealed: s.report.sealed,
            last_checkpoint: s.last,
            last_checkpoint_at: Instant::now(),
            unsynced: 0,
            first_unsynced_at: None,
            recovery,
            buf: String::with_capacity(512),
            closed: false,
        })
    }

    /// What opening repaired.
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// The number of records in the log.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// The number of records covered by the last checkpoint.
    pub fn sealed(&self) -> u64 {
        self.sealed
    }

    /// Appends one event as the next record and returns its `seq`. When this returns, the
    /// record is written (see the module's durability notes).
    pub fn append(&mut self, event: &Event) -> Result<u64, AuditError> {
        if self.closed {
            return Err(AuditError::Closed);
        }
        let seq = self.frontier.size();
        self.buf.clear();
        event_line(&mut self.buf, event, seq)?;
        let leaf = merkle::leaf_hash(self.buf.as_bytes());
        self.buf.push('\n');
        // One write of the whole line (append mode): a crash leaves at most one torn line.
        self.log
            .write_all(self.buf.as_bytes())
            .map_err(|e| AuditError::io(&self.path, e))?;
        self.frontier.push(leaf);
        self.after_append()?;
        Ok(seq)
    }

    fn after_append(&mut self) -> Result<(), AuditError> {
        self.unsynced += 1;
        let now = Instant::now();
        self.first_unsynced_at.get_or_insert(now);
        match self.opts.durability {
            Durability::EveryRecord => self.sync()?,
            Durability::Batch { records, .. } if self.unsynced >= records => self.sync()?,
            _ => {}
        }
        if self.frontier.size() - self.sealed >= self.opts.checkpoint_every {
            self.checkpoint()?;
        } else {
            self.tick_at(now)?;
        }
        Ok(())
    }

    /// Syncs the log to stable storage.
    pub fn sync(&mut self) -> Result<(), AuditError> {
        if self.unsynced > 0 {
            self.log
                .sync_data()
                .map_err(|e| AuditError::io(&self.path, e))?;
            self.unsynced = 0;
            self.first_unsynced_at = None;
        }
        Ok(())
    }

    /// Runs what is due by time: a batch sync older than its interval, a checkpoint older than
    /// T with unsealed records. Hosts that can go quiet call this from a timer.
    pub fn tick(&mut self) -> Result<(), AuditError> {
        self.tick_at(Instant::now())
    }

    fn tick_at(&mut self, now: Instant) -> Result<(), AuditError> {
        if let (Durability::Batch { interval, .. }, Some(t)) =
            (self.opts.durability, self.first_unsynced_at)
            && now.duration_since(t) >= interval
        {
            self.sync()?;
        }
        if self.frontier.size() > self.sealed
            && now.duration_since(self.last_checkpoint_at) >= self.opts.checkpoint_interval
        {
            self.checkpoint()?;
        }
        Ok(())
    }

    /// Syncs the log and writes a signed checkpoint of its current size.
    pub fn checkpoint(&mut self) -> Result<Checkpoint, AuditError> {
        if self.closed {
            return Err(AuditError::Closed);
        }
        self.sync()?;
        let cp = Checkpoint {
            origin: self.origin.clone(),
            size: self.frontier.size(),
            root: self.frontier.root(),
        };
        let mut note = self.key.sign_note(&cp.to_text())?;
        note.push('\n');
        self.cps
            .write_all(note.as_bytes())
            .and_then(|()| self.cps.sync_data())
            .map_err(|e| AuditError::io(&self.cp_path, e))?;
        self.sealed = cp.size;
        self.last_checkpoint = Some(cp.clone());
        self.last_checkpoint_at = Instant::now();
        Ok(cp)
    }

    /// Writes the final checkpoint (also when nothing new was appended, so an empty log has
    /// one) and closes the log.
    pub fn close(mut self) -> Result<Checkpoint, AuditError> {
        let cp = match &self.last_checkpoint {
            Some(c) if c.size == self.frontier.size() => c.clone(),
            _ => self.checkpoint()?,
        };
        self.closed = true;
        Ok(cp)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.closed && self.frontier.size() > self.sealed {
            // Best effort: a writer dropped without close still seals what it wrote.
            let _ = self.checkpoint();
        }
    }
}

impl AuditSink for Writer {
    fn record(&mut self, event: &Event) -> Result<(), String> {
        self.append(event).map(|_| ()).map_err(|e| e.to_string())
    }
}
