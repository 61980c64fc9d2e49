//! Persistence of requests: the [`Store`] trait, an in-memory store and a durable file store.
//!
//! The engine hands the store every request a command changed, **before** it acknowledges the
//! command; a store that fails fails the command and nothing changes. On start the engine loads
//! the last saved version of every request.
//!
//! [`FileStore`] is an append-only journal: one line per command, `<length> <checksum> <json>`,
//! where the JSON is the list of changed requests and the checksum is FNV-1a 64 over the JSON.
//! Each append is written with one `write` and `fsync`ed before the command is acknowledged
//! (batch bound: one command). Recovery reads lines in order, keeps the last version of each
//! request, and drops a torn tail: a last line without its newline, with a wrong length or
//! checksum, is cut off (the file is truncated to the last good line), because it was never
//! acknowledged. A damaged line *before* the tail is not a torn write: loading fails with an
//! error naming the line, and nothing is dropped silently.
//!
//! **Group commit** ([`FileStore::open_group_commit`]): `save` only writes (under the engine's
//! lock, so file order is command order); the engine then releases its lock and waits for its
//! line to be durable. The first waiter becomes the leader and runs one `fdatasync` that covers
//! every line written before it started; the others wait for it. A command is still acknowledged
//! only once its line is durable. Batch bound: one `fdatasync` covers at most the commands in
//! flight when it starts, i.e. at most one per committing thread. A failed `fdatasync` fails
//! every waiting command and every later `save` (fail closed: reopen the journal to recover).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::Request;

/// A store failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// Where the engine keeps requests.
pub trait Store: Send {
    /// Every request, last saved version of each, in first-saved order.
    fn load(&mut self) -> Result<Vec<Request>, StoreError>;
    /// Saves the requests one command changed, durably and all together, or fails.
    fn save(&mut self, changed: &[Request]) -> Result<(), StoreError>;

    /// For a store with group commit: what the last `save` must still wait for before the
    /// command may be acknowledged. The engine waits on it after releasing its lock.
    /// Default: `None` (`save` was already durable).
    fn take_ticket(&mut self) -> Option<SyncTicket> {
        None
    }
}

#[derive(Debug, Default)]
struct GroupState {
    /// Lines written.
    written: u64,
    /// Lines known durable.
    synced: u64,
    syncing: bool,
    failed: Option<String>,
}

/// The shared `fdatasync` of a group-commit journal.
#[derive(Debug)]
struct GroupSync {
    file: File,
    path: PathBuf,
    state: Mutex<GroupState>,
    done: Condvar,
}

impl GroupSync {
    fn lock(&self) -> MutexGuard<'_, GroupState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A line written by [`Store::save`] that is not yet known durable.
#[derive(Debug)]
pub struct SyncTicket {
    sync: Arc<GroupSync>,
    line: u64,
}

impl SyncTicket {
    /// Blocks until the line is durable (leading one `fdatasync` if none is running), or fails.
    pub fn wait(self) -> Result<(), StoreError> {
        let g = &self.sync;
        let mut st = g.lock();
        loop {
            if let Some(m) = &st.failed {
                return Err(StoreError(m.clone()));
            }
            if st.synced >= self.line {
                return Ok(());
            }
            if st.syncing {
                st = g
                    .done
                    .wait(st)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            st.syncing = true;
            let target = st.written;
            drop(st);
            let r = g.file.sync_data();
            st = g.lock();
            st.syncing = false;
            match r {
                Ok(()) => st.synced = st.synced.max(target),
                Err(e) => {
                    st.failed = Some(format!(
                        "{}: cannot sync the journal: {e}",
                        g.path.display()
                    ));
                }
            }
            g.done.notify_all();
        }
    }
}

/// Keeps nothing beyond the engine's own memory.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoryStore;

impl Store for MemoryStore {
    fn load(&mut self) -> Result<Vec<Request>, StoreError> {
        Ok(Vec::new())
    }
    fn save(&mut self, _: &[Request]) -> Result<(), StoreError> {
        Ok(())
    }
}

/// An append-only journal file with fsync per command and torn-tail recovery.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    file: File,
    /// Requests recovered at open, handed out by the first `load`.
    recovered: Option<Vec<Request>>,
    /// Bytes dropped from a torn tail at open.
    dropped_tail: u64,
    /// Group commit: the shared sync and the last line `save` wrote.
    group: Option<(Arc<GroupSync>, Option<u64>)>,
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn encode(changed: &[Request]) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(changed)
        .map_err(|e| StoreError(format!("cannot encode requests: {e}")))?;
    let mut line = format!("{} {:016x} ", json.len(), fnv1a(&json)).into_bytes();
    line.extend_from_slice(&json);
    line.push(b'\n');
    Ok(line)
}

/// Decodes one line (without its newline).
fn decode(line: &[u8]) -> Option<Vec<Request>> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.splitn(3, ' ');
    let len: usize = parts.next()?.parse().ok()?;
    let sum = u64::from_str_radix(parts.next()?, 16).ok()?;
    let json = parts.next()?.as_bytes();
    if json.len() != len || fnv1a(json) != sum {
        return None;
    }
    serde_json::from_slice(json).ok()
}

