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
//! With [`Durability::Batch`] the `fsync` of a batch runs on a background thread while appends
//! continue: once half a batch is unsynced, a sync of everything written so far starts, and an
//! append that would leave `records` acknowledged records without a finished sync waits for it
//! (or syncs itself). Only finished syncs count, so the batch bound holds exactly as with
//! inline syncs; [`Writer::sync`], [`Writer::checkpoint`] and [`Writer::close`] wait for it. A
//! failed background sync is returned by the next call, and the records it covered count as
//! unsynced again.
//!
//! **Checkpoints.** [`Writer::checkpoint`] and [`Writer::close`] (and every checkpoint with
//! [`Durability::EveryRecord`]) sync the log, write the checkpoint and sync the checkpoint file
//! before they return. With [`Durability::Batch`] the automatic checkpoints (every N records and
//! T seconds) are computed and signed on the appending thread and handed to the background
//! thread, which writes one only after a sync of the log covering its records has finished and
//! then syncs the checkpoint file: a checkpoint is never written, let alone durable, before the
//! records it covers. Until that background sync finishes (about two `fsync`s) a handed-over
//! checkpoint may be lost by a process crash or power loss; the records it covers stay (within
//! the batch bound) and are sealed again by the next checkpoint. [`Writer::sync`] also writes
//! and syncs the handed-over checkpoints; a failure of that background work is returned by the
//! next call.
//!
//! **Recovery.** [`Writer::open`] verifies the existing log (fail closed: a log that does not
//! verify is not appended to) and repairs a torn final line or checkpoint (an append cut short
//! by a crash) by truncating it; [`Writer::recovery`] says what was repaired.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
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
    /// than `interval` at the next [`Writer::append`] or [`Writer::tick`]. The syncs run on a
    /// background thread from half a batch on; an append waits only when a whole batch would
    /// otherwise be unsynced (see the module's durability notes).
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
    /// Records known to be on stable storage (a finished sync covered them).
    durable: u64,
    /// The size a running background sync covers.
    in_flight: Option<u64>,
    /// When the oldest record of the running background sync was appended.
    in_flight_since: Option<Instant>,
    /// When the oldest record that no sync (finished or running) covers was appended.
    first_unsynced_at: Option<Instant>,
    syncer: Option<Syncer>,
    /// Signed checkpoint lines (with their newline) not yet handed to a sync: the next sync
    /// writes them after the log sync that covers them.
    pending: Vec<String>,
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
        // One writer per log: two would interleave records and fork the Merkle tree. The lock
        // goes with the file (and with the process, if it dies).
        match log.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(AuditError::io(
                    &path,
                    std::io::Error::new(
                        std::io::ErrorKind::WouldBlock,
                        "the log is in use by another writer (it is locked)",
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(AuditError::io(&path, e)),
        }
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
            durable: s.frontier.size(),
            frontier: s.frontier,
            sealed: s.report.sealed,
            last_checkpoint: s.last,
            last_checkpoint_at: Instant::now(),
            in_flight: None,
            in_flight_since: None,
            first_unsynced_at: None,
            syncer: None,
            pending: Vec::new(),
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

    /// The number of records covered by the last checkpoint (with [`Durability::Batch`] it
    /// may still be waiting for its background sync; see the module's checkpoint notes).
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
        let now = Instant::now();
        self.first_unsynced_at.get_or_insert(now);
        let due = self.frontier.size() - self.sealed >= self.opts.checkpoint_every;
        match self.opts.durability {
            Durability::EveryRecord => self.sync()?,
            Durability::Batch { records, .. } => {
                if due {
                    self.checkpoint_deferred()?;
                }
                self.batch(u64::from(records))?;
            }
        }
        if due {
            if self.opts.durability == Durability::EveryRecord {
                self.checkpoint()?;
            }
        } else {
            self.tick_at(now)?;
        }
        Ok(())
    }

    /// An automatic checkpoint with batched durability: signed here, written by the background
    /// thread after the log sync that covers it (synchronous if no thread can run).
    fn checkpoint_deferred(&mut self) -> Result<(), AuditError> {
        if self.syncer.is_none() {
            self.syncer = Syncer::spawn(&self.log, &self.cps);
        }
        if self.syncer.is_none() {
            return self.checkpoint().map(|_| ());
        }
        let (cp, note) = self.sign()?;
        self.pending.push(note);
        self.sealed = cp.size;
        self.last_checkpoint = Some(cp);
        self.last_checkpoint_at = Instant::now();
        Ok(())
    }

    /// The checkpoint of the current size and its signed note line.
    fn sign(&self) -> Result<(Checkpoint, String), AuditError> {
        let cp = Checkpoint {
            origin: self.origin.clone(),
            size: self.frontier.size(),
            root: self.frontier.root(),
        };
        let mut note = self.key.sign_note(&cp.to_text())?;
        note.push('\n');
        Ok((cp, note))
    }

    /// The batch bound by count: never more than `records - 1` acknowledged records without a
    /// finished sync; a background sync starts at half a batch.
    fn batch(&mut self, records: u64) -> Result<(), AuditError> {
        self.collect(false)?;
        let size = self.frontier.size();
        if size - self.durable >= records {
            self.collect(true)?;
            if self.frontier.size() - self.durable >= records {
                self.sync_inline()?;
            }
        } else if self.in_flight.is_none()
            && (size - self.durable >= (records / 2).max(1) || !self.pending.is_empty())
        {
            self.start_background_sync()?;
        }
        Ok(())
    }

    /// Starts a background sync of everything written so far (inline if no thread can run).
    /// The handed-over checkpoints go with it: they are written after its log sync.
    fn start_background_sync(&mut self) -> Result<(), AuditError> {
        if self.syncer.is_none() {
            self.syncer = Syncer::spawn(&self.log, &self.cps);
        }
        let size = self.frontier.size();
        match &self.syncer {
            Some(syncer) => {
                syncer.start(std::mem::take(&mut self.pending));
                self.in_flight = Some(size);
                self.in_flight_since = self.first_unsynced_at.take();
                Ok(())
            }
            None => self.flush_inline(),
        }
    }

    /// Takes the result of a finished background sync; with `wait`, waits for a running one.
    fn collect(&mut self, wait: bool) -> Result<(), AuditError> {
        let (Some(covered), Some(syncer)) = (self.in_flight, &self.syncer) else {
            return Ok(());
        };
        let Some(result) = syncer.result(wait) else {
            return Ok(());
        };
        self.in_flight = None;
        let since = self.in_flight_since.take();
        match result {
            Ok(()) => {
                self.durable = self.durable.max(covered);
                Ok(())
            }
            Err(JobError::Log(e, mut notes)) => {
                // Its records are unsynced again and its checkpoints unwritten: the next
                // append or sync retries both, in order.
                self.first_unsynced_at = since.or(self.first_unsynced_at);
                notes.append(&mut self.pending);
                self.pending = notes;
                Err(AuditError::io(&self.path, e))
            }
            Err(JobError::Checkpoints(e)) => {
                // The log sync finished; the checkpoints may be lost: close writes a new one.
                self.durable = self.durable.max(covered);
                self.last_checkpoint = None;
                Err(AuditError::io(&self.cp_path, e))
            }
        }
    }

    fn sync_inline(&mut self) -> Result<(), AuditError> {
        let size = self.frontier.size();
        if size > self.durable {
            self.log
                .sync_data()
                .map_err(|e| AuditError::io(&self.path, e))?;
            self.durable = size;
            self.first_unsynced_at = None;
        }
        Ok(())
    }

    /// Syncs the log and then writes and syncs the checkpoints handed over to the background
    /// thread, inline (no background sync runs then).
    fn flush_inline(&mut self) -> Result<(), AuditError> {
        self.sync_inline()?;
        if !self.pending.is_empty() {
            let notes = std::mem::take(&mut self.pending);
            if let Err(e) = write_notes(&self.cps, &notes) {
                self.last_checkpoint = None;
                return Err(AuditError::io(&self.cp_path, e));
            }
        }
        Ok(())
    }

    /// Syncs the log to stable storage (waiting for a running background sync first), then
    /// writes and syncs the checkpoints not yet written.
    pub fn sync(&mut self) -> Result<(), AuditError> {
        self.collect(true)?;
        self.flush_inline()
    }

    /// Runs what is due by time: a batch sync older than its interval, a checkpoint older than
    /// T with unsealed records. Hosts that can go quiet call this from a timer.
    pub fn tick(&mut self) -> Result<(), AuditError> {
        if let Durability::Batch { records, .. } = self.opts.durability {
            // Collects a finished background sync and hands over waiting checkpoints.
            self.batch(u64::from(records))?;
        }
        self.tick_at(Instant::now())
    }

    fn tick_at(&mut self, now: Instant) -> Result<(), AuditError> {
        if let (Durability::Batch { interval, .. }, Some(t)) = (
            self.opts.durability,
            self.in_flight_since.or(self.first_unsynced_at),
        ) && now.duration_since(t) >= interval
        {
            self.sync()?;
        }
        if self.frontier.size() > self.sealed
            && now.duration_since(self.last_checkpoint_at) >= self.opts.checkpoint_interval
        {
            match self.opts.durability {
                Durability::EveryRecord => {
                    self.checkpoint()?;
                }
                Durability::Batch { records, .. } => {
                    self.checkpoint_deferred()?;
                    self.batch(u64::from(records))?;
                }
            }
        }
        Ok(())
    }

    /// Syncs the log (and writes the checkpoints not yet written) and writes a signed
    /// checkpoint of its current size; it is on stable storage when this returns.
    pub fn checkpoint(&mut self) -> Result<Checkpoint, AuditError> {
        if self.closed {
            return Err(AuditError::Closed);
        }
        self.sync()?;
        let (cp, note) = self.sign()?;
        write_notes(&self.cps, std::slice::from_ref(&note))
            .map_err(|e| AuditError::io(&self.cp_path, e))?;
        self.sealed = cp.size;
        self.last_checkpoint = Some(cp.clone());
        self.last_checkpoint_at = Instant::now();
        Ok(cp)
    }

    /// Writes the final checkpoint (also when nothing new was appended, so an empty log has
    /// one) and closes the log; everything is on stable storage when this returns.
    pub fn close(mut self) -> Result<Checkpoint, AuditError> {
        let cp = match self.last_checkpoint.clone() {
            Some(c) if c.size == self.frontier.size() => {
                self.sync()?;
                c
            }
            _ => self.checkpoint()?,
        };
        self.closed = true;
        Ok(cp)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.closed {
            // Best effort: a writer dropped without close still seals what it wrote.
            let _ = if self.frontier.size() > self.sealed {
                self.checkpoint().map(|_| ())
            } else {
                self.sync()
            };
        }
    }
}

