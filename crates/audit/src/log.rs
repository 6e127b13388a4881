//! The JSON Lines file log.
//!
//! One writer thread owns the file. Appends from any number of tasks are
//! queued to it, so the chain has one order however many append at once;
//! the writer answers each append only after the record is synced.
//!
//! Files: the active file is the path given to [`JsonlAuditLog::open`]
//! (say `audit.jsonl`). Rotation renames it to `audit.000000.jsonl`
//! (its segment number) and starts a new `audit.jsonl` whose header links
//! to the last record of the old one, so the chain runs across files.
//! Verify them as `audit.*.jsonl audit.jsonl` (oldest first, which is
//! also the order a shell glob sorts them in).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use uuid::Uuid;

use crate::event::AuditEvent;
use crate::record::{
    Chain, Checkpoint, Entry, FORMAT, Recovery, SegmentHeader, decode, retain_until, split_lines,
};
use crate::sink::{AuditReceipt, AuditSink};
use crate::verify::Anchor;
use crate::{AuditError, CheckpointKey, DEFAULT_RETENTION_YEARS};

/// When an append counts as done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// Each event is written and synced (`fdatasync`) on its own before its
    /// append returns. Slowest; simplest to reason about.
    SyncEachEvent,
    /// Events arriving together are written and synced once for the group;
    /// every append still returns only after the sync that covers it.
    GroupCommit {
        /// How long the writer waits for more events after the first one
        /// of a group before syncing. Zero groups only what is already
        /// queued.
        max_delay: Duration,
        /// The most events in one group.
        max_batch: usize,
    },
}

/// How a [`JsonlAuditLog`] writes.
///
/// ```
/// use std::time::Duration;
/// use phiguard_audit::{AuditLogOptions, CheckpointKey, Durability};
///
/// let options = AuditLogOptions::default()
///     .durability(Durability::GroupCommit { max_delay: Duration::from_millis(2), max_batch: 256 })
///     .checkpoint_key(CheckpointKey::ed25519_from_seed(&[1; 32]))
///     .checkpoint_every(1000)
///     .rotate_after_bytes(Some(64 << 20));
/// ```
#[derive(Debug, Clone)]
pub struct AuditLogOptions {
    durability: Durability,
    checkpoint_key: Option<CheckpointKey>,
    checkpoint_every: NonZeroU64,
    rotate_after_bytes: Option<u64>,
    retention_years: u16,
    queue_capacity: usize,
}

impl Default for AuditLogOptions {
    /// Sync each event, no checkpoint key, a checkpoint every 1000 events
    /// once a key is set, rotation at 64 MiB, six years' retention.
    fn default() -> Self {
        AuditLogOptions {
            durability: Durability::SyncEachEvent,
            checkpoint_key: None,
            checkpoint_every: NonZeroU64::new(1000).expect("nonzero"),
            rotate_after_bytes: Some(64 << 20),
            retention_years: DEFAULT_RETENTION_YEARS,
            queue_capacity: 4096,
        }
    }
}

impl AuditLogOptions {
    /// Sets the durability policy.
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// Sets the key that signs checkpoints. Without one, the log has a
    /// hash chain but no checkpoints.
    pub fn checkpoint_key(mut self, key: CheckpointKey) -> Self {
        self.checkpoint_key = Some(key);
        self
    }

    /// Writes a signed checkpoint after every `events` events (0 is read
    /// as 1). Checkpoints are also written at rotation and on close.
    pub fn checkpoint_every(mut self, events: u64) -> Self {
        self.checkpoint_every = NonZeroU64::new(events).unwrap_or(NonZeroU64::MIN);
        self
    }

    /// Starts a new file once the active one reaches this size; `None`
    /// never rotates.
    pub fn rotate_after_bytes(mut self, bytes: Option<u64>) -> Self {
        self.rotate_after_bytes = bytes;
        self
    }

    /// Sets how many years records are to be kept (written into each
    /// record as `retain_until`). HIPAA asks for at least six.
    pub fn retention_years(mut self, years: u16) -> Self {
        self.retention_years = years;
        self
    }

    /// Sets how many appends may wait for the writer before further
    /// appends wait for room (back-pressure instead of unbounded memory).
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }
}

type Reply<T> = oneshot::Sender<Result<T, AuditError>>;