impl FileStore {
    /// Opens (or creates) a journal and recovers it.
    pub fn open(path: impl AsRef<Path>) -> Result<FileStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let io =
            |what: &str, e: std::io::Error| StoreError(format!("{}: {what}: {e}", path.display()));
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(|e| io("cannot open the journal", e))?;
        // One journal serves one engine: a second engine would hold its own copy of the
        // requests and overwrite the first one's transitions (a revoked grant coming back).
        // The lock goes with the file (and with the process, if it dies).
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError(format!(
                    "{}: the journal is in use by another engine (it is locked); a store file serves one engine at a time",
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io("cannot lock the journal", e)),
        }
        let mut order: Vec<String> = Vec::new();
        let mut latest: HashMap<String, Request> = HashMap::new();
        let mut good_end: u64 = 0;
        let total = file
            .metadata()
            .map_err(|e| io("cannot stat the journal", e))?
            .len();
        {
            let mut reader = BufReader::new(&file);
            reader
                .seek(SeekFrom::Start(0))
                .map_err(|e| io("cannot read the journal", e))?;
            let mut buf = Vec::new();
            let mut line_no = 0usize;
            loop {
                buf.clear();
                let n = reader
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| io("cannot read the journal", e))?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                let complete = buf.last() == Some(&b'\n');
                let body = if complete {
                    &buf[..buf.len() - 1]
                } else {
                    &buf[..]
                };
                match (complete, decode(body)) {
                    (true, Some(reqs)) => {
                        for r in reqs {
                            if !latest.contains_key(&r.id) {
                                order.push(r.id.clone());
                            }
                            latest.insert(r.id.clone(), r);
                        }
                        good_end += n as u64;
                    }
                    _ => {
                        if good_end + n as u64 == total {
                            break; // a torn tail: never acknowledged
                        }
                        return Err(StoreError(format!(
                            "{}: line {line_no} is damaged (not a torn tail: later lines follow); refusing to guess",
                            path.display()
                        )));
                    }
                }
            }
        }
        let dropped_tail = total - good_end;
        if dropped_tail > 0 {
            file.set_len(good_end)
                .map_err(|e| io("cannot cut the torn tail", e))?;
            file.sync_all()
                .map_err(|e| io("cannot sync the journal", e))?;
        }
        let recovered = order
            .into_iter()
            .filter_map(|id| latest.remove(&id))
            .collect();
        Ok(FileStore {
            path,
            file,
            recovered: Some(recovered),
            dropped_tail,
            group: None,
        })
    }

    /// Opens a journal like [`FileStore::open`], with group commit: concurrent commands share
    /// one `fdatasync` (module docs), each still acknowledged only once durable.
    pub fn open_group_commit(path: impl AsRef<Path>) -> Result<FileStore, StoreError> {
        let mut store = FileStore::open(path)?;
        let file = store.file.try_clone().map_err(|e| {
            StoreError(format!(
                "{}: cannot share the journal: {e}",
                store.path.display()
            ))
        })?;
        store.group = Some((
            Arc::new(GroupSync {
                file,
                path: store.path.clone(),
                state: Mutex::new(GroupState::default()),
                done: Condvar::new(),
            }),
            None,
        ));
        Ok(store)
    }

    /// Bytes of a torn tail dropped when the journal was opened.
    pub fn dropped_tail_bytes(&self) -> u64 {
        self.dropped_tail
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Store for FileStore {
    fn load(&mut self) -> Result<Vec<Request>, StoreError> {
        Ok(self.recovered.take().unwrap_or_default())
    }

    fn take_ticket(&mut self) -> Option<SyncTicket> {
        self.ticket()
    }

    fn save(&mut self, changed: &[Request]) -> Result<(), StoreError> {
        if changed.is_empty() {
            return Ok(());
        }
        let line = encode(changed)?;
        if let Some((sync, last)) = &mut self.group {
            let mut st = sync.lock();
            if let Some(m) = &st.failed {
                return Err(StoreError(m.clone()));
            }
            self.file.write_all(&line).map_err(|e| {
                StoreError(format!(
                    "{}: cannot append to the journal: {e}",
                    self.path.display()
                ))
            })?;
            st.written += 1;
            *last = Some(st.written);
            return Ok(());
        }
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| {
                StoreError(format!(
                    "{}: cannot append to the journal: {e}",
                    self.path.display()
                ))
            })
    }
}

impl FileStore {
    fn ticket(&mut self) -> Option<SyncTicket> {
        let (sync, last) = self.group.as_mut()?;
        last.take().map(|line| SyncTicket {
            sync: Arc::clone(sync),
            line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_detect_damage() {
        let line = encode(&[]).unwrap();
        assert_eq!(decode(&line[..line.len() - 1]), Some(vec![]));
        let mut bad = line.clone();
        let n = bad.len();
        bad[n - 2] = b'}';
        assert_eq!(decode(&bad[..n - 1]), None);
        assert_eq!(decode(b"3 0000000000000000 []"), None);
    }
}
