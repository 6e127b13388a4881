//! The audit sink trait, receipts, and the in-memory sink.

use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::event::AuditEvent;
use crate::record::{Chain, Entry, FORMAT, SegmentHeader, retain_until};
use crate::verify::Anchor;
use crate::{AuditError, DEFAULT_RETENTION_YEARS};

/// Where audit events go.
///
/// `append` returns only once the event is as durable as the sink
/// promises (for [`JsonlAuditLog`](crate::JsonlAuditLog), synced to disk).
/// A caller that must fail closed sends nothing when it returns an error.
///
/// Implementations must keep one order: the receipts of concurrent
/// appends carry distinct, increasing sequence numbers in the order the
/// events were recorded.
#[async_trait]
pub trait AuditSink: Send + Sync {
    /// Records `event`, giving it an id when it has none.
    ///
    /// # Errors
    ///
    /// [`AuditError`] when the event could not be recorded durably.
    async fn append(&self, event: AuditEvent) -> Result<AuditReceipt, AuditError>;
}

#[async_trait]
impl<S: AuditSink + ?Sized> AuditSink for Arc<S> {
    async fn append(&self, event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        (**self).append(event).await
    }
}

#[async_trait]
impl<S: AuditSink + ?Sized> AuditSink for Box<S> {
    async fn append(&self, event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        (**self).append(event).await
    }
}

/// Proof that an event was recorded: its id, its place in the chain and
/// its record's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReceipt {
    event_id: Uuid,
    seq: u64,
    hash: String,
}

impl AuditReceipt {
    pub(crate) fn new(event_id: Uuid, seq: u64, hash: String) -> Self {
        AuditReceipt {
            event_id,
            seq,
            hash,
        }
    }

    /// The event's id.
    pub fn event_id(&self) -> Uuid {
        self.event_id
    }

    /// The record's sequence number in the chain.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// The record's hash, lowercase hex SHA-256.
    pub fn record_hash(&self) -> &str {
        &self.hash
    }

    /// The record as an [`Anchor`]: kept outside the log, it lets a later
    /// verification detect that the log was cut short before it or
    /// rewritten up to it.
    pub fn anchor(&self) -> Anchor {
        Anchor {
            seq: self.seq,
            hash: self.hash.clone(),
        }
    }
}

/// An audit sink in memory: a cheap clonable handle, for tests and
/// examples.
///
/// It keeps the same hash chain as the file log, so
/// [`to_jsonl`](Self::to_jsonl) gives bytes that
/// [`verify_bytes`](crate::verify_bytes) accepts. Nothing survives the
/// process.
///
/// ```
/// use phiguard_audit::{Action, Actor, AuditEvent, AuditSink, MemoryAuditSink};
///
/// # tokio_test_block(async {
/// let sink = MemoryAuditSink::new();
/// let receipt = sink
///     .append(AuditEvent::new(Actor::new("u-1", "nurse"), Action::AiRequest))
///     .await
///     .unwrap();
/// assert_eq!(sink.events()[0].id, Some(receipt.event_id()));
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryAuditSink {
    state: Arc<Mutex<MemoryState>>,
}

struct MemoryState {
    chain: Chain,
    bytes: Vec<u8>,
    events: Vec<AuditEvent>,
    failing: bool,
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> Self {
        let mut chain = Chain::genesis();
        let mut bytes = Vec::new();
        let now = OffsetDateTime::now_utc();
        let header = Entry::Segment(SegmentHeader {
            format: FORMAT.to_owned(),
            index: 0,
            created: now,
            retention_years: DEFAULT_RETENTION_YEARS,
        });
        chain
            .push(
                header,
                retain_until(now, DEFAULT_RETENTION_YEARS),
                &mut bytes,
            )
            .expect("a segment header always encodes");
        MemoryAuditSink {
            state: Arc::new(Mutex::new(MemoryState {
                chain,
                bytes,
                events: Vec::new(),
                failing: false,
            })),
        }
    }

    /// A sink whose appends fail with [`AuditError::Unavailable`], to test
    /// that callers fail closed.
    pub fn failing() -> Self {
        let sink = MemoryAuditSink::new();
        sink.set_failing(true);
        sink
    }

    /// Makes later appends fail (`true`) or succeed again (`false`).
    pub fn set_failing(&self, failing: bool) {
        self.lock().failing = failing;
    }

    /// The events recorded so far, in order, with their ids.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.lock().events.clone()
    }

    /// How many events were recorded.
    pub fn len(&self) -> usize {
        self.lock().events.len()
    }

    /// Whether no event was recorded.
    pub fn is_empty(&self) -> bool {
        self.lock().events.is_empty()
    }

    /// The recorded chain as JSON Lines, as the file log would write it.
    pub fn to_jsonl(&self) -> Vec<u8> {
        self.lock().bytes.clone()
    }

    fn lock(&self) -> MutexGuard<'_, MemoryState> {
        // A panic while holding the lock cannot leave the chain half
        // advanced (push only commits on success), so a poisoned lock is
        // still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for MemoryAuditSink {
    fn default() -> Self {
        MemoryAuditSink::new()
    }
}

impl std::fmt::Debug for MemoryAuditSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryAuditSink")
            .field("events", &self.len())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AuditSink for MemoryAuditSink {
    async fn append(&self, mut event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        let mut state = self.lock();
        if state.failing {
            return Err(AuditError::Unavailable);
        }
        let id = *event.id.get_or_insert_with(Uuid::now_v7);
        let now = OffsetDateTime::now_utc();
        let MemoryState { chain, bytes, .. } = &mut *state;
        let (seq, hash) = chain
            .push(
                Entry::Event(event.clone()),
                retain_until(now, DEFAULT_RETENTION_YEARS),
                bytes,
            )
            .map_err(AuditError::Encode)?;
        state.events.push(event);
        Ok(AuditReceipt::new(id, seq, hash))
    }
}