// Nearly every command is an append, so boxing the event would only add
// an allocation per event.
#[allow(clippy::large_enum_variant)]
enum Command {
    Append {
        event: AuditEvent,
        reply: Reply<AuditReceipt>,
        _permit: OwnedSemaphorePermit,
    },
    Checkpoint {
        reply: Reply<Option<Anchor>>,
    },
    Close {
        reply: Reply<()>,
    },
}

/// A tamper-evident audit log in JSON Lines files: a SHA-256 hash chain,
/// signed checkpoints, rotation and crash recovery.
///
/// A clonable handle; every clone appends to the same chain. Dropping
/// the last handle lets the writer finish what was queued and stop; call
/// [`close`](Self::close) to also write a final checkpoint and wait for it.
///
/// Opening a log whose last line was torn by a crash moves the torn bytes
/// to `<active file>.torn-<unix nanoseconds>` (no append was acknowledged for
/// them: acknowledgement comes after the sync of a whole line), cuts them
/// from the log, and appends a `recovery` record holding their length and
/// SHA-256, so the chain continues and verification shows that a crash
/// happened. An active file without any complete record is moved to
/// `<active file>.unfinished-<unix nanoseconds>` and the chain continues from
/// the newest rotated file.
///
/// # Known limits
///
/// - Opening checks the last record of the active file, not the whole
///   file; run [`verify`](crate::verify) to check everything.
/// - The count towards the next checkpoint restarts when the log is
///   reopened.
/// - One writer per log: opening takes an exclusive advisory lock on
///   `<active file>.lock`, which the operating system releases when the
///   writer stops or the process dies. Advisory locks bind only programs
///   that ask for them (and may not work on network file systems).
#[derive(Clone)]
pub struct JsonlAuditLog {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    commands: mpsc::Sender<Command>,
    permits: Arc<Semaphore>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for JsonlAuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlAuditLog")
            .field("path", &self.shared.path)
            .finish_non_exhaustive()
    }
}

impl JsonlAuditLog {
    /// Opens the log whose active file is `path`, creating it, or
    /// continuing its chain (recovering a torn final line), and starts
    /// the writer thread.
    ///
    /// This does blocking file I/O; from async code it is brief (it reads
    /// the active file once), or wrap it in `spawn_blocking`.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when the files cannot be read or written;
    /// [`AuditError::Damaged`] when the last complete record is not valid
    /// (the log will not be extended until someone looks at it);
    /// [`AuditError::Locked`] when another writer has the log open.
    pub fn open(path: impl AsRef<Path>, options: AuditLogOptions) -> Result<Self, AuditError> {
        let path = path.as_ref().to_owned();
        let permits = Arc::new(Semaphore::new(options.queue_capacity));
        let lock = lock_log(&path)?;
        let writer = Writer::open(path.clone(), options)?;
        let (commands, queue) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("phiguard-audit-writer".into())
            .spawn(move || {
                // Held for as long as the writer runs.
                let _lock = lock;
                writer.run(queue);
            })
            .map_err(|source| AuditError::Io {
                operation: "starting the writer thread",
                source,
            })?;
        Ok(JsonlAuditLog {
            shared: Arc::new(Shared {
                path,
                commands,
                permits,
                writer: Mutex::new(Some(thread)),
            }),
        })
    }

    /// The active file's path.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Writes a signed checkpoint now (when there is a key and anything
    /// since the last one) and returns its anchor, to publish outside the
    /// log.
    ///
    /// # Errors
    ///
    /// As [`AuditSink::append`].
    pub async fn checkpoint(&self) -> Result<Option<Anchor>, AuditError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Checkpoint { reply })?;
        answer.await.map_err(|_| AuditError::Closed)?
    }

    /// Writes a final checkpoint (when there is a key), syncs, and stops
    /// the writer. Later appends on any clone fail with
    /// [`AuditError::Closed`].
    ///
    /// # Errors
    ///
    /// [`AuditError::Closed`] when already closed; I/O errors of the last
    /// writes.
    pub async fn close(&self) -> Result<(), AuditError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Close { reply })?;
        let result = answer.await.map_err(|_| AuditError::Closed)?;
        let handle = self
            .shared
            .writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(handle) = handle {
            // The writer has answered and is returning; joining is quick.
            let _ = handle.join();
        }
        result
    }

    fn send(&self, command: Command) -> Result<(), AuditError> {
        self.shared
            .commands
            .send(command)
            .map_err(|_| AuditError::Closed)
    }
}