/// Writes checkpoint lines with one `write` call and syncs the checkpoint file.
fn write_notes(mut cps: &File, notes: &[String]) -> std::io::Result<()> {
    if let [one] = notes {
        cps.write_all(one.as_bytes())?;
    } else {
        cps.write_all(notes.concat().as_bytes())?;
    }
    cps.sync_data()
}

/// The background thread of batched syncs: one request (a log sync of everything written so
/// far, then the checkpoints it carries) and one result at a time; it stops when the writer is
/// dropped, after finishing a request.
struct Syncer {
    shared: Arc<(Mutex<SyncState>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

/// What a background request failed at.
enum JobError {
    /// The log sync, with the checkpoints it carried (not written).
    Log(std::io::Error, Vec<String>),
    /// Writing or syncing the checkpoints (after the log sync finished).
    Checkpoints(std::io::Error),
}

#[derive(Default)]
struct SyncState {
    /// A request and the checkpoint lines to write after its log sync.
    request: Option<Vec<String>>,
    result: Option<Result<(), JobError>>,
    stop: bool,
}

fn lock(m: &Mutex<SyncState>) -> MutexGuard<'_, SyncState> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Syncer {
    fn spawn(log: &File, cps: &File) -> Option<Syncer> {
        let (log, cps) = (log.try_clone().ok()?, cps.try_clone().ok()?);
        let shared = Arc::new((Mutex::new(SyncState::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("jitaccess-audit-sync".into())
            .spawn(move || {
                let (m, cv) = &*theirs;
                loop {
                    let mut st = lock(m);
                    while st.request.is_none() && !st.stop {
                        st = cv
                            .wait(st)
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                    let Some(notes) = st.request.take() else {
                        return;
                    };
                    drop(st);
                    // The checkpoints only after the log sync that covers them finished.
                    let r = match log.sync_data() {
                        Err(e) => Err(JobError::Log(e, notes)),
                        Ok(()) if notes.is_empty() => Ok(()),
                        Ok(()) => write_notes(&cps, &notes).map_err(JobError::Checkpoints),
                    };
                    let mut st = lock(m);
                    st.result = Some(r);
                    cv.notify_all();
                }
            })
            .ok()?;
        Some(Syncer {
            shared,
            thread: Some(thread),
        })
    }

    fn start(&self, notes: Vec<String>) {
        let (m, cv) = &*self.shared;
        let mut st = lock(m);
        st.request = Some(notes);
        st.result = None;
        cv.notify_all();
    }

    /// The result of the last request, if it finished (with `wait`: once it finishes).
    fn result(&self, wait: bool) -> Option<Result<(), JobError>> {
        let (m, cv) = &*self.shared;
        let mut st = lock(m);
        while wait && st.result.is_none() {
            st = cv
                .wait(st)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        st.result.take()
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        let (m, cv) = &*self.shared;
        lock(m).stop = true;
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl AuditSink for Writer {
    fn record(&mut self, event: &Event) -> Result<(), String> {
        self.append(event).map(|_| ()).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        serde_json::from_str(
            r#"{"type":"policy.loaded","time":"2026-01-01T00:00:00Z","actor":{"kind":"system"}}"#,
        )
        .unwrap()
    }

    /// Background batch syncs keep the bound: after every append fewer than `records`
    /// acknowledged records lack a finished sync; close waits and the log verifies.
    #[test]
    fn background_batch_syncs_keep_the_bound() {
        let (dir, log) = fresh("bg");
        let key = SignerKey::from_seed("bg", &[3; 32]).unwrap();
        let opts = WriterOptions::default()
            .checkpoint_every(100)
            .durability(Durability::Batch {
                records: 8,
                interval: Duration::from_secs(3600),
            });
        let mut w = Writer::open(&log, key.clone(), opts).unwrap();
        let mut started = 0;
        for _ in 0..250 {
            w.append(&event()).unwrap();
            assert!(w.size() - w.durable < 8, "{} {}", w.size(), w.durable);
            if w.in_flight.is_some() {
                started += 1;
                assert!(w.in_flight_since.is_some());
            }
        }
        assert!(started > 0 && w.syncer.is_some(), "no background sync ran");
        w.sync().unwrap();
        assert_eq!((w.durable, w.in_flight), (250, None));
        w.append(&event()).unwrap();
        let cp = w.close().unwrap();
        assert_eq!(cp.size, 251);
        assert!(super::super::verify(&log, &key.verifier()).unwrap().is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Every-record durability syncs inline and never starts a thread.
    #[test]
    fn every_record_syncs_inline() {
        let dir = std::env::temp_dir().join(format!("jitaccess-writer-er-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("a.log");
        let _ = std::fs::remove_file(&log);
        let _ = std::fs::remove_file(checkpoints_path(&log));
        let key = SignerKey::from_seed("er", &[4; 32]).unwrap();
        let mut w = Writer::open(&log, key, WriterOptions::default()).unwrap();
        for i in 1..=5 {
            w.append(&event()).unwrap();
            assert_eq!(w.durable, i);
        }
        assert!(w.syncer.is_none());
        w.close().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn fresh(name: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "jitaccess-writer-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("a.log");
        let _ = std::fs::remove_file(&log);
        let _ = std::fs::remove_file(checkpoints_path(&log));
        (dir, log)
    }

    fn checkpoint_count(log: &Path) -> usize {
        std::fs::read_to_string(checkpoints_path(log))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("\u{2014} "))
            .count()
    }

    /// A fresh log `name` written with batched durability (a batch of 4096 records, no
    /// interval in practice) and a checkpoint every `every` records, signed with a key made
    /// from `seed`.
    fn batch_writer(name: &str, seed: u8, every: u64) -> (PathBuf, PathBuf, SignerKey, Writer) {
        let (dir, log) = fresh(name);
        let key = SignerKey::from_seed(name, &[seed; 32]).unwrap();
        let opts = WriterOptions::default()
            .checkpoint_every(every)
            .durability(Durability::Batch {
                records: 4096,
                interval: Duration::from_secs(3600),
            });
        let w = Writer::open(&log, key.clone(), opts).unwrap();
        (dir, log, key, w)
    }

    /// With batched durability the automatic checkpoints go through the background thread:
    /// none is written before a log sync covering it, all are there after `sync`, and the log
    /// verifies after close with no duplicate final checkpoint.
    #[test]
    fn background_checkpoints_are_written_and_verify() {
        let (dir, log, key, mut w) = batch_writer("bgcp", 5, 10);
        let mut handed = 0;
        for i in 1..=100u64 {
            w.append(&event()).unwrap();
            assert_eq!(w.sealed(), i - i % 10);
            if w.in_flight.is_some() {
                handed += 1;
            }
        }
        assert!(handed > 0 && w.syncer.is_some(), "no background checkpoint");
        w.sync().unwrap();
        assert!(w.pending.is_empty() && w.in_flight.is_none());
        assert_eq!(w.durable, 100);
        let r = super::super::verify(&log, &key.verifier()).unwrap();
        assert_eq!((r.checkpoints, r.sealed, r.records), (10, 100, 100));
        assert!(r.is_ok(), "{r:?}");
        for _ in 0..5 {
            w.append(&event()).unwrap();
        }
        assert_eq!(w.close().unwrap().size, 105);
        let r = super::super::verify(&log, &key.verifier()).unwrap();
        assert_eq!((r.checkpoints, r.sealed), (11, 105));
        assert!(r.is_ok(), "{r:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A failed background job is returned by the next call: a failed log sync keeps its
    /// checkpoints for the retry (in order), a failed checkpoint write makes close write a new
    /// final checkpoint; the log verifies afterwards.
    #[test]
    fn background_failures_surface_and_recover() {
        let (dir, log, key, mut w) = batch_writer("bgfail", 6, 1000);
        for _ in 0..3 {
            w.append(&event()).unwrap();
        }
        // A checkpoint handed over to a job whose log sync failed.
        w.checkpoint_deferred().unwrap();
        w.start_background_sync().unwrap();
        w.collect(true).unwrap();
        let (_, note) = w.sign().unwrap();
        let inject = |w: &mut Writer, r: Result<(), JobError>| {
            let (m, _) = &*w.syncer.as_ref().unwrap().shared;
            lock(m).result = Some(r);
            w.in_flight = Some(w.size());
        };
        inject(
            &mut w,
            Err(JobError::Log(std::io::Error::other("injected"), vec![note])),
        );
        let e = w.append(&event()).unwrap_err();
        assert!(e.to_string().contains("injected"), "{e}");
        assert_eq!(w.pending.len(), 1, "the checkpoint is kept for the retry");
        w.sync().unwrap();
        assert!(w.pending.is_empty());
        assert_eq!(checkpoint_count(&log), 2);
        // A failed checkpoint write: reported, and close writes a fresh final checkpoint.
        w.append(&event()).unwrap();
        w.sync().unwrap();
        inject(
            &mut w,
            Err(JobError::Checkpoints(std::io::Error::other("injected cp"))),
        );
        let e = w.tick().unwrap_err();
        assert!(e.to_string().contains("injected cp"), "{e}");
        assert!(w.last_checkpoint.is_none());
        assert_eq!(w.close().unwrap().size, 5);
        let r = super::super::verify(&log, &key.verifier()).unwrap();
        assert_eq!((r.checkpoints, r.sealed, r.records), (3, 5, 5));
        assert!(r.is_ok(), "{r:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