#[async_trait]
impl AuditSink for JsonlAuditLog {
    async fn append(&self, event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        let permit = Arc::clone(&self.shared.permits)
            .acquire_owned()
            .await
            .map_err(|_| AuditError::Closed)?;
        let (reply, answer) = oneshot::channel();
        self.send(Command::Append {
            event,
            reply,
            _permit: permit,
        })?;
        answer.await.map_err(|_| AuditError::Closed)?
    }
}

/// The writer thread's state.
struct Writer {
    path: PathBuf,
    options: AuditLogOptions,
    file: File,
    file_len: u64,
    records_in_file: u64,
    segment_index: u64,
    chain: Chain,
    since_checkpoint: u64,
    poisoned: bool,
    buf: Vec<u8>,
}

/// Appends staged but not yet synced, waiting for their reply.
type Pending = Vec<(Reply<AuditReceipt>, AuditReceipt)>;

impl Writer {
    fn open(path: PathBuf, options: AuditLogOptions) -> Result<Self, AuditError> {
        let io = |operation| move |source| AuditError::Io { operation, source };

        // A leftover temporary file never became part of the chain.
        let temp = temp_path(&path);
        if temp.exists() {
            fs::remove_file(&temp).map_err(io("removing a leftover temporary file"))?;
        }

        let data = match fs::read(&path) {
            Ok(data) => Some(data),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(io("reading the active file")(err)),
        };

        if let Some(data) = data {
            let (lines, torn) = split_lines(&data);
            if let (Some((_, first)), Some((_, last))) = (lines.first(), lines.last()) {
                let records = lines.len() as u64;
                return Writer::continue_file(path, options, (first, last, records), &data, torn);
            }
            // Only a torn header (or nothing): the file never held a
            // complete record. It is set aside, not deleted, in case it
            // is evidence of something other than a crash, and the chain
            // continues from the rotated files.
            let aside = aside_path(&path, "unfinished");
            tracing::warn!(
                bytes = data.len(),
                "audit log's active file held no complete record; set aside"
            );
            fs::rename(&path, &aside).map_err(io("setting aside an unfinished active file"))?;
        }

        // No active file: continue after the newest rotated segment, or
        // start a new chain.
        let (index, chain) = match newest_rotated(&path).map_err(io("listing rotated files"))? {
            Some((index, rotated)) => {
                let data = fs::read(&rotated).map_err(io("reading the newest rotated file"))?;
                let (lines, torn) = split_lines(&data);
                let last = match (lines.last(), torn.is_empty()) {
                    (Some((_, last)), true) => *last,
                    _ => {
                        return Err(AuditError::Damaged {
                            path: rotated,
                            reason: crate::BadRecordReason::TruncatedFile,
                        });
                    }
                };
                let (record, hash) =
                    decode(last, &mut Vec::new()).map_err(|reason| AuditError::Damaged {
                        path: rotated.clone(),
                        reason,
                    })?;
                (
                    index + 1,
                    Chain {
                        next_seq: record.seq + 1,
                        prev: hash,
                    },
                )
            }
            None => (0, Chain::genesis()),
        };
        Writer::start_segment(path, options, index, chain)
    }

    /// Continues an active file whose first and last complete lines are
    /// `first` and `last`, removing a torn tail.
    fn continue_file(
        path: PathBuf,
        options: AuditLogOptions,
        (first, last, records): (&[u8], &[u8], u64),
        data: &[u8],
        torn: &[u8],
    ) -> Result<Self, AuditError> {
        let damaged = |reason| AuditError::Damaged {
            path: path.clone(),
            reason,
        };
        let mut scratch = Vec::new();
        let (header, _) = decode(first, &mut scratch).map_err(damaged)?;
        let Entry::Segment(segment) = header.entry else {
            return Err(damaged(crate::BadRecordReason::SegmentHeader));
        };
        let (record, hash) = decode(last, &mut scratch).map_err(damaged)?;

        // Keep the torn bytes beside the log before cutting them off: they
        // were never acknowledged, but they are evidence.
        if !torn.is_empty() {
            let aside = aside_path(&path, "torn");
            create_atomically(&aside, torn)
                .map(drop)
                .map_err(|source| AuditError::Io {
                    operation: "keeping a torn final line aside",
                    source,
                })?;
        }

        let mut file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|source| AuditError::Io {
                operation: "opening the active file",
                source,
            })?;
        let complete_len = (data.len() - torn.len()) as u64;
        let mut writer = Writer {
            path,
            options,
            file_len: complete_len,
            records_in_file: records,
            segment_index: segment.index,
            chain: Chain {
                next_seq: record.seq + 1,
                prev: hash,
            },
            since_checkpoint: 0,
            poisoned: false,
            buf: Vec::new(),
            file: {
                use std::io::Seek as _;
                file.set_len(complete_len)
                    .and_then(|()| file.seek(io::SeekFrom::End(0)).map(|_| ()))
                    .map_err(|source| AuditError::Io {
                        operation: "removing a torn final line",
                        source,
                    })?;
                file
            },
        };

        if !torn.is_empty() {
            tracing::warn!(
                torn_bytes = torn.len(),
                "audit log ended in a torn line; moved it aside and recorded the recovery"
            );
            let now = OffsetDateTime::now_utc();
            let recovery = Entry::Recovery(Recovery {
                time: now,
                torn_bytes: torn.len() as u64,
                torn_sha256: hex::encode(Sha256::digest(torn)),
            });
            writer.stage(recovery).map_err(AuditError::Encode)?;
            writer
                .write_buf()
                .and_then(|()| writer.file.sync_data())
                .map_err(|source| AuditError::Io {
                    operation: "recording a crash recovery",
                    source,
                })?;
        }
        Ok(writer)
    }

    /// Creates the active file with a segment header, atomically (written
    /// to a temporary file, synced, renamed).
    fn start_segment(
        path: PathBuf,
        options: AuditLogOptions,
        index: u64,
        mut chain: Chain,
    ) -> Result<Self, AuditError> {
        let mut buf = Vec::new();
        let now = OffsetDateTime::now_utc();
        let header = Entry::Segment(SegmentHeader {
            format: FORMAT.to_owned(),
            index,
            created: now,
            retention_years: options.retention_years,
        });
        chain
            .push(header, retain_until(now, options.retention_years), &mut buf)
            .map_err(AuditError::Encode)?;
        let file = create_atomically(&path, &buf).map_err(|source| AuditError::Io {
            operation: "creating a log file",
            source,
        })?;
        Ok(Writer {
            path,
            options,
            file,
            file_len: buf.len() as u64,
            records_in_file: 1,
            segment_index: index,
            chain,
            since_checkpoint: 0,
            poisoned: false,
            buf: Vec::new(),
        })
    }

    fn run(mut self, queue: mpsc::Receiver<Command>) {
        while let Ok(first) = queue.recv() {
            let mut commands = vec![first];
            if let Durability::GroupCommit {
                max_delay,
                max_batch,
            } = self.options.durability
                && matches!(commands[0], Command::Append { .. })
            {
                let deadline = Instant::now() + max_delay;
                while commands.len() < max_batch.max(1) {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    let next = if wait.is_zero() {
                        queue.try_recv().map_err(|_| RecvTimeoutError::Timeout)
                    } else {
                        queue.recv_timeout(wait)
                    };
                    match next {
                        Ok(command) => {
                            let stop = !matches!(command, Command::Append { .. });
                            commands.push(command);
                            if stop {
                                break;
                            }
                        }
                        Err(_) => break,
                    }
                }
            }
            if self.handle(commands) {
                return;
            }
        }

        // Every handle is gone: sign what is unsigned and stop.
        if !self.poisoned {
            let mut pending = Pending::new();
            let _ = self.stage_checkpoint();
            self.commit(&mut pending, "closing");
        }
    }

    /// Handles a group of commands; returns true when the log was closed.
    fn handle(&mut self, commands: Vec<Command>) -> bool {
        let mut pending = Pending::new();
        for command in commands {
            match command {
                Command::Append { event, reply, .. } => {
                    if self.poisoned {
                        let _ = reply.send(Err(AuditError::Poisoned));
                        continue;
                    }
                    match self.stage_event(event) {
                        Ok(receipt) => pending.push((reply, receipt)),
                        Err(err) => {
                            let _ = reply.send(Err(err));
                        }
                    }
                    if matches!(self.options.durability, Durability::SyncEachEvent) {
                        self.commit(&mut pending, "syncing an event");
                    }
                }
                Command::Checkpoint { reply } => {
                    self.commit(&mut pending, "syncing events");
                    let result = self.checkpoint_now();
                    let _ = reply.send(result);
                }
                Command::Close { reply } => {
                    self.commit(&mut pending, "syncing events");
                    let result = self.checkpoint_now().map(|_| ());
                    self.poisoned = true;
                    let _ = reply.send(result);
                    return true;
                }
            }
        }
        self.commit(&mut pending, "syncing a group of events");
        false
    }

    fn checkpoint_now(&mut self) -> Result<Option<Anchor>, AuditError> {
        if self.poisoned {
            return Err(AuditError::Poisoned);
        }
        let anchor = self.stage_checkpoint().map_err(AuditError::Encode)?;
        let mut pending = Pending::new();
        if self.commit(&mut pending, "writing a checkpoint") {
            Ok(anchor)
        } else {
            Err(AuditError::Poisoned)
        }
    }

    /// Stages an event (and a checkpoint or a rotation when due).
    fn stage_event(&mut self, mut event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        if let Some(limit) = self.options.rotate_after_bytes
            && self.records_in_file > 1
            && self.file_len + self.buf.len() as u64 >= limit
        {
            self.rotate().map_err(|source| {
                self.poisoned = true;
                AuditError::Io {
                    operation: "rotating the log file",
                    source,
                }
            })?;
        }

        let id = *event.id.get_or_insert_with(Uuid::now_v7);
        let (seq, hash) = self
            .stage(Entry::Event(event))
            .map_err(AuditError::Encode)?;
        self.since_checkpoint += 1;
        if self.since_checkpoint >= self.options.checkpoint_every.get() {
            self.stage_checkpoint().map_err(AuditError::Encode)?;
        }
        Ok(AuditReceipt::new(id, seq, hash))
    }

    /// Stages a signed checkpoint when there is a key and something to
    /// sign since the last one.
    fn stage_checkpoint(&mut self) -> Result<Option<Anchor>, serde_json::Error> {
        let Some(key) = &self.options.checkpoint_key else {
            return Ok(None);
        };
        if self.since_checkpoint == 0 {
            return Ok(None);
        }
        let now = OffsetDateTime::now_utc();
        let time_text = now.format(&Rfc3339).expect("UTC times format as RFC 3339");
        let head_seq = self.chain.next_seq - 1;
        let alg = key.algorithm().as_str();
        let message =
            Checkpoint::message(head_seq, &self.chain.prev, &time_text, alg, key.key_id());
        let checkpoint = Checkpoint {
            head_seq,
            head: self.chain.prev.clone(),
            time: now,
            alg: alg.to_owned(),
            key_id: key.key_id().to_owned(),
            signature: key.sign(&message),
        };
        let (seq, hash) = self.stage(Entry::Checkpoint(checkpoint))?;
        self.since_checkpoint = 0;
        Ok(Some(Anchor { seq, hash }))
    }

    fn stage(&mut self, entry: Entry) -> Result<(u64, String), serde_json::Error> {
        let until = retain_until(OffsetDateTime::now_utc(), self.options.retention_years);
        let staged = self.chain.push(entry, until, &mut self.buf)?;
        self.records_in_file += 1;
        Ok(staged)
    }

    fn write_buf(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.file.write_all(&self.buf)?;
        self.file_len += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Writes and syncs what is staged, then answers the pending appends.
    /// On failure the log stops accepting appends, since what reached the
    /// disk is unknown. Returns whether it succeeded.
    fn commit(&mut self, pending: &mut Pending, operation: &'static str) -> bool {
        if self.poisoned {
            for (reply, _) in pending.drain(..) {
                let _ = reply.send(Err(AuditError::Poisoned));
            }
            return false;
        }
        let result = self.write_buf().and_then(|()| self.file.sync_data());
        match result {
            Ok(()) => {
                for (reply, receipt) in pending.drain(..) {
                    let _ = reply.send(Ok(receipt));
                }
                true
            }
            Err(err) => {
                self.poisoned = true;
                tracing::error!(
                    error = %err,
                    operation,
                    "audit log write failed; refusing further appends"
                );
                for (reply, _) in pending.drain(..) {
                    let _ = reply.send(Err(AuditError::Io {
                        operation,
                        source: io::Error::new(err.kind(), err.to_string()),
                    }));
                }
                false
            }
        }
    }

    /// Closes the active file with a checkpoint, renames it to its
    /// segment name, and starts the next segment linked to it.
    fn rotate(&mut self) -> io::Result<()> {
        self.stage_checkpoint().map_err(io::Error::other)?;
        self.write_buf()?;
        self.file.sync_data()?;

        let rotated = rotated_path(&self.path, self.segment_index);
        fs::rename(&self.path, &rotated)?;
        sync_dir(&self.path)?;

        let index = self.segment_index + 1;
        let now = OffsetDateTime::now_utc();
        let header = Entry::Segment(SegmentHeader {
            format: FORMAT.to_owned(),
            index,
            created: now,
            retention_years: self.options.retention_years,
        });
        let mut buf = Vec::new();
        let until = retain_until(now, self.options.retention_years);
        self.chain
            .push(header, until, &mut buf)
            .map_err(io::Error::other)?;
        self.file = create_atomically(&self.path, &buf)?;
        self.file_len = buf.len() as u64;
        self.records_in_file = 1;
        self.segment_index = index;
        tracing::info!(segment = index, "audit log rotated");
        Ok(())
    }
}

/// `dir/stem.NNNNNN.ext` for the active file `dir/stem.ext`.
fn rotated_path(active: &Path, index: u64) -> PathBuf {
    let stem = active.file_stem().unwrap_or_default().to_string_lossy();
    let name = match active.extension() {
        Some(ext) => format!("{stem}.{index:06}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{index:06}"),
    };
    active.with_file_name(name)
}

/// Takes the exclusive writer lock of the log whose active file is
/// `active`.
fn lock_log(active: &Path) -> Result<File, AuditError> {
    let mut name = active.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = active.with_file_name(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| AuditError::Io {
            operation: "opening the lock file",
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(AuditError::Locked {
            path: active.to_owned(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(AuditError::Io {
            operation: "locking the log",
            source,
        }),
    }
}

/// `<active>.<what>-<unix nanoseconds>`: where bytes that cannot stay in
/// the log are kept (nanoseconds, so two crashes never share a name).
fn aside_path(active: &Path, what: &str) -> PathBuf {
    let mut name = active.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".{what}-{}",
        OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    active.with_file_name(name)
}

fn temp_path(active: &Path) -> PathBuf {
    let mut name = active.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    active.with_file_name(name)
}

/// The rotated segment with the highest number, if any.
fn newest_rotated(active: &Path) -> io::Result<Option<(u64, PathBuf)>> {
    let dir = match active.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let stem = active
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let ext = active.extension().map(|e| e.to_string_lossy().into_owned());
    let mut newest: Option<(u64, PathBuf)> = None;
    for entry in fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(rest) = name.strip_prefix(&stem).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        let digits = match &ext {
            Some(ext) => rest
                .strip_suffix(ext.as_str())
                .and_then(|r| r.strip_suffix('.')),
            None => Some(rest),
        };
        let Some(digits) = digits else { continue };
        if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(index) = digits.parse::<u64>() else {
            continue;
        };
        if newest.as_ref().is_none_or(|(best, _)| index > *best) {
            newest = Some((index, active.with_file_name(&*name)));
        }
    }
    Ok(newest)
}

/// Writes `contents` to a temporary file, syncs it, renames it to `path`
/// and syncs the directory, so `path` never exists half-written. Returns
/// the file opened for appending.
fn create_atomically(path: &Path, contents: &[u8]) -> io::Result<File> {
    let temp = temp_path(path);
    {
        let mut open = OpenOptions::new();
        open.write(true).create(true).truncate(true);
        // The trail names users, roles and vendors: owner-only by default.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let mut file = open.open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
    }
    fs::rename(&temp, path)?;
    sync_dir(path)?;
    OpenOptions::new().append(true).open(path)
}

/// Makes a rename or creation in `path`'s directory durable.
fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_names_sort_before_the_active_file() {
        let active = Path::new("/var/log/audit.jsonl");
        let rotated = rotated_path(active, 3);
        assert_eq!(rotated, Path::new("/var/log/audit.000003.jsonl"));
        assert!(rotated.file_name() < active.file_name());
        assert_eq!(
            rotated_path(Path::new("audit"), 12),
            Path::new("audit.000012")
        );
    }
}
